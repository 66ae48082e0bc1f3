"""DuckDB: the private working database, and atomic publication of the warehouse file.

The build writes only ``<state>/work.duckdb``. Publishing copies the public schemas into a new
file written in DuckDB 1.0 storage (readable by the DuckDB 1.x that BI tools ship), then renames it
over the published path: readers keep the file they opened, new readers get the new one, and
nobody ever sees a half-built or missing warehouse.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

from dagster_project.core.errors import WarehouseError
from dagster_project.core.processes import pid_is_alive
from dagster_project.core.warehouse.sql import ident, literal

PUBLIC_SCHEMAS = ("marts", "audit", "bi")
PUBLISH_STORAGE_VERSION = "v1.0.0"
DBT_LEFTOVER_SUFFIXES = ("__dbt_tmp", "__dbt_backup")
# Messages of errors that say a DuckDB file is in use or not ours to touch, not that it is damaged.
_NOT_CORRUPTION = ("lock", "permission denied", "no space left", "read-only file system")


@contextmanager
def connect(path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a DuckDB file, closed on exit."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def query_frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()
) -> pl.DataFrame:
    """Run a parameterised query and return its rows as a frame (values stay Python objects)."""
    cursor = con.execute(sql, list(params))
    rows = cursor.fetchall()
    columns = [column[0] for column in cursor.description or []]
    return pl.DataFrame(rows, schema=columns, orient="row")


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    rows = con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    return bool(rows[0][0])


def missing_relations(
    con: duckdb.DuckDBPyConnection, relations: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The ``(schema, name)`` pairs that are neither a table nor a view of the database."""
    present = {
        (schema, name)
        for schema, name in con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "union all select schema_name, view_name from duckdb_views() where not internal"
        ).fetchall()
    }
    return [relation for relation in relations if relation not in present]


def read_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> pl.DataFrame | None:
    """The whole table as a frame, or None when it does not exist yet."""
    if not table_exists(con, schema, table):
        return None
    frame: pl.DataFrame = con.sql(f"select * from {ident(schema)}.{ident(table)}").pl()
    return frame


def replace_table(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, frame: pl.DataFrame
) -> None:
    """Replace a table with the frame's rows, in one transaction."""
    target = f"{ident(schema)}.{ident(table)}"
    con.execute("begin")
    try:
        con.execute(f"create schema if not exists {ident(schema)}")
        con.register("incoming_frame", frame)
        con.execute(f"create or replace table {target} as select * from incoming_frame")
        con.unregister("incoming_frame")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _is_dbt_leftover(name: str) -> bool:
    """dbt's intermediate relations, left behind only when a dbt run was killed mid-swap."""
    return name.endswith(DBT_LEFTOVER_SUFFIXES)


def _create_views(
    con: duckdb.DuckDBPyConnection, views: Sequence[tuple[str, str, str, str | None]]
) -> None:
    """Create ``(schema, name, sql, comment)`` views, each after the views it reads.

    DuckDB binds a view's query when it is created, and the catalog does not record what a
    view reads, so a view over a view that sorts after it (``bi.adjusted_closes`` over the view
    ``marts.fct_adjusted_closes``) waits for the next pass; a pass that creates nothing raises
    the first view's error.
    """
    pending = list(views)
    while pending:
        deferred: list[tuple[tuple[str, str, str, str | None], duckdb.CatalogException]] = []
        for item in pending:
            schema, view, sql, comment = item
            try:
                con.execute(sql)
            except duckdb.CatalogException as error:
                deferred.append((item, error))
                continue
            if comment:
                con.execute(f"comment on view {ident(schema)}.{ident(view)} is {literal(comment)}")
        if len(deferred) == len(pending):
            raise deferred[0][1]
        pending = [item for item, _ in deferred]


def _copy_schema_objects(con: duckdb.DuckDBPyConnection, schemas: Iterable[str]) -> int:
    """Copy tables (with comments) and views of ``schemas`` from ``work`` into ``pub``."""
    wanted = list(schemas)
    tables = con.execute(
        "select schema_name, table_name, comment from duckdb_tables() "
        "where database_name = 'work' and schema_name in (select unnest(?)) order by all",
        [wanted],
    ).fetchall()
    tables = [table for table in tables if not _is_dbt_leftover(table[1])]
    for schema in wanted:
        con.execute(f"create schema if not exists pub.{ident(schema)}")
    for schema, table, comment in tables:
        name = f"{ident(schema)}.{ident(table)}"
        con.execute(f"create table pub.{name} as select * from work.{name}")
        if comment:
            con.execute(f"comment on table pub.{name} is {literal(comment)}")
    columns = con.execute(
        "select schema_name, table_name, column_name, comment from duckdb_columns() "
        "where database_name = 'work' and schema_name in (select unnest(?)) "
        "and comment is not null and comment <> '' order by all",
        [wanted],
    ).fetchall()
    views = con.execute(
        "select schema_name, view_name, sql, comment from duckdb_views() "
        "where database_name = 'work' and not internal and schema_name in (select unnest(?)) "
        "order by all",
        [wanted],
    ).fetchall()
    views = [view for view in views if not _is_dbt_leftover(view[1])]
    if views:
        con.execute("use pub")
        _create_views(con, views)
        con.execute("use work")
    relation_names = {(schema, table) for schema, table, _ in tables}
    relation_names |= {(schema, view) for schema, view, _, _ in views}
    for schema, table, column, comment in columns:
        if (schema, table) in relation_names:
            target = f"pub.{ident(schema)}.{ident(table)}.{ident(column)}"
            con.execute(f"comment on column {target} is {literal(comment)}")
    return len(tables)


