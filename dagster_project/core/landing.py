"""Inventory of the raw dir: every capture file, identified by the SHA-256 of its bytes.

Raw files are only ever read. A file whose size and modification time are unchanged since the
previous inventory keeps its known hash without being read again, so a no-op build reads nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dagster_project.core.fetch import read_sidecar

CAPTURE_SUFFIXES = (".txt", ".htm", ".html")

CAPTURE_FILES_SCHEMA: dict[str, pl.DataType] = {
    "source_path": pl.String(),
    "sha256": pl.String(),
    "byte_size": pl.Int64(),
    "mtime_ns": pl.Int64(),
    "captured_at": pl.Datetime("us", "UTC"),
}

_CHUNK = 1 << 20
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class KnownFile:
    """What the previous inventory recorded for one path."""

    byte_size: int
    mtime_ns: int
    sha256: str
    captured_at: dt.datetime


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks (huge files are never held in memory)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def iter_raw_files(raw_dir: Path) -> Iterator[Path]:
    """Every regular, non-hidden file under ``raw_dir``, recursively, in a stable order.

    Symlinks are followed only when their target stays inside ``raw_dir``.
    """
    root = raw_dir.resolve()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(name for name in dirnames if not name.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            if path.is_symlink():
                target = path.resolve()
                if root not in target.parents or not target.is_file():
                    continue
            elif not path.is_file():
                continue
            yield path


@dataclass(frozen=True)
class Inventory:
    """The capture files found under the raw dir, and the other files that were skipped."""

    files: pl.DataFrame
    ignored: list[str]


def inventory(raw_dir: Path, *, known: Mapping[str, KnownFile] | None = None) -> Inventory:
    """One row per capture file under ``raw_dir`` (schema ``CAPTURE_FILES_SCHEMA``).

    Capture files end in ``.txt``, ``.htm`` or ``.html``; other files are listed as ignored.
    ``source_path`` is relative to ``raw_dir`` in POSIX form; ``captured_at`` is the fetch time
    recorded in a fetched page's sidecar, else the file's modification time, in UTC.
    """
    known = known or {}
    root = raw_dir.resolve()
    rows: list[tuple[str, str, int, int, dt.datetime]] = []
    ignored: list[str] = []
    for path in iter_raw_files(raw_dir):
        relative = path.relative_to(root).as_posix()
        if path.suffix.lower() not in CAPTURE_SUFFIXES:
            ignored.append(relative)
            continue
        stat = path.stat()
        previous = known.get(relative)
        if previous and (previous.byte_size, previous.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            sha256, captured_at = previous.sha256, previous.captured_at
        else:
            sha256 = file_sha256(path)
            sidecar = read_sidecar(path, expected_sha256=sha256)
            captured_at = (
                sidecar.fetched_at
                if sidecar
                else _EPOCH + dt.timedelta(microseconds=stat.st_mtime_ns // 1000)
            )
        rows.append((relative, sha256, stat.st_size, stat.st_mtime_ns, captured_at))
    files = pl.DataFrame(rows, schema=CAPTURE_FILES_SCHEMA, orient="row").sort("source_path")
    return Inventory(files=files, ignored=ignored)


def known_files(previous: pl.DataFrame) -> dict[str, KnownFile]:
    """Index a previous inventory by path."""
    return {
        row["source_path"]: KnownFile(
            row["byte_size"], row["mtime_ns"], row["sha256"], row["captured_at"]
        )
        for row in previous.iter_rows(named=True)
    }
