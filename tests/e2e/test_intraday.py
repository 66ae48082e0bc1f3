"""Several captures of one session: the intraday marts hold each at its time, the daily facts say
whether their values are the close, and a capture after the close becomes the day's close."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from dagster_project.settings import Settings
from tests.captures import SAMPLE, write
from tests.e2e.conftest import Build, query
from tests.faults.builds import day_page

PKT = dt.timezone(dt.timedelta(hours=5))
MONDAY = dt.date(2024, 10, 21)


def add_capture(raw: Path, clock: str, offset: int) -> dt.datetime:
    """A Monday page taken at ``clock`` (named with its time), prices moved by ``offset`` paisa."""
    taken = dt.datetime.fromisoformat(f"{MONDAY.isoformat()}T{clock}").replace(tzinfo=PKT)
    name = f"brecorder_{MONDAY.isoformat()}T{clock.replace(':', '')}.txt"
    write(raw / "monday" / name, day_page(MONDAY, offset), captured_at=dt.datetime(2026, 12, 1))
    return taken


def intraday(settings: Settings) -> list[tuple[object, ...]]:
    return query(
        settings,
        "select captured_at, session_phase, count(*), bool_or(is_daily_value), "
        "max(price) filter (where symbol = 'HUBC') "
        "from marts.fct_intraday_quotes where market_date = ? group by 1, 2 order by 1",
        [MONDAY],
    )


def daily(settings: Settings, table: str = "fct_daily_movers") -> list[tuple[object, ...]]:
    return query(
        settings,
        f"select distinct value_kind, is_close, captured_at from marts.{table} "
        "where market_date = ?",
        [MONDAY],
    )


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    write(raw / "samples" / SAMPLE.name, SAMPLE.read_bytes(), captured_at=dt.datetime(2026, 12, 1))
    return raw


def test_a_session_of_captures_builds_intraday_and_then_its_close(raw: Path, build: Build) -> None:
    eleven = add_capture(raw, "11:00", 1)
    two = add_capture(raw, "14:00", 2)
    settings = build(raw)
    hubc = Decimal("101.70")
    assert intraday(settings) == [
        (eleven, "open", 30, False, hubc + Decimal("0.01")),
        (two, "open", 30, True, hubc + Decimal("0.02")),
    ]
    assert daily(settings) == [("intraday", False, two)]
    assert daily(settings, "fct_index_changes") == [("intraday", False, two)]
    # The sample's time is unknown (a fresh file time, a date-only name): no intraday rows.
    friday = query(
        settings,
        "select distinct value_kind from marts.fct_daily_movers where market_date = '2024-10-18'",
    )
    assert friday == [("unknown_time",)]
    assert query(
        settings, "select count(*) from marts.fct_intraday_quotes where market_date = '2024-10-18'"
    ) == [(0,)]

    # An earlier capture arrives: the daily value stays, the intraday rows gain it.
    ten = add_capture(raw, "10:00", 5)
    settings = build(raw)
    assert [row[0] for row in intraday(settings)] == [ten, eleven, two]
    assert daily(settings) == [("intraday", False, two)]

    # A capture after the close: it is the day's close, whatever came later in the day.
    close = add_capture(raw, "16:10", 3)
    settings = build(raw)
    assert intraday(settings)[-1] == (close, "post_close", 30, True, hubc + Decimal("0.03"))
    assert daily(settings) == [("close", True, close)]
    assert query(
        settings,
        "select close_price from marts.fct_daily_movers where market_date = ? and symbol = 'HUBC'",
        [MONDAY],
    ) == [(hubc + Decimal("0.03"),)]
    assert query(
        settings,
        "select count(*) from marts.fct_intraday_index_levels where market_date = ?",
        [MONDAY],
    ) == [(16,)]