def remove_stale_publishing_files(warehouse: Path) -> list[Path]:
    """Delete the staging files of publishes whose process died (e.g. a build killed mid-publish).

    A staging file is named ``.<warehouse name>.publishing-<pid>`` (plus ``.wal``); files of a
    process still running are left alone. The published warehouse itself is never touched.
    """
    removed = []
    for path in warehouse.parent.glob(f".{warehouse.name}.publishing-*"):
        pid_text = path.name.rsplit("-", 1)[-1].removesuffix(".wal")
        if pid_text.isdigit() and pid_is_alive(int(pid_text)):
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def database_problem(path: Path) -> str | None:
    """Why the DuckDB file at ``path`` cannot be used, or None when it opens and reads whole.

    Opens the file read-only and reads every row of every table, so damaged blocks fail their
    checksum here rather than half-way through a build. A file locked by another process, or one
    we may not read, is reported as a ``WarehouseError`` instead: that is not damage.
    """
    if not path.exists():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            tables = con.execute(
                "select schema_name, table_name from duckdb_tables() where not internal"
            ).fetchall()
            for schema, table in tables:
                con.execute(
                    f"select count(*), bit_xor(hash(t)) from {ident(schema)}.{ident(table)} as t"
                ).fetchall()
        finally:
            con.close()
    except duckdb.Error as exc:
        message = str(exc)
        if any(marker in message.lower() for marker in _NOT_CORRUPTION):
            raise WarehouseError(f"cannot check {path}: {message}") from exc
        return f"{type(exc).__name__}: {message}"
    return None


def reset_work_db_if_corrupt(work_db: Path) -> str | None:
    """Move a damaged working database aside so the build recreates it from the raw dir.

    The working database holds nothing that the raw dir cannot give back (the inventory, the
    per-capture parse cache and dbt's relations), so a file that does not open or read is renamed
    to ``work.duckdb.corrupt`` (replacing an older one, kept for diagnosis) with its WAL, and the
    build starts from scratch. Returns the reason when it did so, else None. Call it while holding
    the build lock.
    """
    problem = database_problem(work_db)
    if problem is None:
        return None
    wal = work_db.with_name(work_db.name + ".wal")
    aside = work_db.with_name(work_db.name + ".corrupt")
    os.replace(work_db, aside)
    if wal.exists():
        os.replace(wal, aside.with_name(aside.name + ".wal"))
    return f"working database {work_db} was unreadable ({problem}); moved to {aside}, rebuilding"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(work_db: Path, warehouse: Path, *, schemas: Sequence[str] = PUBLIC_SCHEMAS) -> int:
    """Copy the public schemas of ``work_db`` to ``warehouse`` atomically; return tables copied."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    staging = warehouse.with_name(f".{warehouse.name}.publishing-{os.getpid()}")
    remove_stale_publishing_files(warehouse)
    for leftover in (staging, staging.with_name(staging.name + ".wal")):
        leftover.unlink(missing_ok=True)
    try:
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"attach {literal(str(work_db))} as work (read_only)")
            con.execute(
                f"attach {literal(str(staging))} as pub "
                f"(storage_version {literal(PUBLISH_STORAGE_VERSION)})"
            )
            copied = _copy_schema_objects(con, schemas)
            if copied == 0:
                raise WarehouseError(
                    f"nothing to publish: no tables in {list(schemas)} of {work_db}"
                )
            con.execute("use memory")
            con.execute("detach pub")
            con.execute("detach work")
        finally:
            con.close()
        _fsync(staging)
        os.replace(staging, warehouse)
        _fsync(warehouse.parent)
    finally:  # a failed publish (a full disk) leaves neither the file nor its WAL behind
        staging.unlink(missing_ok=True)
        staging.with_name(staging.name + ".wal").unlink(missing_ok=True)
    return copied
