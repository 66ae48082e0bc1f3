"""The lake as dbt's sources on DuckDB: one view per lake table in the working database.

``normalised.quotes`` and the others are views over ``read_parquet`` of the lake's files (with the
``capture_date`` of their partition), so dbt's ``source('normalised', …)`` reads the lake itself
and sees a partition the moment it is replaced. A table with no file yet is an empty table of the
frame's columns instead (``read_parquet`` of no file is an error).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb
import polars as pl

from dagster_project.core import lake as lake_files
from dagster_project.core.sql import ident, literal


def view_sql(lake: Path, table: str) -> str:
    """The query of a lake table's view: every partition file, ``capture_date`` from the path."""
    return (
        f"select * from read_parquet({literal(lake_files.table_glob(lake, table))}, "
        f"hive_partitioning = true, hive_types = {{'{lake_files.PARTITION_COLUMN}': date}})"
    )


def _drop(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> None:
    """Drop ``schema.table`` whether it is a view or a table (the work db held tables before)."""
    found = con.execute(
        "select table_type from information_schema.tables "
        "where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    if found is not None:
        kind = "view" if found[0] == "VIEW" else "table"
        con.execute(f"drop {kind} {ident(schema)}.{ident(table)}")


def attach_lake(
    con: duckdb.DuckDBPyConnection,
    lake: Path,
    schema: str,
    empty: Mapping[str, pl.DataFrame],
) -> dict[str, str]:
    """(Re)create ``schema.<table>`` for every table of ``empty`` (name -> a frame of its columns).

    Returns:
        Table name -> ``"view"`` (over the lake's files) or ``"empty"`` (no file yet).
    """
    kinds: dict[str, str] = {}
    con.execute("begin")
    try:
        con.execute(f"create schema if not exists {ident(schema)}")
        for table, frame in empty.items():
            target = f"{ident(schema)}.{ident(table)}"
            _drop(con, schema, table)
            if lake_files.has_files(lake, table):
                con.execute(f"create view {target} as {view_sql(lake, table)}")
                kinds[table] = "view"
                continue
            columns = frame.head(0).with_columns(
                pl.lit(None, dtype=pl.Date()).alias(lake_files.PARTITION_COLUMN)
            )
            con.register("empty_lake_table", columns)
            con.execute(f"create table {target} as select * from empty_lake_table")
            con.unregister("empty_lake_table")
            kinds[table] = "empty"
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return kinds
