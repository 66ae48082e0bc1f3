"""Publish: the warehouse file that BI tools open, replaced atomically after a green build."""

import dagster as dg

from dagster_project.core.errors import WarehouseError
from dagster_project.core.warehouse.database import PUBLIC_SCHEMAS, connect, missing_relations, publish
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
    with connect(settings.work_db, read_only=True) as con:
        missing = missing_relations(con, daily_relations())
    if missing:
        names = ", ".join(f"{schema}.{name}" for schema, name in missing)
        raise WarehouseError(
            f"the daily facts are not built yet ({names}): materialise a partition of "
            "build_market_dates first, or run `market-snapshots build`"
        )
    tables = publish(settings.work_db, settings.warehouse)
    with connect(settings.warehouse, read_only=True) as con:
        statuses = con.sql(
            "select status, count(*) as captures from audit.captures "
            "group by status order by status"
        ).pl()
        latest = con.execute("select max(market_date) from marts.fct_daily_movers").fetchall()[0]
    context.log.info(f"published {tables} tables to {settings.warehouse}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(settings.warehouse)),
            "tables": tables,
            "bytes": settings.warehouse.stat().st_size,
            "latest_market_date": str(latest[0]) if latest and latest[0] else "none loaded yet",
            "captures_by_status": dg.MetadataValue.md(markdown_table(statuses)),
        }
    )
