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
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.soak import part_soak
from bench.targets import target_table
from dagster_project.settings import DBT_PROJECT_DIR, PROJECT_ROOT, load_settings

BIN = Path(sys.executable).parent
CLI = str(BIN / "market-snapshots")
SEED = 20241018


@dataclass(frozen=True)
class Scale:
    """Sizes of one bench run."""

    normalise_days: int  # PSX sessions of the normalise data set
    captures_per_day: int
    symbols: int
    history: dict[str, int]  # label -> sessions already built before the new day
    runs: int  # runs of each cheap figure (the median is reported)
    build_runs: int  # runs of each incremental-day and no-op build
    full_builds: int  # runs of each full build from scratch


FULL = Scale(2500, 12, 30, {"1 month": 21, "1 year": 248, "10 years": 2500}, 5, 3, 1)
QUICK = Scale(125, 4, 30, {"1 month": 21, "3 months": 63}, 2, 2, 1)


@dataclass
class Figure:
    """One measured quantity: the runs and their median."""

    name: str
    unit: str
    runs: list[float]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


# ---------------------------------------------------------------------------- processes


def timed_process(
    command: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path = PROJECT_ROOT
) -> tuple[float, float, str]:
    """Run ``command``; return (wall seconds, peak RSS in MB, combined output)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command),
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{output[-4000:]}")
    return elapsed, usage.ru_maxrss / 1024, output


def build_env(raw: Path, warehouse: Path, **extra: str) -> dict[str, str]:
    """The environment of a build of ``raw`` into ``warehouse`` (state dir beside it)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("MARKET_")}
    env.pop("DAGSTER_HOME", None)
    return env | {"MARKET_RAW_DIR": str(raw), "MARKET_WAREHOUSE": str(warehouse)} | extra


def build(raw: Path, warehouse: Path) -> tuple[float, float, str]:
    """``market-snapshots build`` in its own process: (seconds, peak MB, output)."""
    return timed_process([CLI, "build"], env=build_env(raw, warehouse))


# ---------------------------------------------------------------------------- data


def synth(out: Path, *, days: int, scale: Scale) -> Path:
    """Synthetic captures in ``out`` (kept: regenerated only when the parameters change)."""
    from dagster_project.core.synth import write_captures

    expected = out / "expected.json"
    wanted = {"days": days, "captures_per_day": scale.captures_per_day, "symbols": scale.symbols}
    if expected.exists():
        params = json.loads(expected.read_text(encoding="utf-8"))["params"]
        if all(params.get(key) == value for key, value in wanted.items()):
            return out
        shutil.rmtree(out)
    write_captures(out, **wanted, seed=SEED)  # type: ignore[arg-type]
    return out


def capture_files(raw: Path) -> list[Path]:
    return sorted(path for path in raw.rglob("*") if path.suffix in (".txt", ".html"))


def page_date(path: Path) -> dt.date:
    return dt.date.fromisoformat(path.name.split("_")[1])


# ---------------------------------------------------------------------------- 1. normalise


def normalise_worker(raw: str, method: str) -> dict[str, Any]:
    """One timed pass over the captures of ``raw``, in a fresh process (see part_normalise)."""
    from bench.reference import bare_read, parse_pure_python
    from dagster_project.core.calendar import psx_calendar
    from dagster_project.core.landing import inventory
    from dagster_project.core.normalise import CaptureSource, normalise_captures
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


# ---------------------------------------------------------------------------- 2+3. builds


def _link_tree(files: list[Path], source: Path, target: Path) -> None:
    """Hard-link ``files`` (under ``source``) into ``target``; mtimes are shared."""
    for path in files:
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        if not destination.exists():
            os.link(path, destination)


def _normalised_count(output: str) -> int | None:
    """Captures the build parsed: from the normalise step's log, or 0 for a skipped no-op."""
    found = re.findall(r"normalised (\d+) new capture", output)
    if found:
        return sum(int(count) for count in found)
    return 0 if re.search(r"^nothing new: ", output, re.MULTILINE) else None


