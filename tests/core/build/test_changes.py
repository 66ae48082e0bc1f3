"""Which market dates a build rebuilds (``core/build/changes.py``), on a real DuckDB database."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from dagster_project.core.build.changes import affected_market_dates, all_market_dates

MON, TUE, WED = dt.date(2024, 10, 21), dt.date(2024, 10, 22), dt.date(2024, 10, 23)
FACTS = (
    "fct_daily_movers",
    "fct_index_changes",
    "fct_intraday_quotes",
    "fct_intraday_index_levels",
)
RELATIONS = [f"marts.{table}" for table in FACTS]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    """Captures of three sessions, each loaded and built into every fact."""
    con = duckdb.connect()
    con.execute("create schema intermediate")
    con.execute("create schema marts")
    con.execute(
        "create table intermediate.int_captures_classified "
        "(market_date date, capture_id varchar, status varchar, captured_at timestamptz)"
    )
    for day, capture in ((MON, "m1"), (TUE, "t1"), (WED, "w1")):
        con.execute(
            "insert into intermediate.int_captures_classified values (?, ?, 'loaded', null)",
            [day, capture],
        )
    for table in FACTS:
        con.execute(
            f"create table marts.{table} as select market_date, capture_id, captured_at "
            "from intermediate.int_captures_classified"
        )
    return con


def test_nothing_changed_rebuilds_nothing(con: duckdb.DuckDBPyConnection) -> None:
    assert affected_market_dates(con, RELATIONS) == []
    assert all_market_dates(con) == [MON, TUE, WED]


def test_a_new_capture_rebuilds_its_date_and_the_next(con: duckdb.DuckDBPyConnection) -> None:
    # Monday evening, after the close: Tuesday's movers may now carry its headline.
    con.execute(
        "insert into intermediate.int_captures_classified "
        "values (?, 'm2', 'superseded', '2024-10-21 12:30:00+00')",
        [MON],
    )
    assert affected_market_dates(con, RELATIONS) == [MON, TUE]


def test_a_capture_dated_at_another_time_rebuilds_its_date(con: duckdb.DuckDBPyConnection) -> None:
    # The same bytes under a new file time (or name): the capture is the same, its time is not,
    # so its facts (the value kind, the intraday rows) must be built again.
    con.execute(
        "update intermediate.int_captures_classified set captured_at = '2024-10-22 11:00:00+00' "
        "where capture_id = 't1'"
    )
    assert affected_market_dates(con, RELATIONS) == [TUE, WED]


def test_a_fact_without_a_capture_time_is_compared_by_its_capture(
    con: duckdb.DuckDBPyConnection,
) -> None:
    con.execute("alter table marts.fct_daily_movers drop column captured_at")
    assert affected_market_dates(con, RELATIONS) == []


def test_a_new_latest_day_rebuilds_that_day_alone(con: duckdb.DuckDBPyConnection) -> None:
    thursday = dt.date(2024, 10, 24)
    con.execute(
        "insert into intermediate.int_captures_classified values (?, 'h1', 'loaded', null)",
        [thursday],
    )
    assert affected_market_dates(con, RELATIONS) == [thursday]


def test_a_missing_fact_table_rebuilds_every_date(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("drop table marts.fct_intraday_quotes")
    assert affected_market_dates(con, RELATIONS) == [MON, TUE, WED]


def test_no_fact_tables_rebuilds_every_date(con: duckdb.DuckDBPyConnection) -> None:
    assert affected_market_dates(con, []) == [MON, TUE, WED]


def test_a_capture_gone_rebuilds_its_date(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("delete from intermediate.int_captures_classified where capture_id = 'w1'")
    assert affected_market_dates(con, RELATIONS) == [WED]
