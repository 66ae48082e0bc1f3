"""The Dagster definitions: fetch → landing → normalise → dbt → publish, as one asset graph."""

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
