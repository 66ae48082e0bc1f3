"""The Dagster definitions: fetch → landing → normalise → dbt → publish, as one asset graph.

The ``MARKET_*`` settings are read once, when this module loads (``defs/deployment.py``), and
configure the resources (``defs/resources.py``); ``market-snapshots dev`` sets them for the UI and
the daemon, and a shell that runs Dagster's own CLI on this module (e.g. ``dagster asset
materialize -m dagster_project.definitions``) gets the defaults for those it did not set.
"""

import dagster as dg

from dagster_project.defs.checks import market_checks
from dagster_project.defs.deployment import DEPLOYMENT
from dagster_project.defs.jobs import jobs
from dagster_project.defs.landing.assets import capture_files
from dagster_project.defs.landing.fetch import fetched_pages
from dagster_project.defs.normalised.assets import normalised_captures
from dagster_project.defs.reports.assets import market_report
from dagster_project.defs.resources import resources
from dagster_project.defs.schedules import after_psx_close
from dagster_project.defs.sensors import changed_market_dates_sensor, new_captures_sensor
from dagster_project.defs.transform.dbt import market_dbt_daily_facts, market_dbt_models
from dagster_project.defs.warehouse.assets import published_warehouse
from dagster_project.settings import Settings


def executor_for(settings: Settings) -> dg.ExecutorDefinition:
    """One process for every step (the default), or with ``MARKET_WORKERS`` > 1 a process per
    step, that many at once (the normalise batches run side by side; the steps that write the
    working database still take turns, their pool has one slot)."""
    if settings.workers <= 1:
        return dg.in_process_executor
    return dg.multiprocess_executor.configured(
        {"max_concurrent": settings.workers}, name="market_multiprocess"
    )


defs = dg.Definitions(
    assets=[
        fetched_pages,
        capture_files,
        normalised_captures,
        market_dbt_models,
        market_dbt_daily_facts,
        published_warehouse,
        market_report,
    ],
    asset_checks=market_checks,
    jobs=jobs,
    schedules=[after_psx_close],
    sensors=[new_captures_sensor, changed_market_dates_sensor],
    resources=resources(DEPLOYMENT),
    executor=executor_for(DEPLOYMENT),
)


def ingest_captures_job() -> dg.JobDefinition:
    """The ``ingest_captures`` job, for a build whose steps run in processes of their own
    (``dg.reconstructable``: each process loads it from here)."""
    return defs.resolve_job_def("ingest_captures")
