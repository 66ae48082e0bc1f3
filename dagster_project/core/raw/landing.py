"""Inventory of the raw dir: every capture file, identified by the SHA-256 of its bytes.

Raw files are only ever read. A file whose size and modification time are unchanged since the
previous inventory keeps its known hash without being read again, so a no-op build reads nothing.
A capture file that cannot be read (no permission, a symlink loop) or a directory that cannot be
listed is skipped with the reason, and the rest is landed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import polars as pl

from dagster_project.core import schemas
from dagster_project.core.dating.calendar import PsxCalendar
from dagster_project.core.dating.market_time import UNIX_EPOCH
from dagster_project.core.dating.sources import file_dating
from dagster_project.core.errors import ConfigError
from dagster_project.core.fetch.sidecar import read_sidecar
from dagster_project.core.lake import files as lake
from dagster_project.core.raw.listing import Skipped, is_capture_name, raw_files, unreadable_file
from dagster_project.core.warehouse.database import (
    connect,
    read_table,
    replace_table,
    reset_work_db_if_corrupt,
)

_CHUNK = 1 << 20
#: How far past today ``landing.psx_sessions`` reaches.
CALENDAR_AHEAD = dt.timedelta(days=366)


@dataclass(frozen=True)
class KnownFile:
    """What the previous inventory recorded for one path."""

    byte_size: int
    mtime_ns: int
    sha256: str
    fetched_at: dt.datetime | None


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks (huge files are never held in memory)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Inventory:
    """The capture files found under the raw dir, the other files, and what could not be read."""

    files: pl.DataFrame
    ignored: list[str]
    skipped: pl.DataFrame
    """Capture files and directories that could not be read (``schemas.SKIPPED_FILES``)."""


def inventory(
    raw_dir: Path,
    *,
    known: Mapping[str, KnownFile] | None = None,
    trust_file_times: bool = False,
) -> Inventory:
    """One row per capture file under ``raw_dir`` (schema ``schemas.CAPTURE_FILES``).

    Capture files end in ``.txt``, ``.htm`` or ``.html``; other files are listed as ignored.
    ``source_path`` is relative to ``raw_dir`` in POSIX form. ``file_date`` and
    ``captured_at`` are what the file says of when the page was taken (:func:`file_dating`):
    the fetch sidecar, the file name, and the modification time only with ``trust_file_times``.
    A capture file that cannot be read, or a directory that cannot be listed (its path ends in
    ``/``), is one row of ``skipped`` with the reason; a file removed meanwhile is left out.
    """
    known = known or {}
    rows: list[tuple[object, ...]] = []
    ignored: list[str] = []
    skipped: list[Skipped] = []
    for relative, entry in raw_files(raw_dir, on_skip=skipped.append):
        if not is_capture_name(entry.name):
            ignored.append(relative)
            continue
        try:
            rows.append(_row(relative, entry, known.get(relative), trust_file_times))
        except FileNotFoundError:
            continue
        except OSError as exc:
            skipped.append(Skipped(relative, unreadable_file(exc)))
    ignored.extend(item.path for item in skipped if not _is_capture(item.path))
    files = pl.DataFrame(rows, schema=schemas.CAPTURE_FILES, orient="row").sort("source_path")
    unread = pl.DataFrame(
        [(item.path, item.reason) for item in skipped if _is_capture(item.path)],
        schema=schemas.SKIPPED_FILES,
        orient="row",
    ).sort("source_path")
    return Inventory(files=files, ignored=ignored, skipped=unread)


def _is_capture(path: str) -> bool:
    """A skipped path that may hold a capture: a capture file, or a directory."""
    return path.endswith("/") or is_capture_name(PurePosixPath(path).name)


def _row(
    relative: str,
    entry: os.DirEntry[str],
    previous: KnownFile | None,
    trust_file_times: bool,
) -> tuple[object, ...]:
    """The inventory row of one capture file (``schemas.CAPTURE_FILES``); ``OSError`` when it
    cannot be read."""
    stat = entry.stat()
    if previous and (previous.byte_size, previous.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
        sha256, fetched_at = previous.sha256, previous.fetched_at
    else:
        path = Path(entry.path)
        sha256 = file_sha256(path)
        sidecar = read_sidecar(path, expected_sha256=sha256)
        fetched_at = sidecar.fetched_at if sidecar else None
    modified_at = UNIX_EPOCH + dt.timedelta(microseconds=stat.st_mtime_ns // 1000)
    dating = file_dating(
        entry.name,
        modified_at=modified_at,
        fetched_at=fetched_at,
        trust_file_time=trust_file_times,
    )
    return (
        relative,
        sha256,
        stat.st_size,
        stat.st_mtime_ns,
        modified_at,
        fetched_at,
        dating.file_date,
        dating.dated_by,
        dating.captured_at,
        dating.captured_at_source,
    )


def known_files(previous: pl.DataFrame) -> dict[str, KnownFile]:
    """Index a previous inventory by path (none from an inventory of an older layout)."""
    if "fetched_at" not in previous.columns:
        return {}
    return {
        row["source_path"]: KnownFile(
            row["byte_size"], row["mtime_ns"], row["sha256"], row["fetched_at"]
        )
        for row in previous.iter_rows(named=True)
    }


def with_file_sessions(files: pl.DataFrame, calendar: PsxCalendar) -> pl.DataFrame:
    """Add the PSX session of each file's ``file_date`` (:data:`schemas.FILE_SESSIONS`)."""
    sessions = calendar.resolve(files["file_date"]).rename(
        {
            "page_date": "file_date",
            "session_date": "file_session_date",
            "previous_session_date": "file_previous_session_date",
            "is_session_day": "file_is_session_day",
        }
    )
    return files.join(sessions, on="file_date", how="left", maintain_order="left")