def part_builds(work: Path, scale: Scale, *, reuse: bool = False) -> dict[str, Any]:
    """History warehouses of each size; one new market date on top of each.

    With ``reuse``, a history already built by an earlier bench run (its snapshot) is reused:
    only the new day is measured.
    """
    results: dict[str, Any] = {"incremental_day": {}, "full_build": {}, "noop_rebuild": {}}
    for label, sessions in scale.history.items():
        base = work / "history" / label.replace(" ", "-")
        everything = synth(base / "all", days=sessions + 1, scale=scale)
        files = capture_files(everything)
        last_session = dt.date.fromisoformat(
            max(json.loads((everything / "expected.json").read_text())["market_dates"])
        )
        new_day = [path for path in files if page_date(path) >= last_session]
        history = [path for path in files if page_date(path) < last_session]
        raw, warehouse = base / "raw", base / "warehouse" / "market.duckdb"
        snapshot = base / "snapshot"
        if not (reuse and snapshot.is_dir()):
            _build_history(results, label, scale, everything, history, raw, warehouse)
            shutil.rmtree(snapshot, ignore_errors=True)
            shutil.copytree(warehouse.parent, snapshot)
        day_runs = []
        for _ in range(scale.build_runs):
            shutil.rmtree(warehouse.parent)
            shutil.copytree(snapshot, warehouse.parent)
            for path in new_day:
                (raw / path.relative_to(everything)).unlink(missing_ok=True)
            _link_tree(new_day, everything, raw)
            seconds, _, output = build(raw, warehouse)
            day_runs.append(seconds)
        results["incremental_day"][label] = {
            "runs": day_runs,
            "median": statistics.median(day_runs),
            "history_sessions": sessions,
            "new_files": len(new_day),
            "new_day": last_session.isoformat(),
            "captures_parsed": _normalised_count(output),
            "matches_expected_json": matches_expected(warehouse, everything / "expected.json"),
        }
        results["warehouse"] = str(warehouse)
    days = results["incremental_day"]
    smallest, *_, largest = list(scale.history)
    results["incremental_ratio"] = days[largest]["median"] / days[smallest]["median"]
    results["targets"] = {
        f"{largest} day within 1.5x of {smallest}": results["incremental_ratio"] <= 1.5,
        "no-op rebuild skips parsing": all(
            noop["skips_parsing"] for noop in results["noop_rebuild"].values()
        ),
    }
    return results


def matches_expected(warehouse: Path, expected: Path) -> bool:
    """Whether every published close and index level is the one the generator wrote."""
    import duckdb

    truth = json.loads(expected.read_text(encoding="utf-8"))["market_dates"]
    wanted = {
        (day, kind, code): tuple(Decimal(value) for value in values)
        for day, facts in truth.items()
        for kind in ("quotes", "indices")
        for code, values in facts[kind].items()
    }
    queries = {
        "quotes": "select market_date, symbol, close_price, change, change_pct "
        "from marts.fct_daily_movers",
        "indices": "select market_date, index_code, level, change, change_pct "
        "from marts.fct_index_changes",
    }
    with duckdb.connect(str(warehouse), read_only=True) as con:
        got = {
            (str(day), kind, code): (value, change, pct)
            for kind, sql in queries.items()
            for day, code, value, change, pct in con.execute(sql).fetchall()
        }
    return got == wanted


def _build_history(
    results: dict[str, Any],
    label: str,
    scale: Scale,
    everything: Path,
    history: list[Path],
    raw: Path,
    warehouse: Path,
) -> None:
    """Full builds of the history from scratch, then no-op rebuilds; recorded in ``results``."""
    full_runs, full_peaks = [], []
    for _ in range(scale.full_builds):
        shutil.rmtree(raw, ignore_errors=True)
        shutil.rmtree(warehouse.parent, ignore_errors=True)
        _link_tree(history, everything, raw)
        seconds, peak, output = build(raw, warehouse)
        full_runs.append(seconds)
        full_peaks.append(peak)
    results["full_build"][label] = asdict(
        Figure("full build", "s", full_runs, {"peak_mb": max(full_peaks), "captures": len(history)})
    ) | {"median": statistics.median(full_runs)}
    noop_runs, parsed = [], []
    for _ in range(scale.build_runs):
        seconds, _, output = build(raw, warehouse)
        noop_runs.append(seconds)
        parsed.append(_normalised_count(output))
    results["noop_rebuild"][label] = {
        "runs": noop_runs,
        "median": statistics.median(noop_runs),
        "captures_parsed": parsed,
        "skips_parsing": all(count == 0 for count in parsed),
    }


# ---------------------------------------------------------------------------- 4. BI queries

QUERIES = {
    "top-10 gainers of a date": (
        "select symbol, sector, close_price, change_pct from marts.fct_daily_movers "
        "where market_date = $day and gainer_rank <= 10 order by gainer_rank"
    ),
    "a sector's 1-year series": (
        "select market_date, symbol_count, advancers, decliners, avg_change_pct "
        "from marts.fct_sector_daily where sector = $sector "
        "and market_date between $day - interval 1 year and $day order by market_date"
    ),
    "an index's 1-year series": (
        "select market_date, level, change, change_pct from marts.fct_index_changes "
        "where index_code = 'KSE100' and market_date between $day - interval 1 year and $day "
        "order by market_date"
    ),
}


