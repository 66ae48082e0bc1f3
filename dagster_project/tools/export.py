"""Export the published warehouse as Parquet plus a ``marts.sql`` for tools that cannot open DuckDB.

The export directory holds one folder per relation (``marts/fct_daily_movers/...``) and a
``marts.sql`` of ``create schema``/``create or replace view ... read_parquet(...)`` statements, with
the warehouse's table and column comments, that any DuckDB (1.x or 2.x) can run from inside the
export directory. Paths in ``marts.sql`` are relative, so the directory can be copied anywhere.

The daily facts are Hive-partitioned by ``market_year`` rather than by ``market_date``: a market
date holds about 30 movers, 15 sectors and 4 indices, so per-day files would be a few hundred bytes
of data under a Parquet footer each, 250 of them a year; one file per year keeps files few and
still lets readers skip whole years. The partition column is dropped again by the views, so they
have exactly the warehouse's columns.

An export never deletes what it did not write: it writes a new (or empty) directory, and replaces
an existing one only when that directory's marker file (``.market-snapshots-export``) lists every
file in it, i.e. when it is an earlier export left as it was written. Anything else is refused.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.core.errors import ExportError, WarehouseError
from dagster_project.core.warehouse.sql import ident, literal

EXPORT_SCHEMAS = ("marts", "audit")
PARTITION_COLUMN = "market_year"
SQL_FILE = "marts.sql"
MARKER_FILE = ".market-snapshots-export"


@dataclass(frozen=True)
class ExportedRelation:
    """One relation of the export: a Parquet table, or a view re-created over them."""

    schema: str
    name: str
    kind: str  # "table" or "view"
    rows: int
    location: str  # the relative Parquet path (glob) of a table; "" for a view
    by_year: bool = False  # a table written in one folder per year of its market_date


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export_warehouse` wrote."""

    out_dir: Path
    sql_file: Path
    relations: list[ExportedRelation]


def _copy_table(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, out_dir: Path, *, by_year: bool
) -> ExportedRelation:
    relative = f"{schema}/{table}"
    target = out_dir / schema / table
    source = f"{ident(schema)}.{ident(table)}"
    count = con.execute(f"select count(*) from {source}").fetchall()[0][0]
    target.mkdir(parents=True)
    if not by_year:
        con.execute(
            f"copy (select * from {source} order by all) to "
            f"{literal(str(target / 'data.parquet'))} (format parquet, compression zstd)"
        )
        return ExportedRelation(schema, table, "table", int(count), f"{relative}/data.parquet")
    if count:
        con.execute(
            f"copy (select *, year(market_date) as {PARTITION_COLUMN} from {source} "
            f"order by all) to {literal(str(target))} "
            f"(format parquet, partition_by ({PARTITION_COLUMN}), compression zstd)"
        )
    else:
        # No rows: one empty file keeps the schema, so the view still binds.
        (target / f"{PARTITION_COLUMN}=0").mkdir()
        con.execute(
            f"copy (select * from {source}) to "
            f"{literal(str(target / f'{PARTITION_COLUMN}=0' / 'data.parquet'))} (format parquet)"
        )
    location = f"{relative}/{PARTITION_COLUMN}=*/*.parquet"
    return ExportedRelation(schema, table, "table", int(count), location, by_year=True)


def _view_sql(relation: ExportedRelation) -> str:
    name = f"{ident(relation.schema)}.{ident(relation.name)}"
    if relation.by_year:
        return (
            f"create or replace view {name} as select * exclude ({PARTITION_COLUMN}) "
            f"from read_parquet({literal(relation.location)}, hive_partitioning = true);"
        )
    return (
        f"create or replace view {name} as select * "
        f"from read_parquet({literal(relation.location)});"
    )


