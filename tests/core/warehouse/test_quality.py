"""The data-quality queries of ``core/warehouse/quality.py`` on a small in-memory DuckDB.

Each test builds only the tables (and columns) the query reads, typed as dbt builds them
(prices ``decimal(18, 2)``, counts ``integer``), and checks the exact offending rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from dagster_project.core.warehouse import quality

OCT_16, OCT_17, OCT_18 = dt.date(2024, 10, 16), dt.date(2024, 10, 17), dt.date(2024, 10, 18)

CAPTURES = """
create table audit.captures (
    capture_id varchar, source_path varchar, status varchar,
    quote_count integer, index_count integer, rejected_line_count integer
)
"""
MOVERS = """
create table marts.fct_daily_movers (
    market_date date, symbol varchar, close_price decimal(18, 2), change decimal(18, 2),
    change_pct decimal(18, 2), prev_close decimal(18, 2), capture_id varchar
)
"""
INDEX_CHANGES = """
create table marts.fct_index_changes (
    market_date date, index_code varchar, level decimal(18, 2), change decimal(18, 2),
    change_pct decimal(18, 2), prev_level decimal(18, 2)
)
"""
PRICE_LIMITS = """
create table reference.psx_price_limits (
    effective_from date, effective_to date, limit_pct decimal(5, 2), min_rupees decimal(10, 2)
);
insert into reference.psx_price_limits values
    ('2024-07-08', '2024-07-21', 9.50, 1.00),
    ('2024-07-22', null, 10.00, 1.00);
"""


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute("create schema audit; create schema marts; create schema reference")
    connection.execute(CAPTURES)
    connection.execute(MOVERS)
    try:
        yield connection
    finally:
        connection.close()


def test_rejected_line_rates_list_usable_captures_over_the_rate(
    con: duckdb.DuckDBPyConnection,
) -> None:
    con.execute(
        """
        insert into audit.captures values
            ('c-ok', 'ok.txt', 'loaded', 30, 4, 1),
            ('c-bad', 'bad.txt', 'loaded', 8, 2, 10),
            ('c-replay', 'replay.txt', 'replay', 18, 0, 2),
            ('c-edge', 'edge.txt', 'superseded', 19, 0, 1),
            ('c-rejected', 'rejected.txt', 'rejected', 0, 0, 40),
            ('c-empty', 'empty.txt', 'loaded', 0, 0, 0)
        """
    )
    frame = quality.rejected_line_rates(con, max_rate=0.05)
    assert frame.columns == [
        "capture_id",
        "source_path",
        "rejected_line_count",
        "ticker_lines",
        "rejected_rate",
    ]
    # Worst first; exactly 5% (c-edge) is not over; rejected and empty captures never count.
    assert frame.rows() == [
        ("c-bad", "bad.txt", 10, 20, 0.5),
        ("c-replay", "replay.txt", 2, 20, 0.1),
    ]
    assert quality.rejected_line_rates(con, max_rate=0.6).is_empty()
    assert [row[0] for row in quality.rejected_line_rates(con, max_rate=0.0).rows()] == [
        "c-bad",
        "c-replay",
        "c-edge",
        "c-ok",
    ]


def test_prev_close_breaks_compare_only_consecutive_market_dates(
    con: duckdb.DuckDBPyConnection,
) -> None:
    con.execute(
        """
        insert into marts.fct_daily_movers values
            ('2024-10-16', 'AGL', 38.00, 0.50, 1.33, 37.50, 'c16'),
            ('2024-10-17', 'AGL', 38.50, 0.50, 1.32, 38.00, 'c17'),
            ('2024-10-18', 'AGL', 38.60, 0.20, 0.52, 38.40, 'c18'),
            ('2024-10-16', 'HUBC', 96.80, 2.30, 2.43, 94.50, 'c16'),
            ('2024-10-17', 'HUBC', 91.00, 1.00, 1.11, 90.00, 'c17'),
            ('2024-10-18', 'HUBC', 95.90, 4.90, 5.38, 91.00, 'c18'),
            -- absent on the 17th: its 18th is not compared with its 16th
            ('2024-10-16', 'PRL', 26.40, -0.10, -0.38, 26.50, 'c16'),
            ('2024-10-18', 'PRL', 21.00, 1.00, 5.00, 20.00, 'c18'),
            -- first seen on the 17th: nothing to compare with
            ('2024-10-17', 'NEW', 10.00, 0.00, 0.00, 9.00, 'c17')
        """
    )
    frame = quality.prev_close_breaks(con)
    assert frame.columns == ["market_date", "symbol", "prev_close", "previous_close", "gap_pct"]
    assert frame.rows() == [
        (OCT_18, "AGL", Decimal("38.40"), Decimal("38.50"), -0.26),
        (OCT_17, "HUBC", Decimal("90.00"), Decimal("96.80"), -7.02),
    ]


def test_no_movers_means_no_breaks_and_no_latest_date(con: duckdb.DuckDBPyConnection) -> None:
    assert quality.prev_close_breaks(con).height == 0
    assert quality.latest_market_date(con) is None


def test_latest_market_date_is_the_newest_movers_date(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        insert into marts.fct_daily_movers values
            ('2024-10-18', 'AGL', 38.00, 0.00, 0.00, 38.00, 'c18'),
            ('2024-10-16', 'AGL', 38.00, 0.00, 0.00, 38.00, 'c16')
        """
    )
    assert quality.latest_market_date(con) == OCT_18


