"""The lake as dbt's sources on DuckDB: the working database mirrors it, partition by partition.

``normalised.quotes`` and the others are tables of the working database loaded from the lake's
files, with the ``capture_date`` of their partition as a last column. Each sync lists the lake
(one ``stat`` per file), compares every partition file's size and modification time with those
it loaded last (``normalised._lake_files``), and reloads only the partitions that changed or
appeared, dropping those that disappeared, in one transaction. So a new day reads one partition,
whoever wrote it (this pipeline, a Spark job, a copy from object storage), and every model and
test reads DuckDB tables instead of thousands of small files (``docs/performance.md`` has what a
scan of every partition costs against the table).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from dagster_project.core.errors import LakeError
from dagster_project.core.lake import files as lake_files
from dagster_project.core.warehouse.sql import ident

#: What was loaded from which file: table_name, partition_name, byte_size, modified_ns.
LOADED = "_lake_files"

#: A partition file's size and modification time (ns). Not its inode: a copied or restored lake
#: keeps both (``cp -a``, ``copytree``) and must not be reloaded whole. ``core/lake/files.py`` makes
#: every rewrite change one of them, even within the clock's granularity.
Signature = tuple[int, int]
#: Parquet bytes of lake files loaded in one insert: their rows take about 14 times as much memory,
#: so a whole history is loaded a bounded run at a time (docs/scaling.md).
CHUNK_BYTES = 4 * 1024 * 1024
Written = lake_files.Stored


@dataclass(frozen=True)
class Synced:
    """What one sync did to one table."""

    reloaded: int
    dropped: int
    partitions: int


def _partition_value(name: str) -> dt.date | None:
    value = name.partition("=")[2]
    return None if value == lake_files.NULL_PARTITION else dt.date.fromisoformat(value)


def partition_signatures(lake: Path, table: str) -> dict[str, Signature]:
    """Partition folder name -> the :data:`Signature` of its file, for one table."""
    found: dict[str, Signature] = {}
    prefix = f"{lake_files.PARTITION_COLUMN}="
    try:
        entries = list(os.scandir(lake_files.table_dir(lake, table)))
    except FileNotFoundError:
        return found
    for entry in entries:
        if not entry.name.startswith(prefix) or not entry.is_dir():
            continue
        try:
            stat = os.stat(os.path.join(entry.path, lake_files.DATA_FILE))
        except FileNotFoundError:
            continue
        found[entry.name] = (stat.st_size, stat.st_mtime_ns)
    return found


def _table_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    """The table's columns, none when it is missing; a view (as it was before) is dropped."""
    rows = con.execute(
        "select column_name, table_type from information_schema.columns "
        "join information_schema.tables using (table_schema, table_name) "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    if rows and rows[0][1] == "VIEW":
        con.execute(f"drop view {ident(schema)}.{ident(table)}")
        return []
    return [name for name, _ in rows]


def _recreate(con: duckdb.DuckDBPyConnection, schema: str, table: str, frame: pl.DataFrame) -> None:
    columns = frame.head(0).with_columns(
        pl.lit(None, dtype=pl.Date()).alias(lake_files.PARTITION_COLUMN)
    )
    con.register("lake_table_columns", columns)
    con.execute(
        f"create or replace table {ident(schema)}.{ident(table)} as "
        "select * from lake_table_columns"
    )
    con.unregister("lake_table_columns")
    con.execute(f"delete from {ident(schema)}.{LOADED} where table_name = ?", [table])


def _forget(con: duckdb.DuckDBPyConnection, schema: str, table: str, partitions: list[str]) -> None:
    """Remove ``partitions`` of ``table`` from the record of what was loaded."""
    con.register(
        "forgotten",
        pl.DataFrame({"partition_name": partitions}, schema={"partition_name": pl.String()}),
    )
    con.execute(
        f"delete from {ident(schema)}.{LOADED} where table_name = ? "
        "and partition_name in (select partition_name from forgotten)",
        [table],
    )
    con.unregister("forgotten")


def _read_partitions(lake: Path, table: str, names: list[str]) -> pl.DataFrame:
    """The rows of the named partitions, with ``capture_date``, as one chunk."""
    files = [lake_files.table_dir(lake, table) / name / lake_files.DATA_FILE for name in names]
    # polars reads thousands of small files about twice as fast as DuckDB's read_parquet;
    # one chunk, or DuckDB scans the frame a file's batch at a time.
    try:
        return (
            pl.scan_parquet(
                files,
                hive_partitioning=True,
                hive_schema={lake_files.PARTITION_COLUMN: pl.Date()},
            )
            .collect()
            .rechunk()
        )
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise LakeError(
            f"cannot read the lake's {table} ({len(files)} changed partition file(s) under "
            f"{lake_files.table_dir(lake, table)}): {exc}"
        ) from exc


def _sync_table(
    con: duckdb.DuckDBPyConnection,
    lake: Path,
    schema: str,
    table: str,
    frame: pl.DataFrame,
    written: Written | None,
    chunk_bytes: int,
) -> Synced:
    target = f"{ident(schema)}.{ident(table)}"
    expected = [*frame.columns, lake_files.PARTITION_COLUMN]
    if _table_columns(con, schema, table) != expected:
        _recreate(con, schema, table, frame)
    on_disk = partition_signatures(lake, table)
    loaded: dict[str, Signature] = {
        name: (size, modified)
        for name, size, modified in con.execute(
            f"select partition_name, byte_size, modified_ns from {ident(schema)}.{LOADED} "
            "where table_name = ?",
            [table],
        ).fetchall()
    }
    stale = sorted(name for name in loaded if on_disk.get(name) != loaded[name])
    fresh = sorted(name for name, signature in on_disk.items() if loaded.get(name) != signature)
    if stale:
        dates = [_partition_value(name) for name in stale]
        known = pl.DataFrame({"capture_date": [d for d in dates if d is not None]})
        con.register("stale_dates", known.cast({"capture_date": pl.Date()}))
        con.execute(
            f"delete from {target} where capture_date in (select capture_date from stale_dates)"
        )
        con.unregister("stale_dates")
        if None in dates:
            con.execute(f"delete from {target} where capture_date is null")
        _forget(con, schema, table, stale)
    for names in _chunks(fresh, on_disk, chunk_bytes):
        # Each run of partitions is committed with its record in LOADED: the table and its record
        # always agree, and DuckDB holds one run's rows in its transaction, not the history's
        # (a sync cut short between two runs loads the rest next time).
        _forget(con, schema, table, names)
        rows = _fresh_rows(lake, table, names, written)
        con.register("fresh_rows", rows)
        con.execute(f"insert into {target} by name select * from fresh_rows")
        con.unregister("fresh_rows")
        del rows
        loaded_now = pl.DataFrame(
            [(table, name, *on_disk[name]) for name in names],
            schema=["table_name", "partition_name", "byte_size", "modified_ns"],
            orient="row",
        )
        con.register("loaded_now", loaded_now)
        con.execute(f"insert into {ident(schema)}.{LOADED} by name select * from loaded_now")
        con.unregister("loaded_now")
        con.execute("commit")
        con.execute("begin")
    dropped = len(set(stale) - set(fresh))
    return Synced(reloaded=len(fresh), dropped=dropped, partitions=len(on_disk))


def _chunks(names: list[str], on_disk: dict[str, Signature], chunk_bytes: int) -> list[list[str]]:
    """``names`` in runs of at most ``chunk_bytes`` of files (one partition may be more), so
    that loading a whole history holds one run's rows in memory at a time."""
    chunks: list[list[str]] = [[]]
    held = 0
    for name in names:
        size = on_disk[name][0]
        if chunks[-1] and held + size > chunk_bytes:
            chunks.append([])
            held = 0
        chunks[-1].append(name)
        held += size
    return [chunk for chunk in chunks if chunk]


def _fresh_rows(lake: Path, table: str, fresh: list[str], written: Written | None) -> pl.DataFrame:
    """The rows of the ``fresh`` partitions: from the files, except those this process just wrote
    (``written``), whose rows it already holds."""
    names = (
        {lake_files.partition_name(day): day for day in written.capture_dates} if written else {}
    )
    if written is None or table not in written.rows:
        names = {}
    unknown = [name for name in fresh if name not in names]
    parts = [_read_partitions(lake, table, unknown)] if unknown else []
    if written is not None and table in written.rows and len(unknown) < len(fresh):
        days = [names[name] for name in fresh if name in names]
        parts.append(
            written.rows[table].filter(
                pl.col(lake_files.PARTITION_COLUMN).is_in(days, nulls_equal=True)
            )
        )
    return pl.concat(parts, how="diagonal_relaxed").rechunk()


def sync_lake(
    con: duckdb.DuckDBPyConnection,
    lake: Path,
    schema: str,
    empty: Mapping[str, pl.DataFrame],
    *,
    written: Written | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> dict[str, Synced]:
    """Make ``schema.<table>`` hold exactly the lake's rows, for every table of ``empty``.

    The changed partitions are loaded a run of files at a time (``chunk_bytes``), each run
    committed with its record of what was loaded (the first with the removal of stale rows): a
    sync cut short leaves each table agreeing with its record, and the next one loads what is
    left. Memory is one run's rows.

    Args:
        empty: Table name -> a frame of its columns (the normaliser's, rows ignored).
        written: What :func:`~dagster_project.core.lake.files.store` just wrote, if anything: those
            partitions' rows are taken from it instead of being read back (a full build's
            thousands of files).

    Returns:
        Table name -> how many partitions were reloaded and dropped, and how many there are.
    """
    synced: dict[str, Synced] = {}
    con.execute("begin")
    try:
        con.execute(f"create schema if not exists {ident(schema)}")
        con.execute(
            f"create table if not exists {ident(schema)}.{LOADED} (table_name varchar, "
            "partition_name varchar, byte_size bigint, modified_ns bigint)"
        )
        for table, frame in empty.items():
            synced[table] = _sync_table(con, lake, schema, table, frame, written, chunk_bytes)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return synced
