"""The marts of a Spark build next to DuckDB's: rows read with DuckDB from both, normalised.

Spark's tables are Parquet directories under its warehouse (``<schema>.db/<table>/``, the
partitioned ones as ``market_date=…/`` folders); DuckDB's are tables of the published warehouse.
Each row becomes a tuple of the DuckDB table's columns, in its order, timestamps as microseconds
since the epoch (an instant, whatever time zone a reader shows it in).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

Row = tuple[object, ...]
Columns = list[tuple[str, str]]
"""``(name, DuckDB type)`` of each column, in order."""


def table_names(
    warehouse: Path, schemas: tuple[str, ...], kind: str = "BASE TABLE"
) -> list[tuple[str, str]]:
    """``(schema, table)`` of every relation of ``kind`` of the schemas, in the DuckDB file."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return [
            (schema, name)
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_type = ? and list_contains(?, table_schema) order by all",
                [kind, list(schemas)],
            ).fetchall()
        ]
    finally:
        con.close()


def _select(relation: str, columns: Columns) -> str:
    items = [
        f'epoch_us("{name}")' if data_type.startswith("TIMESTAMP") else f'"{name}"'
        for name, data_type in columns
    ]
    return f"select {', '.join(items)} from {relation}"


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> Columns:
    described = con.execute(f"describe select * from {relation}").fetchall()
    return [(row[0], row[1]) for row in described]


def _sorted(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: tuple((value is None, str(value)) for value in row))


def duckdb_rows(warehouse: Path, schema: str, table: str) -> tuple[Columns, list[Row]]:
    """The columns (name, type) and sorted rows of a table of the DuckDB warehouse."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        relation = f'"{schema}"."{table}"'
        columns = _columns(con, relation)
        return columns, _sorted(con.execute(_select(relation, columns)).fetchall())
    finally:
        con.close()


def spark_rows(
    spark_warehouse: Path, schema: str, table: str, columns: list[str]
) -> tuple[Columns, list[Row]]:
    """The columns (name, type) and sorted rows of a Spark table, ``columns`` in that order."""
    folder = spark_warehouse / f"{schema}.db" / table
    partitioned = any(path.is_dir() and "=" in path.name for path in folder.iterdir())
    pattern = folder / ("**/*.parquet" if partitioned else "*.parquet")  # one level or two
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        relation = (
            f"read_parquet('{pattern}', hive_partitioning = {str(partitioned).lower()}, "
            "hive_types_autocast = true)"
        )
        found = dict(_columns(con, relation))
        ordered = [(name, found[name]) for name in columns if name in found]
        extra = sorted(set(found) - set(columns))
        if extra or len(ordered) != len(columns):
            raise AssertionError(f"{schema}.{table}: Spark columns {sorted(found)} != {columns}")
        return ordered, _sorted(con.execute(_select(relation, ordered)).fetchall())
    finally:
        con.close()
