"""Sensors: new captures under the raw dir start an ingest; an ingest starts its market dates.

After an ingest, the sensor plans the daily facts as ``make build`` does (:func:`plan_facts`): the
changed market dates, or the facts built empty when nothing is loaded yet, or just a publish.
"""

import hashlib

import dagster as dg
import duckdb

from dagster_project.build import CLI_TAG, full_refresh_config, plan_facts, range_tags
from dagster_project.core.landing import CAPTURE_SUFFIXES, iter_raw_files
from dagster_project.defs.jobs import build_market_dates_job, ingest_captures_job, publish_job
from dagster_project.defs.resources import MarketResource
from dagster_project.defs.schedules import automation_status


def listing_signature(market: MarketResource) -> str:
    """A hash of every capture file's path, size and modification time (no file is read)."""
    settings = market.settings()
    digest = hashlib.sha256()
    root = settings.raw_dir.resolve()
    for path in iter_raw_files(settings.raw_dir):
        if path.suffix.lower() in CAPTURE_SUFFIXES:
            stat = path.stat()
            digest.update(
                f"{path.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode()
            )
    return digest.hexdigest()


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
    monitored_jobs=[ingest_captures_job],
    request_jobs=[build_market_dates_job, publish_job],
    default_status=dg.DefaultSensorStatus(automation_status().value),
    description=(
        "After an ingest, rebuilds the market dates whose loaded capture changed, or publishes."
    ),
)
def changed_market_dates_sensor(
    context: dg.RunStatusSensorContext, market: MarketResource
) -> dg.RunRequest | dg.SkipReason:
    """Request the partition range of the affected market dates (single run), or a publish."""
    if context.dagster_run.tags.get(CLI_TAG):
        return dg.SkipReason("make build runs its own market dates")
    con = duckdb.connect(str(market.settings().work_db), read_only=True)
    try:
        plan = plan_facts(con)
    finally:
        con.close()
    run_id = context.dagster_run.run_id
    if plan.window is None:
        return dg.RunRequest(job_name=publish_job.name, run_key=f"publish-{run_id}")
    return dg.RunRequest(
        job_name=build_market_dates_job.name,
        run_key=f"dates-{run_id}",
        tags=range_tags(list(plan.window)),
        run_config=full_refresh_config(plan.full_refresh),
    )
