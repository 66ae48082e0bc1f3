"""A full disk, for real (a small tmpfs): the build says which disk in one line, the published
warehouse stays as it was, nothing is left behind, and the next build after freeing space works."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from dagster_project.settings import Settings
from tests.builds import copy_build
from tests.faults.builds import add_day, file_digest, run_build, start_build

pytestmark = pytest.mark.e2e

LEFT_FREE = 96 * 1024


@contextlib.contextmanager
def small_disk(path: Path, megabytes: int) -> Iterator[Path]:
    """A tmpfs of ``megabytes`` mounted at ``path`` (root can mount; CI runs as root)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    path.mkdir(parents=True)
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(path)], check=True
    )
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(disk: Path) -> Path:
    """Fill ``disk`` but for :data:`LEFT_FREE` bytes; the filler's path."""
    stat = os.statvfs(disk)
    filler = disk / "filler"
    with filler.open("wb") as handle:
        handle.write(b"\0" * max(stat.f_bavail * stat.f_frsize - LEFT_FREE, 0))
    return filler


def market_dates(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute("select count(distinct market_date) from marts.fct_daily_movers")
        return int(row.fetchall()[0][0])


def failed_build(raw: Path, warehouse: Path, log: Path, **env: str) -> list[str]:
    build = start_build(raw, warehouse, log=log, **env)
    assert build.wait() == 1, build.text()[-3000:]
    return build.text().splitlines()


def test_a_full_state_disk_then_a_full_warehouse_disk(
    sample_build: Settings, tmp_path: Path
) -> None:
    """Each disk full in turn (the state directory's, then the warehouse's), each said in one
    line, then space freed and the next build works."""
    copied = copy_build(sample_build, tmp_path)
    raw = copied.raw_dir
    with small_disk(tmp_path / "state", 256) as state, small_disk(tmp_path / "wh", 24) as disk:
        shutil.copytree(copied.state_dir, state, dirs_exist_ok=True, symlinks=True)
        warehouse = disk / "market.duckdb"
        shutil.copy2(copied.warehouse, warehouse)
        published = file_digest(warehouse)
        add_day(raw, 0)

        # The state directory's disk.
        filler = fill(state)
        lines = failed_build(raw, warehouse, tmp_path / "state.log", MARKET_STATE_DIR=str(state))
        told = [line for line in lines if line.startswith("build failed")]
        assert len(told) == 1, lines[-30:]
        assert told[0].startswith(f"build failed: the disk of the state directory {state} ")
        assert "the published warehouse is unchanged" in told[0]
        assert not any("Traceback" in line for line in lines), "\n".join(lines[-40:])
        assert file_digest(warehouse) == published
        filler.unlink()

        # The warehouse's disk: the build gets as far as publishing.
        filler = fill(disk)
        lines = failed_build(raw, warehouse, tmp_path / "wh.log", MARKET_STATE_DIR=str(state))
        told = [line for line in lines if line.startswith("build failed")]
        assert told == [
            f"build failed: the disk of the warehouse directory {disk} (mounted at {disk}, "
            f"{told[0].split(', ')[1].split(' bytes')[0]} bytes free) is full; the published "
            "warehouse is unchanged. Free space there and build again."
        ], lines[-20:]
        assert not any("Traceback" in line for line in lines)
        assert file_digest(warehouse) == published
        assert sorted(path.name for path in disk.iterdir()) == ["filler", "market.duckdb"]
        assert not list(disk.glob(".market.duckdb.publishing-*"))  # neither the file nor its WAL

        filler.unlink()
        run_build(raw, warehouse, log=tmp_path / "freed.log", MARKET_STATE_DIR=str(state))
        assert market_dates(warehouse) == 2
