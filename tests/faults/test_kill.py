"""SIGKILL a build during landing, during dbt and during publish: nothing half-built is seen,
and the next build stops what a killed one left running (a step worker that runs dbt)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import polars as pl
import pytest

from dagster_project.core.build.stamp import BUILD_STAMP
from dagster_project.core.processes import pid_is_alive
from dagster_project.settings import Settings
from tests.builds import copy_build, snapshot
from tests.faults.builds import (
    BIG_CAPTURE,
    Reference,
    children,
    dbt_building,
    file_digest,
    has_open,
    make_hostile_raw,
    run_build,
    start_build,
    wait_for,
)

pytestmark = pytest.mark.e2e


def publishing_files(warehouse: Path) -> list[Path]:
    return sorted(warehouse.parent.glob(f".{warehouse.name}.publishing-*"))


def test_killed_builds_leave_the_previous_warehouse(
    reference: Reference, sample_build: Settings, tmp_path: Path
) -> None:
    """Killed during landing (the whole process group), during dbt (``kill -9`` of the build
    alone: with ``MARKET_WORKERS=2`` dbt runs in a step worker, which lives on) and during
    publish; the next build stops what the killed one left running instead of meeting it on the
    working database's lock, and the last equals an uninterrupted build."""
    copied = copy_build(sample_build, tmp_path)  # the sample built: the warehouse to keep
    raw, warehouse = copied.raw_dir, copied.warehouse
    previous = file_digest(warehouse)
    previous_rows = snapshot(warehouse)
    make_hostile_raw(raw, tmp_path / "outside")  # two new market dates and hostile captures

    # During landing: hashing the sparse gigabyte keeps landing busy for a while.
    build = start_build(raw, warehouse, log=tmp_path / "landing.log")
    wait_for(
        lambda: has_open(build, raw / BIG_CAPTURE),
        timeout=120,
        what="landing to read the raw dir",
        build=build,
    )
    build.kill()
    assert file_digest(warehouse) == previous

    # During dbt: a second after dbt started building, while it writes the working database,
    # `kill -9` of the build alone, as a user would: the step worker running dbt keeps running.
    # (With one worker dbt runs in the build's own process and dies with it.)
    build = start_build(raw, warehouse, log=tmp_path / "dbt.log", MARKET_WORKERS="2")
    wait_for(lambda: dbt_building(build), timeout=180, what="dbt build to start", build=build)
    time.sleep(1.0)
    leftovers = children(build)
    assert leftovers, "dbt finished within a second; kill point missed"
    build.kill_alone()
    assert all(pid_is_alive(pid) for pid in leftovers)
    assert file_digest(warehouse) == previous  # the same bytes: the same rows
    # The next build, started at once, first stops the dbt the killed one left running.
    build = start_build(raw, warehouse, log=tmp_path / "publish.log")

    # During publish: as soon as the new file is being written beside the warehouse.
    wait_for(
        lambda: bool(publishing_files(warehouse)),
        timeout=180,
        what="publish to start writing",
        build=build,
    )
    build.kill()
    log = build.text()
    assert "left running by a killed build" in log
    assert not any(pid_is_alive(pid) for pid in leftovers)
    assert "Conflicting lock" not in log
    if file_digest(warehouse) != previous:
        # The kill landed after the atomic rename: the new warehouse is then whole.
        assert snapshot(warehouse) == reference.rows
    else:
        assert snapshot(warehouse) == previous_rows

    # The next build succeeds, cleans up after the killed ones, and equals an uninterrupted one,
    # even with a lake file damaged meanwhile (the lake is derived from raw/: a damaged
    # partition file is dropped and parsed again; here over an intact working database).
    state = warehouse.parent / ".state"
    damaged = sorted((state / "lake" / "quotes").glob("capture_date=*/data.parquet"))[-1]
    os.truncate(damaged, damaged.stat().st_size // 2)
    (state / BUILD_STAMP).unlink(missing_ok=True)  # a kill after publishing left nothing new
    log = run_build(raw, warehouse, log=tmp_path / "last.log")
    assert "damaged lake file(s)" in log and damaged.parent.name in log
    assert pl.read_parquet(damaged).height > 0, "the partition is written again"
    assert snapshot(warehouse) == reference.rows
    assert publishing_files(warehouse) == []
