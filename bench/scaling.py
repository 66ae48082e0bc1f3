"""Issue 14's capacity model: synth, a DuckDB build and a Spark build of one volume, measured.

``run`` writes ``market-snapshots synth`` captures (one session more than asked, held back as the
new day), builds them from scratch (``market-snapshots build``), builds the lake that wrote with
``dbt build --target spark`` on a fresh Spark warehouse, and adds the new day and builds again.
Each command runs in its own process: its wall time, the peak memory of its process tree
(``/proc`` every 0.2 s) and the load go to ``<work>/<label>/result.json``; ``table`` prints
those files as the tables of ``docs/scaling.md``::

    python -m bench.scaling run --label 10x --days 2500 --symbols 150 --captures-per-day 24
    python -m bench.scaling table /tmp/scaling/*/result.json
"""

from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import ACTION_SHARE, BIN, CLI, SEED, build_env, capture_files, page_date
from bench.expected import compare
from bench.run import _step_seconds
from bench.scaling_report import report
from dagster_project.settings import DBT_PROJECT_DIR, load_settings

LIBC, KCMP, KCMP_VM = ctypes.CDLL(None), 312, 1  # kcmp(2) on x86-64: do two share their memory?


def tree_memory(root: int) -> tuple[int, int, int]:
    """KiB resident in ``root`` and its descendants now: RSS summed (a page shared by two counts
    twice), PSS summed (shared pages split), the largest process's RSS. A child that shares its
    parent's address space (spawned, before its exec: the JVM starts many) is not counted."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    members, frontier = {root}, [root]
    while frontier:
        found = [pid for pid, parent in parents.items() if parent in frontier]
        members.update(found)
        frontier = found
    rss, pss = [0], [0]
    for pid in members:
        if pid != root and LIBC.syscall(KCMP, pid, parents[pid], KCMP_VM, 0, 0) == 0:
            continue
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
            fields = dict(line.split(":") for line in text.splitlines()[1:])
            rss.append(int(fields["Rss"].split()[0]))
            pss.append(int(fields["Pss"].split()[0]))
        except (OSError, KeyError, ValueError):
            continue
    return sum(rss), sum(pss), max(rss)


def sampled(
    command: Sequence[str], *, env: dict[str, str], cwd: Path, log: Path, interval: float = 0.2
) -> dict[str, Any]:
    """Run ``command`` (output to ``log``); its time, tree and single-process peaks, the load."""
    load_before = os.getloadavg()
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=out, stderr=out)
    peak = [0, 0, 0]  # KiB: the tree's RSS and PSS, the largest process's RSS
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[:] = map(max, peak, tree_memory(process.pid))
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return {
        "command": " ".join(command),
        "returncode": os.waitstatus_to_exitcode(status),
        "seconds": round(seconds, 1),
        "peak_tree_mb": round(peak[0] / 1024),
        "peak_tree_pss_mb": round(peak[1] / 1024),
        "peak_process_mb": round(peak[2] / 1024),
        "max_rss_mb": round(usage.ru_maxrss / 1024),  # wait4: the child and what it waited for
        "load_before": [round(value, 2) for value in load_before],
        "load_after": [round(value, 2) for value in os.getloadavg()],
        "log": str(log),
    }


def du(path: Path) -> dict[str, float]:
    """Files and MB under ``path`` (a file: one)."""
    paths = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return {"files": len(paths), "mb": round(sum(p.stat().st_size for p in paths) / 1e6, 1)}


def lake_rows(lake: Path) -> dict[str, int]:
    """Rows of each lake table (DuckDB over its Parquet files)."""
    import duckdb

    with duckdb.connect() as connection:
        count = "select count(*) from '{}/**/*.parquet'"
        tables = sorted(table for table in lake.iterdir() if table.is_dir())
        query = connection.execute
        return {table.name: query(count.format(table)).fetchall()[0][0] for table in tables}


def _link(paths: Sequence[Path], source: Path, target: Path) -> None:
    """Hard-link ``paths`` (under ``source``) into ``target``, skipping those already there."""
    for path in paths:
        link = target / path.relative_to(source)
        if not link.exists():
            link.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, link)


def _synth(base: Path, args: argparse.Namespace, result: dict[str, Any]) -> None:
    out = base / "synth"
    wanted: dict[str, object] = {"days": args.days + 1, "symbols": args.symbols}
    wanted |= {"captures_per_day": args.captures_per_day, "action_share": ACTION_SHARE}
    expected = out / "expected.json"
    if expected.exists():
        params = json.loads(expected.read_text(encoding="utf-8"))["params"]
        if any(params.get(key) != value for key, value in wanted.items()):
            raise SystemExit(f"{out} holds other parameters: {params}")
    else:
        shutil.rmtree(out, ignore_errors=True)
        command = [CLI, "synth", "--out", str(out), "--seed", str(SEED)]
        command += [f"--{key.replace('_', '-')}={value}" for key, value in wanted.items()]
        result["synth"] = sampled(command, env=dict(os.environ), cwd=base, log=base / "synth.log")
    last = max(json.loads(expected.read_text(encoding="utf-8"))["market_dates"])
    files = capture_files(out)
    new_day = [path for path in files if page_date(path) >= dt.date.fromisoformat(last)]
    raw = base / "raw"
    shutil.rmtree(raw, ignore_errors=True)
    _link([path for path in files if path not in new_day], out, raw)
    result["raw"] = du(raw) | {"sessions": args.days, "new_day": last, "new_files": len(new_day)}


def _hold_back_new_day(base: Path, result: dict[str, Any]) -> None:
    """Take the held-back session's files out of the raw dir again: a ``newday`` step of an
    earlier run linked them in, and a build from scratch must end the day before."""
    out, raw = base / "synth", base / "raw"
    last = dt.date.fromisoformat(result["raw"]["new_day"])
    for path in capture_files(out):
        if page_date(path) >= last:
            (raw / path.relative_to(out)).unlink(missing_ok=True)


def _duckdb(base: Path, args: argparse.Namespace, result: dict[str, Any]) -> None:
    warehouse = base / "warehouse" / "market.duckdb"
    shutil.rmtree(warehouse.parent, ignore_errors=True)
    _hold_back_new_day(base, result)
    env = build_env(base / "raw", warehouse)
    run = sampled([CLI, "build"], env=env, cwd=base, log=base / "duckdb-build.log")
    settings = load_settings(env)
    if run["returncode"] == 0:
        steps = _step_seconds(
            settings.dagster_home
        )  # Dagster's step events, as bench.run reads them
        run["steps_s"] = {key: round(value, 1) for key, value in steps.items()}
        run["warehouse"] = du(warehouse)
        run["work_db"] = du(settings.work_db)
        run["lake"] = du(settings.lake)
        result["rows"] = lake_rows(settings.lake)
        held_back = dt.date.fromisoformat(result["raw"]["new_day"])
        run["matches_expected_json"] = compare(
            warehouse, base / "synth" / "expected.json", until=held_back - dt.timedelta(days=1)
        )
    result["duckdb"] = run


def _spark(base: Path, args: argparse.Namespace, result: dict[str, Any]) -> None:
    settings = load_settings(build_env(base / "raw", base / "warehouse" / "market.duckdb"))
    spark = base / "spark"
    shutil.rmtree(spark, ignore_errors=True)
    text = (DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8")
    if args.spark_driver_memory:  # the profile's own settings, plus the driver's heap
        marker = "        spark.master:"
        extra = f'        spark.driver.memory: "{args.spark_driver_memory}"\n'
        text = text.replace(marker, extra + marker, 1)
    (base / "profiles.yml").write_text(text, encoding="utf-8")  # --profiles-dir base
    env = {key: value for key, value in os.environ.items() if not key.startswith("MARKET_")}
    env |= {"MARKET_STATE_DIR": str(settings.state_dir), "MARKET_HISTORY_START": "2015-01-01"}
    env |= {"MARKET_SPARK_WAREHOUSE": str(spark)}
    command = [str(BIN / "dbt"), "build", "--target", "spark", "--profiles-dir", str(base)]
    command += ["--target-path", str(base / "spark-target"), "--log-path", str(base / "spark-logs")]
    run = sampled(command, env=env, cwd=DBT_PROJECT_DIR, log=base / "spark-build.log")
    run["driver_memory"] = args.spark_driver_memory or "default (1g)"
    if spark.is_dir():
        run["spark_warehouse"] = du(spark / "warehouse")
    result["spark"] = run


def _newday(base: Path, args: argparse.Namespace, result: dict[str, Any]) -> None:
    out, raw = base / "synth", base / "raw"
    last = dt.date.fromisoformat(result["raw"]["new_day"])
    _link([path for path in capture_files(out) if page_date(path) >= last], out, raw)
    env = build_env(raw, base / "warehouse" / "market.duckdb")
    run = sampled([CLI, "build"], env=env, cwd=base, log=base / "newday-build.log")
    if run["returncode"] == 0:
        run["matches_expected_json"] = compare(
            base / "warehouse" / "market.duckdb", out / "expected.json"
        )
    result["newday"] = run


STEPS = {"synth": _synth, "duckdb": _duckdb, "spark": _spark, "newday": _newday}


def run(args: argparse.Namespace) -> dict[str, Any]:
    base = Path(args.work_dir).resolve() / args.label
    base.mkdir(parents=True, exist_ok=True)
    path = base / "result.json"
    result: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    result |= {key: getattr(args, key) for key in ("label", "symbols", "captures_per_day")}
    for step in args.steps.split(","):
        print(f"scaling {args.label}: {step} …", file=sys.stderr, flush=True)
        STEPS[step](base, args, result)
        path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.scaling", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    measure = commands.add_parser("run", help="measure one volume")
    measure.add_argument("--label", required=True, help="the volume's name (a folder of WORK)")
    measure.add_argument("--days", type=int, required=True, help="PSX sessions to build")
    measure.add_argument("--symbols", type=int, default=30)
    measure.add_argument("--captures-per-day", type=int, default=12)
    measure.add_argument("--work-dir", default="/tmp/scaling", help="data, builds, results")
    measure.add_argument("--steps", default="synth,duckdb,spark", help=f"of {','.join(STEPS)}")
    measure.add_argument("--spark-driver-memory", help="e.g. 8g (Spark's default: 1g)")
    show = commands.add_parser("table", help="print result.json files as markdown tables")
    show.add_argument("results", nargs="+")
    args = parser.parse_args(argv)
    if args.command == "run":
        print(json.dumps(run(args), indent=2))
    else:
        print(report([Path(path) for path in args.results]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
