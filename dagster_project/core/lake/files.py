"""The lake: the normalised frames as Parquet, Hive-partitioned by capture date.

Layout, under a lake root (``MARKET_LAKE``)::

    <lake>/<table>/capture_date=2024-10-18/data.parquet
    <lake>/<table>/capture_date=__HIVE_DEFAULT_PARTITION__/data.parquet   (no capture date)
    <lake>/capture_files/data.parquet          (landing's inventory of the raw dir, one file)

One file per table and capture date, without the ``capture_date`` column (it is in the path, as
Hive, Spark and DuckDB's ``hive_partitioning`` expect). A partition is replaced by writing its new
file beside the old one and renaming it over it, so a reader sees the old rows or the new, never a
mix; a partition whose new content is empty loses its file. Names starting with ``.`` or ``_``
(staging, temporary files) are ignored by every reader, as Spark does.

Pure file operations on polars frames: nothing here knows Dagster or the settings.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dagster_project.core.errors import LakeError
from dagster_project.core.processes import pid_is_alive

PARTITION_COLUMN = "capture_date"
#: Hive's (and Spark's) name for the partition of a null value; DuckDB and polars read it as null.
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
DATA_FILE = "data.parquet"
#: ``<lake>/.staging-<pid>-<token>/``: where a replacement is written before its renames.
STAGING_PREFIX = ".staging-"


def remove_stale_staging(lake: Path) -> list[Path]:
    """Remove the staging folders and temporary files of writers that died (a killed build)."""
    removed = []
    leftovers = [*lake.glob(f"{STAGING_PREFIX}*"), *lake.glob(f"*/.{DATA_FILE}.*")]
    for path in leftovers:
        pid = path.name.removeprefix(STAGING_PREFIX).removeprefix(f".{DATA_FILE}.").split("-")[0]
        if pid.isdigit() and pid_is_alive(int(pid)):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def partition_name(capture_date: dt.date | None) -> str:
    """The folder name of a capture date's partition: ``capture_date=2024-10-18``."""
    value = NULL_PARTITION if capture_date is None else capture_date.isoformat()
    return f"{PARTITION_COLUMN}={value}"


def table_dir(lake: Path, table: str) -> Path:
    return lake / table


def table_glob(lake: Path, table: str) -> str:
    """A table's files as one glob, for DuckDB and polars: ``<lake>/<table>/*/data.parquet``."""
    return str(table_dir(lake, table) / f"{PARTITION_COLUMN}=*" / DATA_FILE)


def partition_file(lake: Path, table: str, capture_date: dt.date | None) -> Path:
    return table_dir(lake, table) / partition_name(capture_date) / DATA_FILE


def has_files(lake: Path, table: str) -> bool:
    """True when the table has at least one partition file."""
    return (
        next(iter(table_dir(lake, table).glob(f"{PARTITION_COLUMN}=*/{DATA_FILE}")), None)
        is not None
    )


def read_table(lake: Path, table: str, *, columns: list[str] | None = None) -> pl.DataFrame | None:
    """Every partition of a table with its ``capture_date``, or None when it has no file."""
    if not has_files(lake, table):
        return None
    frame = pl.scan_parquet(
        table_glob(lake, table),
        hive_partitioning=True,
        hive_schema={PARTITION_COLUMN: pl.Date()},
    )
    if columns is not None:
        frame = frame.select(columns)
    try:
        return frame.collect()
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise LakeError(
            f"cannot read the lake's {table} under {table_dir(lake, table)}: {exc}"
        ) from exc


def remove_damaged(lake: Path, tables: Iterable[str], *, marker: str) -> list[Path]:
    """Delete every partition file that cannot be read whole, and ``marker``'s file of the same
    partition, so that the partition's captures count as not normalised and are parsed again
    from the raw files (the lake is derived data). Returns the files removed."""
    damaged: set[tuple[str, str]] = set()
    for table in tables:
        for path in table_dir(lake, table).glob(f"{PARTITION_COLUMN}=*/{DATA_FILE}"):
            try:
                pl.read_parquet(path)
            except (pl.exceptions.PolarsError, OSError):
                damaged.add((table, path.parent.name))
    removed = []
    for partition in sorted({name for _, name in damaged}):
        for table in sorted({marker, *(table for table, name in damaged if name == partition)}):
            path = table_dir(lake, table) / partition / DATA_FILE
            if path.exists():
                path.unlink()
                removed.append(path)
    return removed


def read_partitions(
    lake: Path, table: str, capture_dates: Iterable[dt.date | None], *, schema: pl.Schema
) -> pl.DataFrame:
    """The rows of the given partitions with their ``capture_date`` (``schema``: the file's)."""
    parts = [
        pl.read_parquet(path, schema=schema).with_columns(
            pl.lit(capture_date, dtype=pl.Date()).alias(PARTITION_COLUMN)
        )
        for capture_date in capture_dates
        if (path := partition_file(lake, table, capture_date)).exists()
    ]
    empty = pl.DataFrame(schema={**schema, PARTITION_COLUMN: pl.Date()})
    return pl.concat([empty, *parts], how="vertical") if parts else empty


