"""The daily schedule: after the PSX close on trading days, fetch the pages and build the day."""

import datetime as dt

import dagster as dg
import polars as pl

from dagster_project.core.dating.calendar import psx_calendar
from dagster_project.core.dating.market_time import PKT, PSX_TIME_ZONE
from dagster_project.defs.deployment import DEPLOYMENT
from dagster_project.defs.jobs import daily_close_job
from dagster_project.settings import HOLIDAYS_SEED

SCHEDULE_CRON = DEPLOYMENT.schedule_cron


def automation_status() -> dg.DefaultScheduleStatus:
    """Schedules and sensors run by default; ``MARKET_AUTOMATION=stopped`` leaves them off."""
    if DEPLOYMENT.automation:
        return dg.DefaultScheduleStatus.RUNNING
    return dg.DefaultScheduleStatus.STOPPED


@dg.schedule(
    job=daily_close_job,
    cron_schedule=SCHEDULE_CRON,
    execution_timezone=PSX_TIME_ZONE,
    default_status=automation_status(),
    description="After the PSX close on trading days: fetch, ingest, build the day, publish.",
)
def after_psx_close(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    """Request today's partition on PSX sessions; skip weekends and exchange holidays."""
    moment = context.scheduled_execution_time or dt.datetime.now(PKT)
    day = moment.astimezone(PKT).date()
    resolved = psx_calendar(HOLIDAYS_SEED).resolve(pl.Series([day])).row(0, named=True)
    if not resolved["is_session_day"]:
        return dg.SkipReason(f"{day} is not a PSX session (weekend or exchange holiday)")
    return dg.RunRequest(run_key=f"close-{day.isoformat()}", partition_key=day.isoformat())