def largest_warehouse(work: Path, scale: Scale) -> Path:
    """The warehouse of the longest history (built by part 2)."""
    label = list(scale.history)[-1].replace(" ", "-")
    return work / "history" / label / "warehouse" / "market.duckdb"


def part_queries(warehouse: Path, runs: int = 25) -> dict[str, Any]:
    import duckdb

    results: dict[str, Any] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        day = con.execute("select max(market_date) from marts.fct_daily_movers").fetchone()
        sector = con.execute(
            "select sector from marts.dim_symbol group by 1 order by count(*) desc, 1 limit 1"
        ).fetchone()
    assert day and sector
    params = {"day": day[0], "sector": sector[0]}
    for label, sql in QUERIES.items():
        used = {name: value for name, value in params.items() if f"${name}" in sql}
        started = time.perf_counter()
        with duckdb.connect(str(warehouse), read_only=True) as con:
            rows = con.execute(sql, used).fetchall()
            cold = time.perf_counter() - started
            warm = []
            for _ in range(runs):
                started = time.perf_counter()
                con.execute(sql, used).fetchall()
                warm.append(time.perf_counter() - started)
        results[label] = {
            "rows": len(rows),
            "cold_ms": cold * 1000,
            "warm_ms_runs": [seconds * 1000 for seconds in warm],
            "median_ms": statistics.median(warm) * 1000,
            "under_50_ms": cold * 1000 < 50 and statistics.median(warm) * 1000 < 50,
        }
    results["params"] = {name: str(value) for name, value in params.items()}
    return results


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


# ---------------------------------------------------------------------------- report


def _table(results: dict[str, Any]) -> str:
    rows: list[tuple[str, str, str]] = []
    if "normalise" in results:
        n = results["normalise"]
        figures = n["figures"]
        size = f"{n['data']['captures']:,} captures ({n['data']['bytes'] / 1e6:.0f} MB)"
        rows += [
            (
                f"1. normalise {size}",
                f"{figures['polars path']['median']:.2f} s: {n['captures_per_s']:,.0f} captures/s, "
                f"{n['mb_per_s']:.0f} MB/s, peak {n['peak_mb']:.0f} MB",
                "",
            ),
            (
                "   bare read",
                f"{figures['bare read']['median']:.2f} s",
                f"ratio {n['ratio_to_bare_read']:.1f}x (target <= 3x)",
            ),
            (
                "   pure-Python parser",
                f"{figures['pure-Python parser']['median']:.2f} s",
                f"polars {n['speedup_over_pure_python']:.1f}x faster (target >= 2x)",
            ),
        ]
    if "builds" in results:
        b = results["builds"]
        for label, day in b["incremental_day"].items():
            rows.append((f"2. one new day on {label}", f"{day['median']:.1f} s", ""))
        rows.append(
            ("   ratio largest / smallest", f"{b['incremental_ratio']:.2f}x", "target <= 1.5x")
        )
        for label, full in b["full_build"].items():
            noop = b["noop_rebuild"][label]
            rows.append(
                (
                    f"3. full build, {label} ({full['extra']['captures']:,} captures)",
                    f"{full['median']:.1f} s, peak {full['extra']['peak_mb']:.0f} MB",
                    f"no-op {noop['median']:.1f} s, parsed {noop['captures_parsed']}",
                )
            )
    if "queries" in results:
        for label, query in results["queries"].items():
            if label != "params":
                rows.append(
                    (
                        f"4. {label}",
                        f"{query['median_ms']:.1f} ms warm, {query['cold_ms']:.1f} ms cold",
                        "target < 50 ms",
                    )
                )
    if "overhead" in results:
        o = results["overhead"]
        rows.append(
            (
                "5. make build (sample) vs bare dbt build",
                f"{o['make_build']['median']:.1f} s vs {o['bare_dbt_build']['median']:.1f} s",
                f"{o['ratio']:.1f}x",
            )
        )
    width = max(len(row[0]) for row in rows) if rows else 0
    middle = max(len(row[1]) for row in rows) if rows else 0
    return "\n".join(f"{a:<{width}}  {b:<{middle}}  {c}".rstrip() for a, b, c in rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    parser.add_argument("--work-dir", help="data and results (default <state dir>/bench)")
    parser.add_argument(
        "--parts",
        default="1,2,4,5,6",
        help="which measurements: 1 normalise, 2 builds (2 and 3), 4 queries, 5 overhead, 6 soak",
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