@dataclass(frozen=True)
class Landed:
    """What :func:`land` wrote: ``landing.capture_files`` (with the file sessions), the inventory
    it came from, ``landing.psx_sessions``, how many captures are new, and notes for the run log
    (a damaged working database moved aside, files left out)."""

    files: pl.DataFrame
    found: Inventory
    sessions: pl.DataFrame
    new_captures: int
    notes: list[str]


def land(
    raw_dir: Path, work_db: Path, lake_dir: Path, calendar: PsxCalendar, *, trust_file_times: bool
) -> Landed:
    """Inventory ``raw_dir`` into the working database's ``landing.capture_files`` and
    ``landing.skipped_files`` and the lake's files of the same names (hashing only the files
    whose size or time changed since the last inventory); beside them ``landing.psx_sessions``,
    the sessions of ``calendar`` that dated them, to a year ahead (what the warehouse counts
    sessions with)."""
    if not raw_dir.is_dir():
        raise ConfigError(f"raw dir {raw_dir} does not exist (set MARKET_RAW_DIR)")
    notes = [reason] if (reason := reset_work_db_if_corrupt(work_db)) else []
    with connect(work_db) as con:
        previous = read_table(con, "landing", "capture_files")
        known = known_files(previous) if previous is not None else {}
        found = inventory(raw_dir, known=known, trust_file_times=trust_file_times)
        files = with_file_sessions(found.files, calendar)
        replace_table(con, "landing", "capture_files", files)
        replace_table(con, "landing", "skipped_files", found.skipped)
        sessions = calendar.sessions_frame(dt.date.today() + CALENDAR_AHEAD)
        replace_table(con, "landing", "psx_sessions", sessions)
    lake.replace_table(lake_dir, "capture_files", files)
    lake.replace_table(lake_dir, "skipped_files", found.skipped)
    lake.replace_table(lake_dir, "psx_sessions", sessions)
    if found.ignored:
        notes.append(
            f"ignored {len(found.ignored)} non-capture file(s) (not .txt/.htm/.html): "
            + ", ".join(found.ignored[:10])
        )
    if found.skipped.height:
        listed = [f"{path} ({why})" for path, why in found.skipped.head(10).iter_rows()]
        notes.append(
            f"skipped {found.skipped.height} capture file(s) or directories that could not be "
            "read (see audit.captures): " + "; ".join(listed)
        )
    previous_hashes = set(previous["sha256"]) if previous is not None else set()
    return Landed(files, found, sessions, len(set(files["sha256"]) - previous_hashes), notes)
