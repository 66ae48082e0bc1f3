from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dagster_project.core.errors import WarehouseError
from dagster_project.core.warehouse.database import (
    connect,
    missing_relations,
    publish,
    read_table,
    replace_table,
)


def test_a_table_is_read_back_and_a_missing_one_is_none(tmp_path: Path) -> None:
    with connect(tmp_path / "w.duckdb") as con:
        assert read_table(con, "s", "t") is None
        replace_table(con, "s", "t", pl.DataFrame({"k": ["a", "b"], "v": [1, 2]}))
        table = read_table(con, "s", "t")
    assert table is not None
    assert_frame_equal(table.sort("k"), pl.DataFrame({"k": ["a", "b"], "v": [1, 2]}))


def _work_db(path: Path) -> None:
    with connect(path) as con:
        replace_table(con, "marts", "fct", pl.DataFrame({"market_date": ["2024-10-18"], "n": [30]}))
        replace_table(con, "landing", "private", pl.DataFrame({"x": [1]}))
        con.execute("comment on table marts.fct is 'one row per day'")
        con.execute("comment on column marts.fct.n is 'how many'")
        con.execute("create view marts.latest_fct as select * from marts.fct")
        con.execute("create schema audit")


def test_publish_copies_public_schemas_with_comments_and_views(tmp_path: Path) -> None:
    work, published = tmp_path / "work.duckdb", tmp_path / "pub" / "market.duckdb"
    _work_db(work)
    assert publish(work, published) == 1
    con = duckdb.connect(str(published), read_only=True)
    try:
        assert con.execute("select n from marts.latest_fct").fetchall() == [(30,)]
        assert con.execute(
            "select comment from duckdb_tables() where table_name = 'fct'"
        ).fetchall() == [("one row per day",)]
        assert con.execute(
            "select comment from duckdb_columns() where table_name = 'fct' and column_name = 'n'"
        ).fetchall() == [("how many",)]
        assert con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'landing'"
        ).fetchall() == [(0,)]
    finally:
        con.close()
    assert sorted(path.name for path in published.parent.iterdir()) == ["market.duckdb"]


def test_publish_creates_a_view_after_the_views_it_reads(tmp_path: Path) -> None:
    """``bi.adjusted`` sorts before ``marts.adjusted``, the view it reads; a view over a missing
    relation is still an error."""
    work, published = tmp_path / "work.duckdb", tmp_path / "pub" / "market.duckdb"
    _work_db(work)
    with connect(work) as con:
        con.execute("create view marts.adjusted as select n * 2 as n from marts.latest_fct")
        con.execute("create schema bi")
        con.execute("create view bi.adjusted as select cast(n as double) as n from marts.adjusted")
        con.execute("comment on view bi.adjusted is 'as doubles'")
    assert publish(work, published) == 1
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select n from bi.adjusted").fetchall() == [(60.0,)]
        assert con.execute(
            "select comment from duckdb_views() where view_name = 'adjusted' and schema_name = 'bi'"
        ).fetchall() == [("as doubles",)]

    with connect(work) as con:
        con.execute("create view bi.broken as select * from marts.fct")
        con.execute("drop table marts.fct")  # every view over it is now unbindable
    with pytest.raises(duckdb.CatalogException):
        publish(work, tmp_path / "again" / "market.duckdb")


def test_publish_refuses_an_empty_build_and_keeps_the_old_file(tmp_path: Path) -> None:
    work, published = tmp_path / "work.duckdb", tmp_path / "market.duckdb"
    _work_db(work)
    publish(work, published)
    before = published.read_bytes()
    empty = tmp_path / "empty.duckdb"
    with connect(empty) as con:
        con.execute("create schema marts")
    with pytest.raises(WarehouseError, match="nothing to publish"):
        publish(empty, published)
    assert published.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "empty.duckdb",
        "market.duckdb",
        "work.duckdb",
    ]


def test_missing_relations_counts_views_as_present() -> None:
    con = duckdb.connect()
    try:
        con.execute("create schema marts")
        con.execute("create table marts.fct as select 1 as one")
        con.execute("create view marts.latest as select * from marts.fct")
        wanted = [("marts", "fct"), ("marts", "latest"), ("marts", "absent"), ("audit", "fct")]
        assert missing_relations(con, wanted) == [("marts", "absent"), ("audit", "fct")]
    finally:
        con.close()


def test_a_process_with_a_connection_open_sees_a_new_build_only_through_an_attach(
    tmp_path: Path,
) -> None:
    """What docs/bi-clients.md says of reconnecting: DuckDB shares one database per path and
    process, so a new connection beside an open one sees the old build; an attach sees the new."""
    work, published = tmp_path / "work.duckdb", tmp_path / "pub" / "market.duckdb"
    _work_db(work)
    publish(work, published)
    first = duckdb.connect(str(published), read_only=True)
    try:
        with connect(work) as con:
            con.execute("update marts.fct set n = 31")
        publish(work, published)
        again = duckdb.connect(str(published), read_only=True)
        assert again.execute("select n from marts.fct").fetchall() == [(30,)]  # the old build
        again.close()
        fresh = duckdb.connect()
        fresh.execute(f"attach '{published}' as market (read_only)")
        assert fresh.execute("select n from market.marts.fct").fetchall() == [(31,)]
        fresh.close()
    finally:
        first.close()
    latest = duckdb.connect(str(published), read_only=True)  # every connection closed: new
    assert latest.execute("select n from marts.fct").fetchall() == [(31,)]
    latest.close()
