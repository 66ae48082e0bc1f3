"""A full disk: recognising its errors, whichever library raised them, and naming the disk.

DuckDB, SQLite (through SQLAlchemy, Dagster's storage), polars and Python each say it their own
way; a build that meets one tells its user in one line which disk is full instead of a traceback.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Mapping
from pathlib import Path

_FULL = re.compile(
    r"no space left on device|database or disk is full|disk is full|disk quota exceeded|"
    r"\[errno 28\]|os error 28",
    re.IGNORECASE,
)
_PATH = re.compile(r"""["'](/[^"']+)["']""")


def is_disk_full(error: BaseException | str) -> bool:
    """Whether ``error`` (an exception, its chain, or a message) says a disk is full."""
    if isinstance(error, str):
        return bool(_FULL.search(error))
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in {errno.ENOSPC, errno.EDQUOT}:
            return True
        if _FULL.search(str(current)):
            return True
        current = current.__cause__ or current.__context__
    return False


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def free_bytes(path: Path) -> int:
    """Bytes free to this user on the file system of ``path`` (or of its nearest parent)."""
    stat = os.statvfs(_existing(path))
    return stat.f_bavail * stat.f_frsize


def mount_point(path: Path) -> Path:
    """The mount point of the file system ``path`` (or its nearest existing parent) is on."""
    path = _existing(path.absolute())
    device = path.stat().st_dev
    while path != path.parent and path.parent.stat().st_dev == device:
        path = path.parent
    return path


def full_disk(message: str, places: Mapping[str, Path]) -> tuple[str, Path]:
    """Which of ``places`` (role -> directory) a disk-full ``message`` is about.

    The place whose file system holds a path the message names, else the one with the least
    free space (the writer may have removed its partial file since).
    """
    named = [Path(found) for found in _PATH.findall(message)]
    for path in named:
        device = _existing(path).stat().st_dev
        for role, place in places.items():
            if _existing(place).stat().st_dev == device:
                return role, place
    return min(places.items(), key=lambda item: free_bytes(item[1]))


def disk_full_line(message: str, places: Mapping[str, Path], *, warehouse_changed: bool) -> str:
    """One line for a build that met a full disk: which disk, and what became of the warehouse."""
    role, place = full_disk(message, places)
    free = free_bytes(place)
    outcome = (
        "the warehouse was published before it"
        if warehouse_changed
        else "the published warehouse is unchanged"
    )
    return (
        f"the disk of the {role} {place} (mounted at {mount_point(place)}, {free:,} bytes free) "
        f"is full; {outcome}. Free space there and build again"
    )
