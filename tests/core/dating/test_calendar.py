import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from dagster_project.core.dating import calendar as calendar_module
from dagster_project.core.dating.calendar import PsxCalendar, psx_calendar, read_holiday_seed
from dagster_project.settings import HOLIDAYS_SEED


@pytest.fixture(scope="module")
def calendar() -> PsxCalendar:
    return psx_calendar(HOLIDAYS_SEED)


def resolve(calendar: PsxCalendar, day: str) -> tuple[object, ...]:
    frame = calendar.resolve(pl.Series([dt.date.fromisoformat(day)]))
    return frame.row(0)[1:]


def test_a_friday_session_is_its_own_market_date(calendar: PsxCalendar) -> None:
    assert resolve(calendar, "2024-10-18") == (dt.date(2024, 10, 18), dt.date(2024, 10, 17), True)


def test_weekend_pages_show_the_friday_session(calendar: PsxCalendar) -> None:
    for day in ("2024-10-19", "2024-10-20"):
        assert resolve(calendar, day) == (dt.date(2024, 10, 18), dt.date(2024, 10, 17), False)


def test_monday_previous_session_is_friday(calendar: PsxCalendar) -> None:
    assert resolve(calendar, "2024-10-21") == (dt.date(2024, 10, 21), dt.date(2024, 10, 18), True)


def test_exchange_calendar_holidays(calendar: PsxCalendar) -> None:
    # Independence Day 2024 (Wednesday) and Kashmir Day 2025 (Wednesday).
    assert resolve(calendar, "2024-08-14") == (dt.date(2024, 8, 13), dt.date(2024, 8, 12), False)
    assert not calendar.is_session(dt.date(2025, 2, 5))


def test_seeded_holidays_the_package_lacks(calendar: PsxCalendar) -> None:
    seeded = read_holiday_seed(HOLIDAYS_SEED)
    assert seeded, "the holiday seed is empty"
    for day in seeded:
        assert not calendar.is_session(day), day
    eid = dt.date(2026, 5, 27)
    assert eid in seeded
    assert resolve(calendar, "2026-05-27")[0] == dt.date(2026, 5, 26)


def test_dates_past_the_package_range_use_weekdays_and_the_seed() -> None:
    calendar = PsxCalendar(extra_holidays=[dt.date(2030, 1, 2)])
    assert calendar.is_session(dt.date(2030, 1, 1))
    assert not calendar.is_session(dt.date(2030, 1, 2))
    assert not calendar.is_session(dt.date(2030, 1, 5))  # a Saturday
    assert resolve(calendar, "2030-01-02") == (dt.date(2030, 1, 1), dt.date(2029, 12, 31), False)


def test_nulls_and_duplicates_resolve_once(calendar: PsxCalendar) -> None:
    frame = calendar.resolve(pl.Series([None, dt.date(2024, 10, 18), dt.date(2024, 10, 18)]))
    assert frame.height == 1


@pytest.fixture
def fresh_sessions(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An empty sessions cache in ``tmp_path``; the process's own list is restored afterwards."""
    monkeypatch.setenv("MARKET_CACHE_DIR", str(tmp_path / "cache"))
    calendar_module._xkar_sessions.cache_clear()
    yield tmp_path / "cache"
    calendar_module._xkar_sessions.cache_clear()


def test_the_sessions_are_cached_for_the_day_and_read_back_equal(fresh_sessions: Path) -> None:
    import exchange_calendars as xcals

    fresh_sessions.mkdir()
    yesterday = fresh_sessions / "xkar-sessions-4.13.2-2000-01-01-2000-01-03.txt"
    yesterday.write_text("2000-01-03\n", encoding="ascii")
    built = calendar_module._xkar_sessions()
    expected = tuple(ts.date() for ts in xcals.get_calendar("XKAR", start="2000-01-01").sessions)
    assert built == expected
    (cache,) = fresh_sessions.iterdir()  # another day's file is removed
    assert str(dt.date.today()) in cache.name
    calendar_module._xkar_sessions.cache_clear()
    assert calendar_module._xkar_sessions() == expected  # now from the file


def test_a_damaged_cache_is_rebuilt_and_an_unwritable_one_is_skipped(
    fresh_sessions: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    expected = calendar_module._xkar_sessions()
    (cache,) = fresh_sessions.iterdir()
    cache.write_text("2024-13-45\nnot a date\n", encoding="ascii")
    calendar_module._xkar_sessions.cache_clear()
    assert calendar_module._xkar_sessions() == expected
    assert cache.read_text(encoding="ascii").split()[0] == expected[0].isoformat()

    blocked = tmp_path / "file"
    blocked.write_text("", encoding="ascii")
    monkeypatch.setenv("MARKET_CACHE_DIR", str(blocked / "cache"))  # a folder under a file
    calendar_module._xkar_sessions.cache_clear()
    assert calendar_module._xkar_sessions() == expected


def test_the_sessions_frame_is_the_calendar_from_2000(calendar: PsxCalendar) -> None:
    frame = calendar.sessions_frame(dt.date(2024, 10, 21))
    assert frame.schema == {"session_date": pl.Date}
    days = frame["session_date"].to_list()
    assert days[0] == dt.date(2000, 1, 3) and days[-1] == dt.date(2024, 10, 21)
    assert days == calendar.sessions_until(dt.date(2024, 10, 21))
    # 17 Sep 2024 (12 Rabi-ul-Awwal) is a holiday of the exchange's calendar: no session.
    assert dt.date(2024, 9, 17) not in days and dt.date(2024, 9, 18) in days
