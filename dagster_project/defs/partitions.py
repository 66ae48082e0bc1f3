"""Daily partitions on the PSX market date: one per PSX session, from the first session the
warehouse holds (recorded by the builds: ``core/build/history.py``), never before the history
start (``MARKET_HISTORY_START``)."""

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg

from dagster_project.core.build.history import (
    HistoryExtendedError,
    partitions_start,
    recorded_first_session,
)
from dagster_project.core.dating.calendar import psx_calendar
from dagster_project.core.dating.market_time import PSX_TIME_ZONE
from dagster_project.core.errors import ConfigError
from dagster_project.defs.deployment import DEPLOYMENT
from dagster_project.settings import HOLIDAYS_SEED

PARTITIONS_TIMEZONE = PSX_TIME_ZONE
#: Holidays are excluded this far ahead of today, so a long-running ``make dev`` stays right.
_EXCLUSIONS_AHEAD = dt.timedelta(days=400)


def psx_holidays(start: dt.date, end: dt.date) -> list[dt.date]:
    """The weekdays from ``start`` to ``end`` that are not PSX sessions (exchange holidays).

    The same calendar as the pipeline's (``exchange-calendars`` XKAR plus the holiday seed).
    """
    calendar = psx_calendar(HOLIDAYS_SEED)
    days = (start + dt.timedelta(days=offset) for offset in range((end - start).days + 1))
    return [day for day in days if day.weekday() < 5 and not calendar.is_session(day)]


def session_partitions(start: dt.date) -> dg.TimeWindowPartitionsDefinition:
    """One partition per PSX session from ``start`` (weekdays minus exchange holidays).

    The current day is included (end_offset=1) so today's session can be materialised after the
    close.
    """
    today = dt.datetime.now(ZoneInfo(PARTITIONS_TIMEZONE)).date()
    holidays = psx_holidays(start, today + _EXCLUSIONS_AHEAD)
    return dg.TimeWindowPartitionsDefinition(
        start=start.isoformat(),
        cron_schedule="0 0 * * 1-5",
        fmt="%Y-%m-%d",
        timezone=PARTITIONS_TIMEZONE,
        end_offset=1,
        exclusions=[dt.datetime(day.year, day.month, day.day) for day in holidays],
    )


HISTORY_START = DEPLOYMENT.history_start
#: Where the partitions begin in this process: read once, as the definitions load.
PARTITIONS_START = partitions_start(HISTORY_START, recorded_first_session(DEPLOYMENT.state_dir))
market_date_partitions = session_partitions(PARTITIONS_START)

# Every asset that writes the working DuckDB file claims this pool: DuckDB allows one writer, so
# concurrent runs queue their steps instead of failing on the file lock.
WORK_DB_POOL = "market_work_db"


def empty_window() -> tuple[dt.date, dt.date]:
    """The partition range that builds the daily facts when no market date is loaded: the latest.

    Any window would do (no date has a loaded capture, so every window is empty); the latest
    partition is the one the next scheduled run materialises anyway.
    """
    last = market_date_partitions.get_last_partition_key()
    day = dt.date.fromisoformat(last) if last else PARTITIONS_START
    return day, day


def check_in_history(window: tuple[dt.date, dt.date]) -> None:
    """Fail with what to do when a market date to build lies before the first partition.

    Raises:
        ConfigError: the date is before the history start (set ``MARKET_HISTORY_START``).
        HistoryExtendedError: it is before the first session these definitions loaded with
            (load them again).
    """
    if window[0] < HISTORY_START:
        raise ConfigError(
            f"a capture loads market date {window[0]}, before the history start {HISTORY_START}: "
            f"set MARKET_HISTORY_START={window[0]} (or earlier) and build again"
        )
    if window[0] < PARTITIONS_START:
        raise HistoryExtendedError(window[0], PARTITIONS_START)


def sessions_in(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last partition (PSX session) from ``start`` to ``end``, or None if none."""
    keys = [
        key
        for key in market_date_partitions.get_partition_keys()
        if start.isoformat() <= key <= end.isoformat()
    ]
    if not keys:
        return None
    return dt.date.fromisoformat(keys[0]), dt.date.fromisoformat(keys[-1])
