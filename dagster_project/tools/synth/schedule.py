"""When synthetic pages are taken: real PSX sessions and capture times within their hours."""

from __future__ import annotations

import datetime as dt
import random

from dagster_project.core.dating.calendar import psx_calendar
from dagster_project.settings import HOLIDAYS_SEED

PKT = dt.timezone(dt.timedelta(hours=5), "PKT")

_WEEKDAY_HOURS = (dt.time(9, 32), dt.time(15, 30))
_FRIDAY_HOURS = (dt.time(9, 17), dt.time(16, 30))


def psx_sessions(start: dt.date, count: int) -> list[dt.date]:
    """The first ``count`` PSX sessions on or after ``start``."""
    calendar = psx_calendar(HOLIDAYS_SEED)
    days: list[dt.date] = []
    day = start
    while len(days) < count:
        if calendar.is_session(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def capture_times(rng: random.Random, session: dt.date, captures: int) -> list[dt.datetime]:
    """Capture times (PKT): spread over the session hours, the last one after the close."""
    hours = _FRIDAY_HOURS if session.weekday() == 4 else _WEEKDAY_HOURS
    start, end = (dt.datetime.combine(session, time, PKT) for time in hours)
    slot = (end - start).total_seconds() / max(1, captures - 1)
    times = [
        start + dt.timedelta(seconds=int(slot * (number + rng.uniform(0.05, 0.95))))
        for number in range(captures - 1)
    ]
    return [*times, end + dt.timedelta(seconds=rng.randint(10 * 60, 6 * 3600))]
