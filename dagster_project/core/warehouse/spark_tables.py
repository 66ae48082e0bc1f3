"""The tables of a Spark build, served by DuckDB: Spark's Parquet loaded into the working database.

dbt-spark writes each table as Parquet under its warehouse, ``<schema>.db/<table>/`` (a table
partitioned by market date as ``market_date=…/`` folders, a period fact by kind and start as
``period_kind=…/period_start=…/``). Loaded into the working database's
schema of the same name, they are what the asset checks, publishing and the report read, as
after a DuckDB build; Spark's views (staging, ``latest_*``, ``bi``) have no files and are made
by dbt-duckdb over these tables instead.

Pure functions on a DuckDB connection and a folder.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.core.warehouse.sql import ident, literal


@dataclass(frozen=True)
class SparkTable:
    """One table folder of a Spark warehouse and its Parquet files."""

    schema: str
    name: str
    files: list[Path]
    partitioned: bool


def _visible(path: Path) -> bool:
    return not path.name.startswith(("_", "."))


def spark_tables(warehouse: Path) -> Iterator[SparkTable]:
    """Every table folder of ``warehouse`` (``<schema>.db/<table>/``), in name order."""
    for schema_dir in sorted(warehouse.glob("*.db")):
        for folder in sorted(p for p in schema_dir.iterdir() if p.is_dir() and _visible(p)):
            partitioned = any(p.is_dir() and "=" in p.name for p in folder.iterdir())
            found = folder.rglob("*.parquet") if partitioned else folder.glob("*.parquet")
            files = sorted(
                path  # under one partition folder or several (period_kind=…/period_start=…/)
                for path in found
                if all(_visible(Path(part)) for part in path.relative_to(folder).parts)
            )
            yield SparkTable(schema_dir.name.removesuffix(".db"), folder.name, files, partitioned)


def _exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? "
        "and table_name = ? and table_type = 'BASE TABLE'",
        [schema, table],
    ).fetchall()
    return bool(found[0][0])


def load_spark_tables(
    con: duckdb.DuckDBPyConnection,
    warehouse: Path,
    *,
    columns: Mapping[tuple[str, str], Sequence[str]],
) -> list[str]:
    """Replace each table of the working database that Spark built with Spark's rows.

    Args:
        warehouse: Spark's warehouse folder (``spark.sql.warehouse.dir``).
        columns: ``(schema, table)`` -> the model's columns in dbt's order; a table's other
            columns follow (a partition column comes last in Spark's files).

    Returns:
        ``schema.table`` of every table loaded. A table whose folder holds no file (a
        partitioned table without rows) keeps its columns and loses its rows.
    """
    loaded = []
    con.execute("begin")
    try:
        for table in spark_tables(warehouse):
            target = f"{ident(table.schema)}.{ident(table.name)}"
            if not table.files:
                if _exists(con, table.schema, table.name):
                    con.execute(f"delete from {target}")
                    loaded.append(f"{table.schema}.{table.name}")
                continue
            files = ", ".join(literal(str(path)) for path in table.files)
            relation = (
                f"read_parquet([{files}], hive_partitioning = {str(table.partitioned).lower()}, "
                "hive_types_autocast = true)"
            )
            found = [row[0] for row in con.execute(f"describe select * from {relation}").fetchall()]
            wanted = [name for name in columns.get((table.schema, table.name), []) if name in found]
            ordered = [*wanted, *(name for name in found if name not in wanted)]
            select = ", ".join(ident(name) for name in ordered)
            con.execute(f"create schema if not exists {ident(table.schema)}")
            con.execute(f"create or replace table {target} as select {select} from {relation}")
            loaded.append(f"{table.schema}.{table.name}")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return loaded
