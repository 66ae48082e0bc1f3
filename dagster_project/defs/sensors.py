"""Sensors: new captures under the raw dir start an ingest; an ingest starts its market dates."""

import hashlib

import dagster as dg
import duckdb

from dagster_project.build import CLI_TAG, range_tags
from dagster_project.core.changes import affected_market_dates
from dagster_project.core.landing import CAPTURE_SUFFIXES, iter_raw_files
from dagster_project.defs.jobs import build_market_dates_job, ingest_captures_job
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
    request_job=build_market_dates_job,
    default_status=dg.DefaultSensorStatus(automation_status().value),
    description="After an ingest, rebuilds the market dates whose loaded capture changed.",
)
def changed_market_dates_sensor(
    context: dg.RunStatusSensorContext, market: MarketResource
) -> dg.RunRequest | dg.SkipReason:
    """Request the partition range of the affected market dates (single run), then publish."""
    if context.dagster_run.tags.get(CLI_TAG):
        return dg.SkipReason("make build runs its own market dates")
    con = duckdb.connect(str(market.settings().work_db), read_only=True)
    try:
        dates = affected_market_dates(con)
    finally:
        con.close()
    if not dates:
        return dg.SkipReason("no market date changed")
    return dg.RunRequest(
        run_key=f"dates-{context.dagster_run.run_id}",
        tags=range_tags(dates),
    )
