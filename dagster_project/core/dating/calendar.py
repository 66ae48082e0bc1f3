"""PSX trading days and market-date resolution.

The Pakistan Stock Exchange calendar comes from the maintained ``exchange-calendars`` package
(``XKAR``), whose moving holidays (Eid, Ashura, Milad) stop at 2025, plus a small seed of the
holidays it lacks (``dbt/seeds/psx_holidays.csv``). Beyond the package's range the calendar falls
back to Monday–Friday minus the seeded holidays.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
from collections.abc import Iterable
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import polars as pl

from dagster_project.core.schemas import PSX_SESSIONS

_CALENDAR_START = dt.date(2000, 1, 1)


def _sessions_cache() -> Path:
    """Where the XKAR sessions are kept between processes: one file per package version and day.

    The package's calendar ends a year after the day it is built, so a day's list is that day's.
    ``MARKET_CACHE_DIR`` moves the folder (default ``$XDG_CACHE_HOME/market-snapshots``).
    """
    folder = os.environ.get("MARKET_CACHE_DIR") or (
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "market-snapshots"
    )
    version = metadata.version("exchange-calendars")
    name = f"xkar-sessions-{version}-{_CALENDAR_START}-{dt.date.today()}.txt"
    return Path(folder) / name


def _read_sessions(path: Path) -> tuple[dt.date, ...] | None:
    try:
        days = tuple(map(dt.date.fromisoformat, path.read_text(encoding="ascii").split()))
    except (OSError, ValueError):
        return None
    return days or None


def _write_sessions(path: Path, days: tuple[dt.date, ...]) -> None:
    """Keep ``days`` in ``path`` if the folder can be written (a cache: failing is harmless).

    The files of other days and versions are removed, so the cache stays one file.
    """
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_text("\n".join(day.isoformat() for day in days) + "\n", encoding="ascii")
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
        return
    for stale in path.parent.glob("xkar-sessions-*.txt"):
        if stale != path:
            with contextlib.suppress(OSError):
                stale.unlink()


@lru_cache(maxsize=1)
def _xkar_sessions() -> tuple[dt.date, ...]:
    """The XKAR sessions from 2000, read from the day's cache file when one exists.

    Building them imports ``exchange-calendars`` and pandas (seconds); every build process
    needs them (the partitions, the landing, the normaliser), so they are built once a day.
    """
    cache = _sessions_cache()
    if (cached := _read_sessions(cache)) is not None:
        return cached
    import exchange_calendars as xcals  # slow import: only when the day's cache is missing

    calendar = xcals.get_calendar("XKAR", start=_CALENDAR_START.isoformat())
    days = tuple(ts.date() for ts in calendar.sessions)
    _write_sessions(cache, days)
    return days


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

    def sessions_frame(self, last: dt.date) -> pl.DataFrame:
        """Every session from 2000 up to ``last``, one ``session_date`` a row (the calendar as
        the warehouse reads it: ``landing.psx_sessions``)."""
        return pl.DataFrame({"session_date": self.sessions_until(last)}, schema=PSX_SESSIONS)

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