def replace_partitions(
    lake: Path, table: str, frame: pl.DataFrame, capture_dates: Iterable[dt.date | None]
) -> None:
    """Make each of ``capture_dates``' partitions hold exactly ``frame``'s rows of that date.

    ``frame`` has a ``capture_date`` column; rows of other dates are an error. Each partition's
    file is replaced atomically; a date without rows loses its file.
    """
    dates = set(capture_dates)
    stray = frame.filter(~pl.col(PARTITION_COLUMN).is_in(list(dates), nulls_equal=True))
    if stray.height:
        raise ValueError(f"{stray.height} row(s) of {table} outside the partitions replaced")
    staging = lake / f"{STAGING_PREFIX}{os.getpid()}-{uuid.uuid4().hex}" / table
    try:
        if frame.height:
            frame.lazy().sink_parquet(
                pl.PartitionBy(
                    staging,
                    key=PARTITION_COLUMN,
                    include_key=False,
                    approximate_bytes_per_file=None,
                ),
                mkdir=True,
            )
        for capture_date in dates:
            _swap_in(
                staging / partition_name(capture_date), partition_file(lake, table, capture_date)
            )
    finally:
        shutil.rmtree(staging.parent, ignore_errors=True)


def _replace_changing_signature(source: Path, target: Path) -> None:
    """``os.replace``, making sure the new file's (size, modification time) differs from the old
    one's: readers (``core/lake/mirror.py``) tell a rewrite by it, and a file written within the
    clock's granularity (a few ms) with the same size would otherwise look unchanged."""
    try:
        before = os.stat(target)
    except FileNotFoundError:
        before = None
    os.replace(source, target)
    after = os.stat(target)
    if before is not None and (after.st_size, after.st_mtime_ns) == (
        before.st_size,
        before.st_mtime_ns,
    ):
        os.utime(target, ns=(after.st_atime_ns, before.st_mtime_ns + 1_000))


def _swap_in(staged_dir: Path, target: Path) -> None:
    """Rename the one file polars wrote in ``staged_dir`` over ``target``; remove it if none.

    A partition the lake does not have yet gets the staged folder itself, renamed into place
    with its file: a full build then makes and removes no folder per partition (thousands; on
    this machine's file system a removal took about 1 ms).
    """
    staged = sorted(staged_dir.glob("*.parquet")) if staged_dir.is_dir() else []
    if len(staged) > 1:
        raise RuntimeError(f"expected one file in {staged_dir}, polars wrote {len(staged)}")
    if staged and not target.parent.exists():
        named = staged_dir / target.name
        os.replace(staged[0], named)
        target.parent.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(staged_dir, target.parent)
            return
        except OSError:  # another writer made the partition meanwhile: replace its file
            staged = [named]
    if staged:
        target.parent.mkdir(parents=True, exist_ok=True)
        _replace_changing_signature(staged[0], target)
        return
    target.unlink(missing_ok=True)
    if target.parent.is_dir() and not any(target.parent.iterdir()):
        target.parent.rmdir()


def replace_table(lake: Path, table: str, frame: pl.DataFrame) -> Path:
    """An unpartitioned table (``<lake>/<table>/data.parquet``), replaced atomically."""
    target = table_dir(lake, table) / DATA_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{DATA_FILE}.{os.getpid()}-{uuid.uuid4().hex}")
    try:
        frame.write_parquet(temporary)
        _replace_changing_signature(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


@dataclass(frozen=True)
class Stored:
    """What :func:`store` wrote: the partitions it replaced and, per table, their full rows."""

    capture_dates: list[dt.date | None]
    rows: dict[str, pl.DataFrame]


def store(
    lake: Path,
    frames: Mapping[str, pl.DataFrame],
    *,
    capture_dates: pl.DataFrame,
    index: pl.DataFrame | None,
    marker: str,
) -> Stored:
    """Write newly normalised captures into the lake, keeping every other capture's rows.

    Args:
        frames: Table name -> the new rows, each with a ``sha256`` column.
        capture_dates: ``sha256`` -> ``capture_date`` of every new capture.
        index: ``sha256`` and ``capture_date`` of what the lake held before (``marker``'s table),
            or None when it was empty. A new capture found there is replaced wherever it was.
        marker: The table written last: a capture is in it only once every other table holds its
            rows, so a run killed halfway is redone, never half-kept.

    Returns:
        The capture dates whose partitions were rewritten, and each table's rows in them (with
        ``capture_date``), which are what the files now hold.
    """
    remove_stale_staging(lake)
    new = capture_dates.select("sha256", pl.col(PARTITION_COLUMN).cast(pl.Date()))
    keys = new["sha256"].implode()
    touched = set(new[PARTITION_COLUMN].to_list())
    kept_dates: set[dt.date | None] = set()
    if index is not None:
        moved = index.filter(pl.col("sha256").is_in(keys))
        touched |= set(moved[PARTITION_COLUMN].to_list())
        others = index.filter(
            ~pl.col("sha256").is_in(keys)
            & pl.col(PARTITION_COLUMN).is_in(list(touched), nulls_equal=True)
        )
        kept_dates = set(others[PARTITION_COLUMN].to_list())
    written: dict[str, pl.DataFrame] = {}
    for table in sorted(frames, key=lambda name: name == marker):
        rows = frames[table].join(new, on="sha256", how="left")
        undated = rows.join(new, on="sha256", how="anti")
        if undated.height:
            raise ValueError(
                f"{undated.height} row(s) of {table} of a capture not in capture_dates"
            )
        kept = read_partitions(lake, table, kept_dates, schema=frames[table].schema)
        kept = kept.filter(~pl.col("sha256").is_in(keys))
        written[table] = pl.concat([kept, rows], how="vertical")
        replace_partitions(lake, table, written[table], touched)
    ordered = sorted(touched, key=lambda value: (value is not None, value or dt.date.min))
    return Stored(capture_dates=ordered, rows=written)
