"""``MARKET_WORKERS=2``: the normalise batches run side by side in processes of their own (Dagster's
multiprocess executor) and the build equals the one-process build, table for table."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from dagster_project.settings import Settings
from tests.builds import snapshot
from tests.support import run_cli, with_build_log

_WORKER = re.compile(
    r" - (\d+) - normalised_captures\.normalise_batch\[(\w+)\] - STEP_WORKER_STARTED"
)


def _lake(lake: Path) -> dict[str, list[tuple[object, ...]]]:
    return {
        path.relative_to(lake).as_posix(): sorted(pl.read_parquet(path).rows(), key=repr)
        for path in sorted(lake.rglob("*.parquet"))
    }


def test_two_workers_normalise_batches_in_parallel_processes_and_build_the_same(
    tmp_path: Path, synthetic_build: Settings
) -> None:
    one = synthetic_build  # the one-process build of the same raw dir
    raw = one.raw_dir  # read only: hand/page.txt has no date in its name, its page dates it

    done = run_cli(
        "build",
        "--raw-dir",
        str(raw),
        "--warehouse",
        str(tmp_path / "two" / "market.duckdb"),
        MARKET_WORKERS="2",
        MARKET_LOG_LEVEL="DEBUG",
    )
    assert done.returncode == 0, done.stderr[-3000:]
    log = with_build_log(done.stdout + done.stderr)
    workers = dict((key, pid) for pid, key in _WORKER.findall(log))
    assert len(workers) == 2, f"two batches, each a step of its own: {workers}"
    assert len(set(workers.values())) == 2, "each batch ran in a process of its own"
    assert "in 2 batch(es), 1 dated by their page (stored last)" in log

    two_tables = snapshot(tmp_path / "two" / "market.duckdb")
    assert two_tables == snapshot(one.warehouse)
    assert len(two_tables) > 10
    two_lake = _lake(tmp_path / "two" / ".state" / "lake")
    assert two_lake == _lake(one.lake)
    assert "captures/capture_date=2024-10-18/data.parquet" in two_lake, "the late capture"