def _comment_sql(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> list[str]:
    statements = []
    relation = f"{ident(schema)}.{ident(name)}"
    comment = con.execute(
        "select comment from duckdb_tables() where schema_name = ? and table_name = ? "
        "union all "
        "select comment from duckdb_views() where schema_name = ? and view_name = ?",
        [schema, name, schema, name],
    ).fetchall()
    if comment and comment[0][0]:
        statements.append(f"comment on view {relation} is {literal(comment[0][0])};")
    columns = con.execute(
        "select column_name, comment from duckdb_columns() "
        "where schema_name = ? and table_name = ? and comment is not null and comment <> '' "
        "order by column_index",
        [schema, name],
    ).fetchall()
    statements.extend(
        f"comment on column {relation}.{ident(column)} is {literal(text)};"
        for column, text in columns
    )
    return statements


def _write_sql(
    con: duckdb.DuckDBPyConnection,
    relations: Sequence[ExportedRelation],
    views: Sequence[tuple[str, str, str]],
    path: Path,
) -> None:
    lines = [
        "-- The market-snapshots marts over the Parquet files beside this file.",
        "-- Run it from this directory with any DuckDB, e.g.:  duckdb bi.duckdb < marts.sql",
        "-- (paths are relative: a persistent database must be queried from this directory too).",
        "",
    ]
    for schema in sorted({relation.schema for relation in relations}):
        lines.append(f"create schema if not exists {ident(schema)};")
    for relation in relations:
        lines.append(_view_sql(relation))
        lines.extend(_comment_sql(con, relation.schema, relation.name))
    for schema, view, sql in views:
        lines.append(sql.strip().replace("CREATE VIEW", "CREATE OR REPLACE VIEW", 1))
        lines.extend(_comment_sql(con, schema, view))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _files_in(directory: Path) -> set[str]:
    return {
        path.relative_to(directory).as_posix()
        for path in directory.rglob("*")
        if not path.is_dir() or path.is_symlink()
    }


def _written_files(directory: Path) -> set[str]:
    return {line for line in (directory / MARKER_FILE).read_text("utf-8").splitlines() if line}


def check_out_dir(out_dir: Path) -> None:
    """Refuse an ``out_dir`` whose replacement would delete a file the export did not write.

    A missing or empty directory is fine; so is an earlier export, recognised by its marker file
    listing every file the directory holds.

    Raises:
        ExportError: ``out_dir`` is a file, or holds anything an export did not write there.
    """
    if not out_dir.exists() and not out_dir.is_symlink():
        return
    if out_dir.is_symlink() or not out_dir.is_dir():
        raise ExportError(f"--out {out_dir} is not a directory: choose a new or empty directory")
    try:
        present = _files_in(out_dir)
        if not present:
            return
        if not (out_dir / MARKER_FILE).is_file():
            raise ExportError(
                f"--out {out_dir} is not empty and is not an earlier export "
                f"(it has no {MARKER_FILE}): choose a new or empty directory"
            )
        foreign = present - _written_files(out_dir) - {MARKER_FILE}
    except OSError as exc:
        raise ExportError(f"--out {out_dir} cannot be read: {exc}") from exc
    if foreign:
        raise ExportError(
            f"--out {out_dir} holds {len(foreign)} file(s) the export did not write "
            f"(e.g. {sorted(foreign)[0]!r}): move them or choose a new or empty directory"
        )


def export_warehouse(
    warehouse: Path,
    out_dir: Path,
    *,
    by_year: Collection[str],
    schemas: Sequence[str] = EXPORT_SCHEMAS,
) -> ExportResult:
    """Write every table of ``schemas`` as Parquet, and ``marts.sql``, into ``out_dir``.

    The tables named in ``by_year`` (the daily facts: dbt's ``daily`` tag) are partitioned by
    the year of their ``market_date``; the others are one file each.

    The export is written into a sibling directory and swapped in at the end, so a failed export
    leaves the previous one whole. The warehouse is opened read-only. ``out_dir`` is checked
    first (:func:`check_out_dir`) and again just before it is replaced.

    Raises:
        ExportError: ``out_dir`` holds files an export did not write.
        WarehouseError: the warehouse does not exist or cannot be opened.
    """
    check_out_dir(out_dir)
    out_dir = out_dir.resolve()
    if not warehouse.is_file():
        raise WarehouseError(f"no published warehouse at {warehouse}: run `make build` first")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.exporting-", dir=out_dir.parent))
    try:
        try:
            con = duckdb.connect(str(warehouse), read_only=True)
        except duckdb.Error as exc:
            raise WarehouseError(f"cannot open the warehouse {warehouse}: {exc}") from exc
        try:
            wanted = list(schemas)
            tables = con.execute(
                "select schema_name, table_name from duckdb_tables() "
                "where schema_name in (select unnest(?)) order by all",
                [wanted],
            ).fetchall()
            views = con.execute(
                "select schema_name, view_name, sql from duckdb_views() "
                "where not internal and schema_name in (select unnest(?)) order by all",
                [wanted],
            ).fetchall()
            relations = [
                _copy_table(con, schema, table, staging, by_year=table in by_year)
                for schema, table in tables
            ]
            _write_sql(con, relations, views, staging / SQL_FILE)
        finally:
            con.close()
        written = sorted(_files_in(staging))
        (staging / MARKER_FILE).write_text("\n".join(written) + "\n", encoding="utf-8")
        check_out_dir(out_dir)
        previous = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.previous-", dir=out_dir.parent))
        try:
            moved = out_dir.exists()
            if moved:
                out_dir.rename(previous / out_dir.name)
            try:
                staging.rename(out_dir)
            except OSError:
                if moved:
                    (previous / out_dir.name).rename(out_dir)
                raise
        finally:
            shutil.rmtree(previous, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    view_relations = [ExportedRelation(schema, name, "view", 0, "") for schema, name, _ in views]
    return ExportResult(out_dir, out_dir / SQL_FILE, [*relations, *view_relations])
