"""The jobs an operator launches (and schedules and sensors request)."""

import dagster as dg

from dagster_project.defs.landing.assets import capture_files
from dagster_project.defs.landing.fetch import fetched_pages
from dagster_project.defs.normalise.assets import normalised_captures
from dagster_project.defs.partitions import market_date_partitions
from dagster_project.defs.publish.assets import published_warehouse
from dagster_project.defs.report.assets import market_report
from dagster_project.defs.transform.dbt import market_dbt_daily_facts, market_dbt_models

INGEST_SELECTION = dg.AssetSelection.assets(capture_files, normalised_captures, market_dbt_models)
PUBLISH_SELECTION = dg.AssetSelection.assets(published_warehouse, market_report)
DAILY_SELECTION = dg.AssetSelection.assets(market_dbt_daily_facts) | PUBLISH_SELECTION
FETCH_SELECTION = dg.AssetSelection.assets(fetched_pages)

ingest_captures_job = dg.define_asset_job(
    "ingest_captures",
    selection=INGEST_SELECTION,
    description="Inventory the raw dir, normalise new captures, build the base dbt models.",
)
build_market_dates_job = dg.define_asset_job(
    "build_market_dates",
    selection=DAILY_SELECTION,
    partitions_def=market_date_partitions,
    description="Rebuild the daily facts of the selected market dates and publish the warehouse.",
)
fetch_pages_job = dg.define_asset_job(
    "fetch_pages",
    selection=FETCH_SELECTION | INGEST_SELECTION,
    description="Fetch the configured pages into the raw dir, then ingest them.",
)
daily_close_job = dg.define_asset_job(
    "daily_close",
    selection=FETCH_SELECTION | INGEST_SELECTION | DAILY_SELECTION,
    partitions_def=market_date_partitions,
    description="After the close: fetch today's pages, ingest, build today's facts, publish.",
)
publish_job = dg.define_asset_job(
    "publish_warehouse",
    selection=PUBLISH_SELECTION,
    description="Publish the working database's marts and audit as the warehouse file.",
)

jobs = [ingest_captures_job, build_market_dates_job, fetch_pages_job, daily_close_job, publish_job]
