"""The Dagster definitions: landing → normalise → dbt → publish, as one asset graph."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from dagster_project.defs.landing.assets import capture_files
from dagster_project.defs.normalise.assets import normalised_captures
from dagster_project.defs.publish.assets import published_warehouse
from dagster_project.defs.resources import market_resource_from_env
from dagster_project.defs.transform.dbt import (
    DBT_EXECUTABLE,
    dbt_project,
    market_dbt_models,
)

build_warehouse_job = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.all(),
    description="Land every capture under the raw dir, normalise, run dbt, publish the warehouse.",
)

defs = dg.Definitions(
    assets=[capture_files, normalised_captures, market_dbt_models, published_warehouse],
    jobs=[build_warehouse_job],
    resources={
        "market": market_resource_from_env(),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
    },
    executor=dg.in_process_executor,
)
