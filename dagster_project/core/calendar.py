"""PSX trading days and market-date resolution.

The Pakistan Stock Exchange calendar comes from the maintained ``exchange-calendars`` package
(``XKAR``), whose moving holidays (Eid, Ashura, Milad) stop at 2025, plus a small seed of the
holidays it lacks (``dbt/seeds/psx_holidays.csv``). Beyond the package's range the calendar falls
back to Monday–Friday minus the seeded holidays.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import polars as pl

_CALENDAR_START = dt.date(2000, 1, 1)


@lru_cache(maxsize=1)
def _xkar_sessions() -> tuple[dt.date, ...]:
    import exchange_calendars as xcals  # slow import: only when a calendar is needed

    calendar = xcals.get_calendar("XKAR", start=_CALENDAR_START.isoformat())
    return tuple(ts.date() for ts in calendar.sessions)


def read_holiday_seed(path: Path) -> frozenset[dt.date]:
    """The ``holiday_date`` column of the holiday seed, as dates."""
    with path.open(encoding="utf-8", newline="") as handle:
        return frozenset(
            dt.date.fromisoformat(row["holiday_date"]) for row in csv.DictReader(handle)
        )


class PsxCalendar:
    """Answers which days are PSX sessions."""

    def __init__(self, *, extra_holidays: Iterable[dt.date] = ()) -> None:
        self._holidays = frozenset(extra_holidays)
        xkar = _xkar_sessions()
        self._known_until = xkar[-1]
        self._sessions = sorted(day for day in xkar if day not in self._holidays)
        self._session_set = frozenset(self._sessions)

    def is_session(self, day: dt.date) -> bool:
        if day < _CALENDAR_START:
            raise ValueError(f"{day} is before the supported calendar start {_CALENDAR_START}")
        if day > self._known_until:
            return day.weekday() < 5 and day not in self._holidays
        return day in self._session_set

    def sessions_until(self, last: dt.date) -> list[dt.date]:
        """All sessions from 2000 up to and including ``last`` (extending past the package)."""
        days = [day for day in self._sessions if day <= last]
        day = self._known_until + dt.timedelta(days=1)
        while day <= last:
            if self.is_session(day):
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    def resolve(self, page_dates: pl.Series) -> pl.DataFrame:
        """Map page dates to the session they show.

        Returns one row per distinct non-null page date: ``page_date``, ``session_date`` (the
        session on or before it), ``previous_session_date`` (the session before that) and
        ``is_session_day``.
        """
        dates = page_dates.drop_nulls().unique().sort().cast(pl.Date)
        schema = {
            "page_date": pl.Date,
            "session_date": pl.Date,
            "previous_session_date": pl.Date,
            "is_session_day": pl.Boolean,
        }
        dates = dates.filter(dates >= _CALENDAR_START)
        if dates.is_empty():
            return pl.DataFrame(schema=schema)
        sessions = self.sessions_until(dates.max())  # type: ignore[arg-type]
        session_frame = pl.DataFrame({"session_date": sessions}, schema={"session_date": pl.Date})
        session_frame = session_frame.with_columns(
            previous_session_date=pl.col("session_date").shift(1)
        )
        return (
            pl.DataFrame({"page_date": dates})
            .join_asof(
                session_frame, left_on="page_date", right_on="session_date", strategy="backward"
            )
            .with_columns(is_session_day=pl.col("page_date") == pl.col("session_date"))
            .select(list(schema))
        )


@lru_cache(maxsize=4)
def psx_calendar(holiday_seed: Path) -> PsxCalendar:
    """The PSX calendar with the seeded holidays, built once per process."""
    return PsxCalendar(extra_holidays=read_holiday_seed(holiday_seed))
