"""Report: the latest market day as one self-contained HTML page beside the published warehouse."""

import dagster as dg

from dagster_project.defs.metadata import report_metadata
from dagster_project.defs.resources import MarketResource
from dagster_project.report.page import report_latest_day

MARKET_REPORT = dg.AssetKey(["reports", "market_report"])


@dg.asset(
    key=MARKET_REPORT,
    deps=[dg.AssetKey(["warehouse", "published"])],
    group_name="reports",
    kinds={"python", "html", "svg"},
)
def market_report(
    context: dg.AssetExecutionContext, market: MarketResource
) -> dg.MaterializeResult[None]:
    """The latest market date's HTML report (indices, movers, sectors, breadth, capture audit)."""
    latest = report_latest_day(market.settings().warehouse)
    context.log.log(latest.level, latest.message)
    return dg.MaterializeResult(metadata=report_metadata(latest))
