"""A damaged warehouse or state is detected and rebuilt from raw/, the source of truth."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dagster_project.core.errors import WarehouseError
from dagster_project.core.warehouse.database import (
    database_problem,
    publish,
    remove_stale_publishing_files,
    reset_work_db_if_corrupt,
)
from tests.builds import snapshot
from tests.faults.builds import Reference, run_build


def damaged_copies(source: Path, root: Path) -> dict[str, Path]:
    """Copies of a good DuckDB file, each damaged the way disks and kills damage files."""
    size = source.stat().st_size
    root.mkdir(parents=True, exist_ok=True)

    def copy(name: str) -> Path:
        path = root / f"{name}.duckdb"
        shutil.copyfile(source, path)
        return path

    random_bytes = root / "random.duckdb"
    random_bytes.write_bytes(os.urandom(size))
    truncated = copy("truncated")
    os.truncate(truncated, size // 2)
    header = copy("header")
    with header.open("r+b") as handle:
        handle.write(b"\0" * 4096)
    empty = root / "empty.duckdb"
    empty.write_bytes(b"")
    text = root / "text.duckdb"
    text.write_text("not a database\n")
    return {
        "random": random_bytes,
        "truncated": truncated,
        "header": header,
        "empty": empty,
        "text": text,
    }


def test_every_kind_of_damage_is_detected(reference: Reference, tmp_path: Path) -> None:
    work_db = reference.warehouse.parent / ".state" / "work.duckdb"
    for kind, path in damaged_copies(work_db, tmp_path).items():
        assert database_problem(path), kind
    assert database_problem(reference.warehouse) is None
    assert database_problem(tmp_path / "missing.duckdb") is None


def test_a_damaged_work_db_is_moved_aside(reference: Reference, tmp_path: Path) -> None:
    work_db = tmp_path / "work.duckdb"
    work_db.write_bytes(os.urandom(100_000))
    work_db.with_name("work.duckdb.wal").write_bytes(b"junk")
    reason = reset_work_db_if_corrupt(work_db)
    assert reason and "rebuilding" in reason
    assert not work_db.exists()
    assert not work_db.with_name("work.duckdb.wal").exists()
    assert (tmp_path / "work.duckdb.corrupt").exists()
    healthy = tmp_path / "healthy.duckdb"
    shutil.copyfile(reference.warehouse, healthy)
    assert reset_work_db_if_corrupt(healthy) is None
    assert healthy.exists()


def test_a_locked_work_db_is_not_mistaken_for_damage(tmp_path: Path) -> None:
    import subprocess
    import sys

    work_db = tmp_path / "work.duckdb"
    script = (
        "import duckdb, sys, time\n"
        "con = duckdb.connect(sys.argv[1]); con.execute('create table t as select 1 as x')\n"
        "print('ready', flush=True); time.sleep(60)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(work_db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(WarehouseError, match="lock"):
            reset_work_db_if_corrupt(work_db)
        assert work_db.exists()
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_publish_replaces_a_damaged_warehouse_without_opening_it(
    reference: Reference, tmp_path: Path
) -> None:
    warehouse = tmp_path / "market.duckdb"
    warehouse.write_bytes(os.urandom(50_000))
    stale = tmp_path / ".market.duckdb.publishing-999999999"
    stale.write_bytes(b"left by a killed build")
    publish(reference.warehouse.parent / ".state" / "work.duckdb", warehouse)
    assert snapshot(warehouse) == reference.rows
    assert not stale.exists()
    assert remove_stale_publishing_files(warehouse) == []


def test_live_publishing_files_are_left_alone(tmp_path: Path) -> None:
    warehouse = tmp_path / "market.duckdb"
    mine = tmp_path / f".market.duckdb.publishing-{os.getppid()}"
    mine.write_bytes(b"a publish in progress")
    assert remove_stale_publishing_files(warehouse) == []
    assert mine.exists()


@pytest.mark.e2e
def test_a_build_over_damaged_state_rebuilds_from_raw(reference: Reference, tmp_path: Path) -> None:
    """Every piece of state damaged at once, as disks and kills damage files: the working
    database, the published warehouse, dbt's parse cache and its manifest (cut short: a build
    killed while dbt wrote it must not break every later build), Dagster's run history and a
    lake file (the lake is derived from raw/: a damaged partition file is dropped and parsed
    again; over an intact working database: ``test_kill.py``). The next build starts over from
    raw/ and equals an undamaged one."""
    wh_dir = tmp_path / "wh"
    shutil.copytree(reference.warehouse.parent, wh_dir, symlinks=True)
    warehouse = wh_dir / "market.duckdb"
    state = wh_dir / ".state"
    (state / "work.duckdb").write_bytes(os.urandom(200_000))
    os.truncate(warehouse, 1000)
    (state / "dbt" / "target" / "partial_parse.msgpack").write_bytes(os.urandom(3000))
    manifest = state / "dbt" / "target" / "manifest.json"
    manifest.write_bytes(manifest.read_bytes()[:1000])
    (state / "dagster_home" / "history" / "runs.db").write_bytes(os.urandom(5000))
    quotes = sorted((state / "lake" / "quotes").glob("capture_date=*/data.parquet"))
    assert len(quotes) >= 2, "the hostile raw dir spans several capture dates"
    damaged = quotes[-1]
    os.truncate(damaged, damaged.stat().st_size // 2)

    log = run_build(reference.raw, warehouse, log=tmp_path / "build.log")
    assert "was unreadable" in log
    assert "damaged lake file(s)" in log and damaged.parent.name in log
    assert snapshot(warehouse) == reference.rows
    assert (state / "work.duckdb.corrupt").exists()
    assert pl.read_parquet(damaged).height > 0, "the partition is written again"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from marts.latest_daily_movers").fetchall() == [(30,)]
