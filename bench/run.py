"""``make bench``: how fast market-snapshots normalises, builds and answers BI queries.

Five measurements, each the median of several runs, printed as a table and written as JSON to
``<state dir>/bench/results/`` (``warehouse/.state/bench/`` by default, or ``--work-dir``):

1. normalise: captures/s and MB/s of ``normalise_captures`` on 10 years of captures, against a
   plain-Python line-by-line parser and the bare cost of reading the same bytes; peak memory.
2. incremental day: with 1 month, 1 year and 10 years built, landing and building one new date.
3. full build of 10 years from scratch (peak memory), and a no-op rebuild, which must not parse.
4. BI queries on the 10-year warehouse: top-10 gainers of a date, a sector's and an index's year.
5. overhead: ``make build`` of the shipped sample against a bare ``dbt build`` of the project.

Every capture is synthetic (``market-snapshots synth``), every build is the real
``market-snapshots build`` command in its own process. Generated data is kept in the work dir and
reused by the next run. ``--quick`` runs everything at a small scale (a CI smoke test).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.builds import part_builds
from bench.common import BIN, FULL, QUICK, Figure, Scale, build_env, synth, timed_process
from bench.queries import largest_warehouse, part_queries
from bench.soak import part_soak
from bench.table import table as _table
from bench.targets import target_table
from bench.workers import part_workers
from dagster_project.settings import DBT_PROJECT_DIR, PROJECT_ROOT, load_settings

# ---------------------------------------------------------------------------- 1. normalise


def normalise_worker(raw: str, method: str) -> dict[str, Any]:
    """One timed pass over the captures of ``raw``, in a fresh process (see part_normalise)."""
    from bench.reference import bare_read, parse_pure_python
    from dagster_project.core.dating.calendar import psx_calendar
    from dagster_project.core.normalise.captures import CaptureSource, normalise_captures
    from dagster_project.core.raw.landing import inventory
    from dagster_project.settings import HOLIDAYS_SEED

    root = Path(raw)
    files = inventory(root).files.unique("sha256", keep="first", maintain_order=True)
    sources = [
        CaptureSource(row["sha256"], root / row["source_path"], row["byte_size"])
        for row in files.iter_rows(named=True)
    ]
    paths = [source.path for source in sources]
    calendar = psx_calendar(HOLIDAYS_SEED)
    result: dict[str, Any] = {"captures": len(sources), "bytes": int(files["byte_size"].sum())}
    started = time.perf_counter()
    if method == "bare-read":
        bare_read(paths)
    elif method == "pure-python":
        result["parsed"] = asdict(parse_pure_python(paths))
    else:
        frames = normalise_captures(sources, calendar=calendar, max_bytes=10 * 1024 * 1024)
        result["parsed"] = {
            "captures": frames.captures.height,
            "quotes": frames.quotes.height,
            "index_levels": frames.index_levels.height,
            "rejected_lines": frames.rejected_lines.height,
            "dated": frames.captures["page_date"].is_not_null().sum(),
        }
    result["seconds"] = time.perf_counter() - started
    return result


def part_normalise(work: Path, scale: Scale) -> dict[str, Any]:
    raw = synth(
        work / "data" / f"normalise-{scale.normalise_days}d", days=scale.normalise_days, scale=scale
    )
    methods = {
        "polars path": "polars",
        "pure-Python parser": "pure-python",
        "bare read": "bare-read",
    }
    figures: dict[str, Figure] = {}
    info: dict[str, Any] = {}
    for label, method in methods.items():
        seconds, peaks = [], []
        for _ in range(scale.runs):
            _, peak, output = timed_process(
                [sys.executable, "-m", "bench.run", "_normalise", str(raw), method]
            )
            result = json.loads(output.strip().splitlines()[-1])
            seconds.append(result["seconds"])
            peaks.append(peak)
        info = info or {"captures": result["captures"], "bytes": result["bytes"]}
        figures[label] = Figure(label, "s", seconds, {"peak_mb": max(peaks)})
        if "parsed" in result:
            figures[label].extra["parsed"] = result["parsed"]
    polars, python, bare = (figures[label].median for label in methods)
    captures, megabytes = info["captures"], info["bytes"] / 1e6
    return {
        "data": {"raw_dir": str(raw), **info},
        "figures": {
            label: asdict(figure) | {"median": figure.median} for label, figure in figures.items()
        },
        "captures_per_s": captures / polars,
        "mb_per_s": megabytes / polars,
        "pure_python_captures_per_s": captures / python,
        "ratio_to_bare_read": polars / bare,
        "speedup_over_pure_python": python / polars,
        "peak_mb": figures["polars path"].extra["peak_mb"],
        "targets": {
            "within 3x of the bare read": polars / bare <= 3,
            "at least 2x faster than pure Python": python / polars >= 2,
        },
    }


# ---------------------------------------------------------------------------- 5. overhead


def _step_seconds(home: Path) -> dict[str, float]:
    """Seconds per step of the runs stored in the Dagster instance at ``home``."""
    code = (
        "import json, dagster as dg\n"
        "steps = {}\n"
        "with dg.DagsterInstance.get() as instance:\n"
        "    for run in instance.get_runs():\n"
        "        started = {}\n"
        "        for event in instance.all_logs(run.run_id):\n"
        "            kind = event.dagster_event_type and event.dagster_event_type.value\n"
        "            if kind == 'STEP_START': started[event.step_key] = event.timestamp\n"
        "            if kind == 'STEP_SUCCESS' and event.step_key in started:\n"
        "                steps[event.step_key] = steps.get(event.step_key, 0) + "
        "event.timestamp - started[event.step_key]\n"
        "print(json.dumps(steps))\n"
    )
    env = os.environ | {"DAGSTER_HOME": str(home)}
    _, _, output = timed_process([sys.executable, "-c", code], env=env)
    steps: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return steps


def _dbt_timings(target: Path) -> dict[str, float]:
    """Model and test seconds from the newest dbt run_results.json files under ``target``."""
    totals = {"models_s": 0.0, "tests_s": 0.0, "seeds_s": 0.0, "dbt_elapsed_s": 0.0}
    for path in sorted(target.rglob("run_results.json")):
        results = json.loads(path.read_text(encoding="utf-8"))
        totals["dbt_elapsed_s"] += results.get("elapsed_time", 0.0)
        for node in results.get("results", []):
            kind = node["unique_id"].split(".")[0]
            key = {"model": "models_s", "seed": "seeds_s"}.get(kind, "tests_s")
            totals[key] += node.get("execution_time", 0.0)
    return totals


def part_overhead(work: Path, runs: int) -> dict[str, Any]:
    base = work / "sample"
    raw, warehouse = base / "raw", base / "warehouse" / "market.duckdb"
    shutil.rmtree(raw, ignore_errors=True)
    shutil.copytree(PROJECT_ROOT / "raw" / "samples", raw)
    settings = load_settings(build_env(raw, warehouse))
    make_runs = []
    for _ in range(runs):
        shutil.rmtree(warehouse.parent, ignore_errors=True)
        seconds, _, _ = timed_process(["make", "-s", "build"], env=build_env(raw, warehouse))
        make_runs.append(seconds)
    noop_runs = [
        timed_process(["make", "-s", "build"], env=build_env(raw, warehouse))[0]
        for _ in range(runs)
    ]
    steps = _step_seconds(settings.dagster_home)
    dbt = _dbt_timings(settings.state_dir)
    dbt_env = build_env(raw, warehouse) | settings.as_env()
    dbt_command = [str(BIN / "dbt"), "build", "--project-dir", str(DBT_PROJECT_DIR)]
    dbt_command += [
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(base / "dbt-target"),
    ]
    dbt_command += ["--log-path", str(base / "dbt-logs")]
    dbt_runs = [timed_process(dbt_command, env=dbt_env)[0] for _ in range(runs)]
    parse_command = [str(BIN / "dbt"), "parse", *dbt_command[2:]]
    parse_runs = [timed_process(parse_command, env=dbt_env)[0] for _ in range(runs)]
    import_runs = [
        timed_process(
            [sys.executable, "-c", "import dagster_project.definitions"],
            env=build_env(raw, warehouse),
        )[0]
        for _ in range(runs)
    ]
    make_s, dbt_s = statistics.median(make_runs), statistics.median(dbt_runs)
    return {
        "make_build": {"runs": make_runs, "median": make_s},
        "noop_make_build": {"runs": noop_runs, "median": statistics.median(noop_runs)},
        "bare_dbt_build": {"runs": dbt_runs, "median": dbt_s},
        "ratio": make_s / dbt_s,
        "breakdown": {
            "python + dagster + definitions import (s)": statistics.median(import_runs),
            "dbt parse alone (s)": statistics.median(parse_runs),
            "dagster steps of the last make build (s)": steps,
            "dbt nodes of the last make build (s)": dbt,
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    parser.add_argument("--work-dir", help="data and results (default <state dir>/bench)")
    parser.add_argument(
        "--parts",
        default="1,2,4,5,6,7",
        help=(
            "which measurements: 1 normalise, 2 builds (2 and 3), 4 queries, 5 overhead, 6 soak, "
            "7 workers (the normalise fan-out)"
        ),
    )
    parser.add_argument("--runs", type=int, help="runs of the cheap figures (default 5, quick 2)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="part 2: reuse the histories an earlier run built; measure only the new day",
    )
    args = parser.parse_args(argv)
    scale = QUICK if args.quick else FULL
    if args.runs:
        scale = Scale(**{**asdict(scale), "runs": args.runs})
    work = Path(args.work_dir).resolve() if args.work_dir else load_settings().state_dir / "bench"
    work.mkdir(parents=True, exist_ok=True)
    parts = set(args.parts.split(","))
    results: dict[str, Any] = {
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "scale": asdict(scale) | {"quick": args.quick},
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load": os.getloadavg(),
        },
    }
    steps: list[tuple[str, str, Callable[[], dict[str, Any]]]] = [
        ("1", "normalise", lambda: part_normalise(work, scale)),
        ("2", "builds", lambda: part_builds(work, scale, reuse=args.reuse)),
        ("4", "queries", lambda: part_queries(largest_warehouse(work, scale))),
        ("5", "overhead", lambda: part_overhead(work, scale.runs)),
        ("6", "soak", lambda: part_soak(work, quick=args.quick)),
        ("7", "workers", lambda: part_workers(work, scale, runs=1 if args.quick else 2)),
    ]
    for number, name, run in steps:
        if number in parts:
            print(f"bench: {name} …", file=sys.stderr, flush=True)
            results[name] = run()
    results["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    out = work / "results"
    out.mkdir(exist_ok=True)
    stamp = results["started_at"].replace(":", "")
    for path in (out / f"bench-{stamp}.json", out / "latest.json"):
        path.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(_table(results))
    print("\nissue 10's targets:\n" + target_table(results))
    print(f"results: {out / 'latest.json'}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_normalise":
        print(json.dumps(normalise_worker(sys.argv[2], sys.argv[3]), default=str))
        sys.exit(0)
    sys.exit(main())
