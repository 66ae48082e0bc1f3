"""The asset checks on the marts (``defs/checks.py``), called on a small working database.

Each check is invoked directly with a real ``MarketResource`` over a DuckDB file written with
SQL (the rules themselves: ``tests/core/warehouse/test_quality.py``); the blocking index check
also runs under ``dg.materialize``, where its failure must stop what is downstream.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.core.dating.calendar import psx_calendar
from dagster_project.defs.checks import (
    DAILY_MOVERS,
    INDEX_CHANGES,
    index_change_arithmetic,
    latest_market_date_is_fresh,
    market_checks,
    prev_close_continuity,
    price_limit_breaches,
    rejected_line_rate,
)
from dagster_project.defs.resources import MarketResource
from dagster_project.settings import HOLIDAYS_SEED

TABLES = """
create schema audit; create schema marts; create schema reference;
create table audit.captures (capture_id varchar, source_path varchar, status varchar,
    quote_count integer, index_count integer, rejected_line_count integer);
create table marts.fct_daily_movers (market_date date, symbol varchar,
    close_price decimal(18, 2), change decimal(18, 2), change_pct decimal(18, 2),
    prev_close decimal(18, 2), capture_id varchar);
create table marts.fct_index_changes (market_date date, index_code varchar,
    level decimal(18, 2), change decimal(18, 2), change_pct decimal(18, 2),
    prev_level decimal(18, 2));
create table reference.psx_price_limits (effective_from date, effective_to date,
    limit_pct decimal(5, 2), min_rupees decimal(10, 2));
insert into reference.psx_price_limits values ('2024-07-22', null, 10.00, 1.00);
create table reference.psx_trading_hours (effective_from date, effective_to date, days varchar,
    close_at varchar, period varchar);
insert into reference.psx_trading_hours values ('2015-01-01', null, 'mon-thu', '15:30', 'regular'),
    ('2015-01-01', null, 'fri', '16:30', 'regular');
"""
GOOD = """
insert into audit.captures values ('c-thu', 'thu.txt', 'loaded', 30, 4, 0),
    ('c-fri', 'fri.txt', 'loaded', 30, 4, 1);
insert into marts.fct_daily_movers values
    ('2024-10-17', 'HUBC', 96.80, 2.30, 2.43, 94.50, 'c-thu'),
    ('2024-10-18', 'HUBC', 101.70, 4.90, 5.06, 96.80, 'c-fri');
insert into marts.fct_index_changes values
    ('2024-10-18', 'KSE100', 85250.00, -335.30, -0.39, 85585.30);
"""
BAD = """
insert into audit.captures values ('c-sat', 'sat.txt', 'replay', 10, 0, 5);
insert into marts.fct_daily_movers values
    ('2024-10-21', 'HUBC', 120.00, 18.00, 17.65, 102.00, 'c-mon');
insert into marts.fct_index_changes values
    ('2024-10-21', 'KSE30', 26000.00, 100.00, 0.50, 25900.00);
