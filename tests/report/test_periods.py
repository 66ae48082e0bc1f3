"""The week and month of the report and the summary (``report/periods*.py``): read from a
hand-made warehouse, rendered from hand-made periods."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
from rich.console import Console

from dagster_project.report.html import render_html
from dagster_project.report.periods import Action, PeriodMover, Periods, PeriodView, read_periods
from dagster_project.report.periods_summary import periods_summary
from tests.report.days import day

WEEK = dt.date(2024, 10, 14)
BONUS = Action(
    "AAA", dt.date(2024, 10, 16), Decimal("104.00"), Decimal("52.00"), 0.5, "bonus_or_split"
)


def periods() -> Periods:
    gainer = PeriodMover(
        "AAA", Decimal("10.0000"), Decimal("50.0000"), Decimal("55.0000"), (BONUS,)
    )
    loser = PeriodMover("BBB", Decimal("-10.0000"), Decimal("20.0000"), Decimal("18.0000"), ())
    week = PeriodView(
        "week",
        WEEK,
        dt.date(2024, 10, 18),
        5,
        (gainer,),
        (loser,),
        (("KSE100", Decimal("-335.30"), Decimal("-0.3900")),),
    )
    return Periods(week=week, month=None, actions=(BONUS,))


def test_the_warehouse_gives_the_period_of_the_day_with_the_actions_adjusted_for(
    tmp_path: Path,
) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema marts")
    con.execute(
        "create table marts.fct_period_movers as select * from (values "
        "('week', date '2024-10-14', 'AAA', date '2024-10-14', date '2024-10-18', 50.0, 55.0, "
        "10.0, 4, 5, 1, null), "
        "('week', date '2024-10-14', 'BBB', date '2024-10-14', date '2024-10-18', 20.0, 18.0, "
        "-10.0, 3, 5, null, 1)) as t(period_kind, period_start, symbol, first_market_date, "
        "last_market_date, first_adjusted_close, last_adjusted_close, return_pct, "
        "sessions_observed, sessions_in_period, gainer_rank, loser_rank)"
    )
    con.execute(
        "create table marts.fct_index_period_changes as select 'week' as period_kind, "
        "date '2024-10-14' as period_start, 'KSE100' as index_code, -335.3 as change, "
        "-0.39 as change_pct"
    )
    con.execute(
        "create table marts.fct_corporate_actions as select date '2024-10-16' as market_date, "
        "'AAA' as symbol, 104.0 as close_before, 52.0 as prev_close_printed, "
        "0.5 as adjustment_factor, 'bonus_or_split' as kind"
    )
    read = read_periods(con, dt.date(2024, 10, 16), top_n=5)
    assert read is not None and read.month is None  # no close in October's month row here
    assert read.week is not None and read.week.start == WEEK and read.week.sessions == 5
    assert [mover.symbol for mover in read.week.gainers] == ["AAA"]
    assert [action.label for action in read.week.gainers[0].actions] == ["×0.50 on 16 Oct"]
    assert [mover.symbol for mover in read.week.losers] == ["BBB"]
    assert [action.symbol for action in read.actions] == ["AAA"]  # the action of the 16th
    assert read_periods(con, dt.date(2024, 10, 17), top_n=5).actions == ()  # type: ignore[union-attr]
    con.execute("drop table marts.fct_corporate_actions")
    assert read_periods(con, dt.date(2024, 10, 16), top_n=5) is None  # an older warehouse


def test_the_summary_shows_the_week_so_far_with_the_action_adjusted_for() -> None:
    console = Console(width=80, record=True)
    console.print(periods_summary(dataclasses.replace(day(), periods=periods())))
    text = console.export_text()
    assert "Week so far: from Mon 14 Oct 2024, 5 sessions" in text
    assert "AAA" in text and "+10.00%" in text and "×0.50 16 Oct" in text
    assert "BBB" in text and "-10.00%" in text
    assert "KSE100 -0.39%" in text
    assert "AAA: previous close 104.00, adjusted to 52.00 (×0.50 on 16 Oct, bonus or split)" in text
    assert periods_summary(day()) is None


def test_the_page_shows_the_week_and_the_days_actions() -> None:
    page = render_html(
        dataclasses.replace(day(), periods=periods()),
        generated_at=dt.datetime(2024, 10, 18, 12, tzinfo=dt.UTC),
        warehouse_name="w",
    )
    assert '<section class="panel" data-panel="periods"><h2>Week and month</h2>' in page
    assert "Week so far: from Mon 14 Oct 2024, 5 sessions" in page
    assert '<tr data-symbol="AAA"><td>AAA</td><td class="up">+10.00%</td>' in page
    assert "×0.50 on 16 Oct" in page and "Corporate actions today" in page
    assert 'data-panel="periods"' not in render_html(
        day(), generated_at=dt.datetime(2024, 10, 18, 12, tzinfo=dt.UTC), warehouse_name="w"
    )
