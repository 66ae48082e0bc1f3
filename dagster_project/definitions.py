"""The Dagster definitions: fetch → landing → normalise → dbt → publish, as one asset graph.

The resources read the ``MARKET_*`` variables when a run starts. ``market-snapshots build`` and
``market-snapshots dev`` set them all; a shell that runs Dagster's own CLI on this module (e.g.
``dagster asset materialize -m dagster_project.definitions``) gets the defaults of
:func:`with_default_env` for those it did not set.
"""

import os

import dagster as dg
from dagster_dbt import DbtCliResource

from dagster_project.defs.checks import market_checks
from dagster_project.defs.jobs import jobs
from dagster_project.defs.landing.assets import capture_files
from dagster_project.defs.landing.fetch import fetch_resource_from_env, fetched_pages
from dagster_project.defs.normalise.assets import normalised_captures
from dagster_project.defs.publish.assets import published_warehouse
from dagster_project.defs.report.assets import market_report
from dagster_project.defs.resources import market_resource_from_env
from dagster_project.defs.schedules import after_psx_close
from dagster_project.defs.sensors import changed_market_dates_sensor, new_captures_sensor
from dagster_project.defs.transform.dbt import (
    DBT_EXECUTABLE,
    dbt_project,
    market_dbt_daily_facts,
    market_dbt_models,
)
from dagster_project.settings import load_settings


def with_default_env() -> None:
    """Give every ``MARKET_*`` variable the shell did not set its default (nothing is replaced)."""
    for key, value in load_settings().as_env().items():
        os.environ.setdefault(key, value)


with_default_env()

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
    resources={
        "market": market_resource_from_env(),
        "fetch": fetch_resource_from_env(),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
    },
    executor=dg.in_process_executor,
)
