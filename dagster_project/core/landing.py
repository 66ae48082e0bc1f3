"""Inventory of the raw dir: every capture file, identified by the SHA-256 of its bytes.

Raw files are only ever read. A file whose size and modification time are unchanged since the
previous inventory keeps its known hash without being read again, so a no-op build reads nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dagster_project.core.calendar import PsxCalendar
from dagster_project.core.dating import file_dating
from dagster_project.core.fetch.sidecar import read_sidecar
from dagster_project.core.market_time import UNIX_EPOCH
from dagster_project.core.raw_dir import is_capture_name, raw_files

CAPTURE_FILES_SCHEMA: dict[str, pl.DataType] = {
    "source_path": pl.String(),
    "sha256": pl.String(),
    "byte_size": pl.Int64(),
    "mtime_ns": pl.Int64(),
    "file_modified_at": pl.Datetime("us", "UTC"),
    "fetched_at": pl.Datetime("us", "UTC"),
    "file_date": pl.Date(),
    "file_dated_by": pl.String(),
    "captured_at": pl.Datetime("us", "UTC"),
    "captured_at_source": pl.String(),
}
# What the calendar adds for ``file_date`` (see :func:`with_file_sessions`).
FILE_SESSION_COLUMNS = ("file_session_date", "file_previous_session_date", "file_is_session_day")

_CHUNK = 1 << 20


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
    """The capture files found under the raw dir, and the other files that were skipped."""

    files: pl.DataFrame
    ignored: list[str]


def inventory(
    raw_dir: Path,
    *,
    known: Mapping[str, KnownFile] | None = None,
    trust_file_times: bool = False,
) -> Inventory:
    """One row per capture file under ``raw_dir`` (schema ``CAPTURE_FILES_SCHEMA``).

    Capture files end in ``.txt``, ``.htm`` or ``.html``; other files are listed as ignored.
    ``source_path`` is relative to ``raw_dir`` in POSIX form. ``file_date`` and
    ``captured_at`` are what the file says of when the page was taken (:func:`file_dating`):
    the fetch sidecar, the file name, and the modification time only with ``trust_file_times``.
    """
    known = known or {}
    rows: list[tuple[object, ...]] = []
    ignored: list[str] = []
    for relative, entry in raw_files(raw_dir):
        if not is_capture_name(entry.name):
            ignored.append(relative)
            continue
        stat = entry.stat()
        previous = known.get(relative)
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
        rows.append(
            (
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
        )
    files = pl.DataFrame(rows, schema=CAPTURE_FILES_SCHEMA, orient="row").sort("source_path")
    return Inventory(files=files, ignored=ignored)


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
    """Add the PSX session of each file's ``file_date`` (:data:`FILE_SESSION_COLUMNS`)."""
    sessions = calendar.resolve(files["file_date"]).rename(
        {
            "page_date": "file_date",
            "session_date": "file_session_date",
            "previous_session_date": "file_previous_session_date",
            "is_session_day": "file_is_session_day",
        }
    )
    return files.join(sessions, on="file_date", how="left", maintain_order="left")
