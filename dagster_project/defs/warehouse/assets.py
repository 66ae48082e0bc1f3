"""Publish: the warehouse file that BI tools open, replaced atomically after a green build."""

import dagster as dg

from dagster_project.core.warehouse.database import PUBLIC_SCHEMAS
from dagster_project.core.warehouse.published import publish_build
from dagster_project.defs.metadata import markdown_table
from dagster_project.defs.partitions import WORK_DB_POOL
from dagster_project.defs.resources import MarketResource
from dagster_project.defs.transform.dbt import (
    daily_relations,
    market_dbt_daily_facts,
    market_dbt_models,
)

PUBLISHED_WAREHOUSE = dg.AssetKey(["warehouse", "published"])
_PUBLIC_DBT_KEYS = [
    key
    for assets in (market_dbt_models, market_dbt_daily_facts)
    for key in assets.keys
    if key.path[0] in PUBLIC_SCHEMAS
]


@dg.asset(
    key=PUBLISHED_WAREHOUSE,
    deps=_PUBLIC_DBT_KEYS,
    group_name="warehouse",
    kinds={"duckdb"},
    pool=WORK_DB_POOL,
)
def published_warehouse(
    context: dg.AssetExecutionContext, market: MarketResource
) -> dg.MaterializeResult[None]:
    """The DuckDB 1.x-readable warehouse, swapped in atomically once every model and test passed."""
    settings = market.settings()
    published = publish_build(settings.work_db, settings.warehouse, daily_relations())
    context.log.info(f"published {published.tables} tables to {settings.warehouse}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(settings.warehouse)),
            "tables": published.tables,
            "bytes": published.size,
            "latest_market_date": published.latest_label,
            "captures_by_status": dg.MetadataValue.md(markdown_table(published.captures_by_status)),
        }
    )