def test_index_arithmetic_allows_the_pages_rounding_only(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(INDEX_CHANGES)
    con.execute(
        """
        insert into marts.fct_index_changes values
            -- the sample's KSE100: -335.3 / 85585.3 = -0.3918%, printed -0.39
            ('2024-10-18', 'KSE100', 85250.00, -335.30, -0.39, 85585.30),
            -- whole points: 10 / 990 = 1.0101%, yet 1000.4 and 9.6 (0.97%) print as this
            ('2024-10-18', 'ROUNDED', 1000.00, 10.00, 0.97, 990.00),
            ('2024-10-18', 'KSE30', 26000.00, 100.00, 0.50, 25900.00),
            -- no previous level: not checked
            ('2024-10-17', 'ALLSHR', 500.00, 500.00, 1.00, 0.00),
            ('2024-10-17', 'KMI30', 1000.00, -50.00, -4.00, 1050.00)
        """
    )
    frame = quality.index_arithmetic_errors(con)
    assert frame.columns == [
        "market_date",
        "index_code",
        "level",
        "change",
        "change_pct",
        "prev_level",
        "computed_pct",
    ]
    assert [(row[0], row[1], row[-1]) for row in frame.rows()] == [
        (OCT_18, "KSE30", 0.3861),
        (OCT_17, "KMI30", -4.7619),
    ]


def _limits_and_movers(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(PRICE_LIMITS)
    con.execute("insert into audit.captures values ('c-fri', 'raw/fri.txt', 'loaded', 30, 4, 0)")
    con.execute(
        """
        insert into marts.fct_daily_movers values
            ('2024-10-18', 'HUBC', 101.70, 4.90, 5.06, 96.80, 'c-fri'),
            -- 10% of 100.00 plus the one-paisa tick: still allowed
            ('2024-10-18', 'EDGE', 110.01, 10.01, 10.01, 100.00, 'c-fri'),
            ('2024-10-18', 'ABC', 110.02, 10.02, 10.02, 100.00, 'c-fri'),
            -- a penny stock may move Re 1 whatever its percentage
            ('2024-10-18', 'PNY', 6.00, 1.00, 20.00, 5.00, 'c-fri'),
            -- within today's 10%, beyond July's 9.5%; its capture is not in the audit
            ('2024-07-15', 'DEF', 90.20, -9.80, -9.80, 100.00, 'c-jul')
        """
    )


def test_price_limit_breaches_use_the_limit_of_their_market_date(
    con: duckdb.DuckDBPyConnection,
) -> None:
    _limits_and_movers(con)
    frame = quality.price_limit_breaches(con)
    assert frame.columns == [
        "market_date",
        "symbol",
        "line",
        "prev_close",
        "change",
        "allowed_move",
        "limit_pct",
        "source_path",
        "capture_id",
    ]
    assert frame.select("market_date", "symbol", "source_path", "capture_id").rows() == [
        (OCT_18, "ABC", "raw/fri.txt", "c-fri"),
        (dt.date(2024, 7, 15), "DEF", None, "c-jul"),
    ]
    assert frame.select("prev_close", "change", "allowed_move", "limit_pct").rows() == [
        (Decimal("100.00"), Decimal("10.02"), 10.0, Decimal("10.00")),
        (Decimal("100.00"), Decimal("-9.80"), 9.5, Decimal("9.50")),
    ]
    assert frame["line"][0] == "ABC 110.02 (10.02%)"


def test_the_breach_line_shows_the_close_as_the_page_prints_it(
    con: duckdb.DuckDBPyConnection,
) -> None:
    _limits_and_movers(con)
    lines = dict(quality.price_limit_breaches(con).select("symbol", "line").iter_rows())
    assert lines["DEF"].startswith("DEF 90.20 ")


TRADING_HOURS_SEED = Path(__file__).parents[3] / "dbt" / "seeds" / "psx_trading_hours.csv"


@pytest.mark.parametrize(
    ("day", "close"),
    [
        (dt.date(2024, 10, 17), dt.time(15, 30)),  # a Thursday, regular hours
        (dt.date(2024, 10, 18), dt.time(16, 30)),  # a Friday: the week's latest close
        (dt.date(2025, 3, 12), dt.time(13, 30)),  # a Wednesday in Ramadan: its row wins
        (dt.date(2025, 3, 14), dt.time(12, 30)),  # a Friday in Ramadan
        (dt.date(2014, 12, 31), None),  # before the seed's first row
    ],
)
def test_the_session_close_comes_from_the_trading_hours_seed(
    con: duckdb.DuckDBPyConnection, day: dt.date, close: dt.time | None
) -> None:
    con.execute(
        "create table reference.psx_trading_hours as select * from read_csv($path, "
        "header = true, all_varchar = true)",
        {"path": str(TRADING_HOURS_SEED)},
    )
    con.execute(
        "alter table reference.psx_trading_hours alter effective_from type date; "
        "alter table reference.psx_trading_hours alter effective_to type date"
    )
    assert quality.session_close(con, day) == close
