"""The daily schedule: a run per PSX session after the close, none on weekends or holidays.

Evaluated with ``dg.build_schedule_context`` at chosen Karachi times; the holiday is taken from
the seed (``dbt/seeds/psx_holidays.csv``), so a day the seed adds is skipped too.
"""

from __future__ import annotations

import datetime as dt
import os

import dagster as dg
import pytest

from dagster_project.core.dating.calendar import read_holiday_seed
from dagster_project.core.dating.market_time import PKT
from dagster_project.defs import schedules
from dagster_project.defs.schedules import SCHEDULE_CRON, after_psx_close, automation_status
from dagster_project.settings import DEFAULT_SCHEDULE_CRON, HOLIDAYS_SEED, load_settings

EID_UL_FITR_2026 = dt.date(2026, 3, 20)  # a Friday, in the seed only (after exchange-calendars)


def evaluate(day: dt.date, at: dt.time = dt.time(16, 30)) -> dg.RunRequest | dg.SkipReason:
    moment = dt.datetime.combine(day, at, tzinfo=PKT)
    with dg.build_schedule_context(scheduled_execution_time=moment) as context:
        result = after_psx_close(context)
    assert isinstance(result, dg.RunRequest | dg.SkipReason)
    return result


def test_a_session_day_requests_its_partition() -> None:
    request = evaluate(dt.date(2024, 10, 18))
    assert isinstance(request, dg.RunRequest)
    assert request.partition_key == "2024-10-18"
    assert request.run_key == "close-2024-10-18"


def test_the_day_is_the_karachi_date_of_the_tick() -> None:
    # 23:30 UTC on Thursday is 04:30 on Friday in Karachi: Friday's partition.
    moment = dt.datetime(2024, 10, 17, 23, 30, tzinfo=dt.UTC)
    with dg.build_schedule_context(scheduled_execution_time=moment) as context:
        request = after_psx_close(context)
    assert isinstance(request, dg.RunRequest)
    assert request.partition_key == "2024-10-18"


def test_a_weekend_is_skipped() -> None:
    skip = evaluate(dt.date(2024, 10, 19))
    assert isinstance(skip, dg.SkipReason)
    assert skip.skip_message == "2024-10-19 is not a PSX session (weekend or exchange holiday)"


def test_a_holiday_of_the_seed_is_skipped() -> None:
    assert EID_UL_FITR_2026 in read_holiday_seed(HOLIDAYS_SEED)
    skip = evaluate(EID_UL_FITR_2026)
    assert isinstance(skip, dg.SkipReason)
    assert skip.skip_message == "2026-03-20 is not a PSX session (weekend or exchange holiday)"
    # The Thursday before is a session.
    before = evaluate(EID_UL_FITR_2026 - dt.timedelta(days=1))
    assert isinstance(before, dg.RunRequest) and before.partition_key == "2026-03-19"


def test_the_schedule_runs_after_the_close_in_karachi_time() -> None:
    assert SCHEDULE_CRON == DEFAULT_SCHEDULE_CRON == "30 16 * * 1-5"
    assert after_psx_close.cron_schedule == "30 16 * * 1-5"
    assert after_psx_close.execution_timezone == "Asia/Karachi"
    assert after_psx_close.job_name == "daily_close"


def test_automation_runs_by_default() -> None:
    assert os.environ.get("MARKET_AUTOMATION") in (None, "running")
    assert automation_status() == dg.DefaultScheduleStatus.RUNNING
    assert after_psx_close.default_status == dg.DefaultScheduleStatus.RUNNING


def test_market_automation_stopped_leaves_schedules_and_sensors_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What the definitions read at load time when ``MARKET_AUTOMATION=stopped``."""
    stopped = load_settings({"MARKET_AUTOMATION": "stopped"})
    monkeypatch.setattr(schedules, "DEPLOYMENT", stopped)
    assert automation_status() == dg.DefaultScheduleStatus.STOPPED
    assert dg.DefaultSensorStatus(automation_status().value) == dg.DefaultSensorStatus.STOPPED
