"""``core/disk.py``: a full disk recognised whoever says it, and named."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from dagster_project.core.disk import disk_full_line, full_disk, is_disk_full, mount_point


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        'IO Error: Could not write file "/x/.market.duckdb.publishing-7.wal": No space left on '
        "device",
        "(sqlite3.OperationalError) database or disk is full",
        "Disk quota exceeded",
        "failed to write: No space left on device (os error 28)",
    ],
)
def test_a_full_disk_is_recognised(error: BaseException | str) -> None:
    assert is_disk_full(error)


def test_the_cause_of_a_wrapped_error_counts() -> None:
    try:
        try:
            raise sqlite3.OperationalError("database or disk is full")
        except sqlite3.OperationalError as inner:
            raise RuntimeError("the run failed") from inner
    except RuntimeError as outer:
        assert is_disk_full(outer)
    assert not is_disk_full(RuntimeError("Could not set lock on file"))
    assert not is_disk_full("Permission denied")


def test_the_disk_named_in_the_message_is_the_one_told(tmp_path: Path) -> None:
    places = {"state directory": tmp_path / "state", "warehouse directory": Path("/proc")}
    message = f'Could not write file "{tmp_path}/state/work.duckdb.wal": No space left on device'
    assert full_disk(message, places) == ("state directory", tmp_path / "state")
    line = disk_full_line(message, places, warehouse_changed=False)
    assert line.startswith(f"the disk of the state directory {tmp_path / 'state'} (mounted at ")
    assert line.endswith(
        "is full; the published warehouse is unchanged. Free space there and build again"
    )
    assert "the warehouse was published before it" in disk_full_line(
        message, places, warehouse_changed=True
    )


def test_the_mount_point() -> None:
    assert mount_point(Path("/proc/self")) == Path("/proc")
    assert mount_point(Path("/")) == Path("/")
