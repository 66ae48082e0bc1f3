"""Sensors: new captures under the raw dir start an ingest; an ingest starts its market dates.

After an ingest (or the daily close), the sensor plans the daily facts exactly as ``make build``
does (:func:`~dagster_project.defs.jobs.plan_market_dates`): the changed market dates, every
date from scratch after a change to the models or the normaliser, the facts built empty when
nothing is loaded yet, or just a publish.
"""

import dagster as dg

from dagster_project.core.build.planning import raw_listing
from dagster_project.defs.jobs import (
    build_market_dates_job,
    daily_close_job,
    facts_run_config,
    ingest_captures_job,
    plan_market_dates,
    publish_job,
    range_tags,
)
from dagster_project.defs.resources import MarketResource
from dagster_project.defs.run_tags import CLI_TAG
from dagster_project.defs.schedules import automation_status


def listing_signature(market: MarketResource) -> str:
    """A hash of every file's path, size, modification time and mode under the raw dir (none is
    read)."""
    return raw_listing(market.settings().raw_dir).signature


@dg.sensor(
    job=ingest_captures_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus(automation_status().value),
    description="Starts an ingest when capture files under the raw dir are added or changed.",
)
def new_captures_sensor(
    context: dg.SensorEvaluationContext, market: MarketResource
) -> dg.RunRequest | dg.SkipReason:
    """Request one ingest per new state of the raw dir (the cursor remembers the last one)."""
    if not market.settings().raw_dir.is_dir():
        return dg.SkipReason(f"raw dir {market.settings().raw_dir} does not exist")
    signature = listing_signature(market)
    if signature == context.cursor:
        return dg.SkipReason("no new or changed captures")
    context.update_cursor(signature)
    return dg.RunRequest(run_key=f"raw-{signature[:16]}")


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[ingest_captures_job, daily_close_job],
    request_jobs=[build_market_dates_job, publish_job],
    default_status=dg.DefaultSensorStatus(automation_status().value),
    description=(
        "After an ingest or the daily close, rebuilds the market dates whose loaded capture "
        "changed (every date after a model change), or publishes."
    ),
)
def changed_market_dates_sensor(
    context: dg.RunStatusSensorContext, market: MarketResource
) -> dg.RunRequest | dg.SkipReason:
    """Request the partition range of the affected market dates (single run), or a publish."""
    if context.dagster_run.tags.get(CLI_TAG):
        return dg.SkipReason("make build runs its own market dates")
    settings = market.settings()
    plan = plan_market_dates(settings)
    run_id = context.dagster_run.run_id
    if plan.window is None:
        if context.dagster_run.job_name == daily_close_job.name:
            return dg.SkipReason("the daily close built and published every changed date")
        return dg.RunRequest(job_name=publish_job.name, run_key=f"publish-{run_id}")
    return dg.RunRequest(
        job_name=build_market_dates_job.name,
        run_key=f"dates-{run_id}",
        tags=range_tags(list(plan.window)),
        run_config=facts_run_config(plan, settings.dbt_target),
    )