"""


def _market(tmp_path: Path, *sql: str) -> MarketResource:
    state = tmp_path / "state"
    state.mkdir(exist_ok=True)
    con = duckdb.connect(str(state / "work.duckdb"))
    try:
        for statements in sql:
            con.execute(statements)
    finally:
        con.close()
    return MarketResource(
        raw_dir=str(tmp_path / "raw"),
        warehouse=str(tmp_path / "wh" / "market.duckdb"),
        state_dir=str(state),
    )


def _run(check: dg.AssetChecksDefinition, market: MarketResource) -> dg.AssetCheckResult:
    result = check(market=market)
    assert isinstance(result, dg.AssetCheckResult)
    return result


def _values(result: dg.AssetCheckResult) -> dict[str, object]:
    return {key: value.value for key, value in result.metadata.items()}


def test_the_checks_watch_their_marts() -> None:
    keys = [next(iter(check.check_specs)) for check in market_checks]
    assert [(spec.asset_key, spec.name, spec.blocking) for spec in keys] == [
        (dg.AssetKey(["audit", "captures"]), "rejected_line_rate", False),
        (DAILY_MOVERS, "latest_market_date_is_fresh", False),
        (DAILY_MOVERS, "prev_close_continuity", False),
        (DAILY_MOVERS, "price_limit_breaches", False),
        (INDEX_CHANGES, "index_change_arithmetic", True),
    ]


def test_a_clean_warehouse_passes_every_rule(tmp_path: Path) -> None:
    market = _market(tmp_path, TABLES, GOOD)
    expected = {
        rejected_line_rate: "every capture has at most 5% rejected ticker lines",
        prev_close_continuity: "every prev_close equals the previous session's close",
        price_limit_breaches: "every move is within PSX's price limit of its market date",
        index_change_arithmetic: "every index change % agrees with change / prev_level",
    }
    for check, description in expected.items():
        result = _run(check, market)
        assert (result.passed, result.description) == (True, description)
        assert _values(result) == {"offending_rows": 0, "rows": "_(no rows)_"}


def test_each_rule_names_its_offending_rows(tmp_path: Path) -> None:
    market = _market(tmp_path, TABLES, GOOD, BAD)
    rejected = _run(rejected_line_rate, market)
    assert (rejected.passed, rejected.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert rejected.description == (
        "1 capture(s) with over 5% rejected ticker lines: see audit.rejected_lines"
    )
    assert _values(rejected)["rows"] == (
        "| capture_id | source_path | rejected_line_count | ticker_lines | rejected_rate |\n"
        "|---|---|---|---|---|\n| c-sat | sat.txt | 5 | 15 | 0.3333 |"
    )
    breaks = _run(prev_close_continuity, market)
    assert (breaks.passed, _values(breaks)["offending_rows"]) == (False, 1)
    assert str(breaks.description).startswith("1 break(s) between prev_close")
    limits = _run(price_limit_breaches, market)
    assert (limits.passed, limits.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert "| 2024-10-21 | HUBC | " in str(_values(limits)["rows"])
    arithmetic = _run(index_change_arithmetic, market)
    assert (arithmetic.passed, arithmetic.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert arithmetic.description == (
        "1 index row(s) whose change % disagrees with change / prev_level"
    )


def test_at_most_twenty_rows_are_shown(tmp_path: Path) -> None:
    rows = ", ".join(f"('c-{n:02}', 'p{n:02}.txt', 'loaded', 1, 0, 1)" for n in range(25))
    market = _market(tmp_path, TABLES, f"insert into audit.captures values {rows}")
    values = _values(_run(rejected_line_rate, market))
    assert values["offending_rows"] == 25
    assert len(str(values["rows"]).splitlines()) == 2 + 20


def _expected_session(result: dg.AssetCheckResult) -> dt.date:
    return dt.date.fromisoformat(str(_values(result)["expected_market_date"]))


def test_freshness_counts_the_sessions_behind(tmp_path: Path) -> None:
    result = _run(latest_market_date_is_fresh, _market(tmp_path, TABLES, GOOD))
    expected = _expected_session(result)
    calendar = psx_calendar(HOLIDAYS_SEED)
    assert calendar.is_session(expected) and expected <= dt.date.today() + dt.timedelta(days=1)
    behind = sum(1 for day in calendar.sessions_until(expected) if day > dt.date(2024, 10, 18))
    assert behind > 0
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert (
        result.description
        == f"latest market date 2024-10-18 is {behind} session(s) behind {expected}"
    )
    assert _values(result) == {
        "latest_market_date": "2024-10-18",
        "expected_market_date": str(expected),
        "sessions_behind": behind,
    }


@pytest.mark.parametrize("latest", [None, "2099-01-05"])
def test_freshness_without_dates_or_up_to_date(tmp_path: Path, latest: str | None) -> None:
    rows = (
        f"insert into marts.fct_daily_movers values ('{latest}', 'HUBC', 1, 0, 0, 1, 'c')"
        if latest
        else "select 1"
    )
    result = _run(latest_market_date_is_fresh, _market(tmp_path, TABLES, rows))
    if latest is None:
        assert (result.passed, result.description) == (False, "no market dates yet")
        assert _values(result)["latest_market_date"] == "None"
    else:
        assert result.passed and _values(result)["sessions_behind"] == 0


def test_a_failing_blocking_check_stops_what_is_downstream(tmp_path: Path) -> None:
    market = _market(tmp_path, TABLES, GOOD, BAD)

    @dg.asset(key=INDEX_CHANGES)
    def index_changes() -> None:
        """Stands in for the dbt model (its rows are already in the working database)."""

    @dg.asset(deps=[index_changes])
    def report() -> None:
        """Something built from the index changes."""

    result = dg.materialize(
        [index_changes, index_change_arithmetic, report],
        resources={"market": market},
        raise_on_error=False,
    )
    [evaluation] = result.get_asset_check_evaluations()
    assert (evaluation.check_name, evaluation.passed) == ("index_change_arithmetic", False)
    materialised = {event.asset_key for event in result.get_asset_materialization_events()}
    assert materialised == {INDEX_CHANGES}
    assert not result.success
