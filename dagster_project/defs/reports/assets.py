"""Report: the latest market day as one self-contained HTML page beside the published warehouse."""

import dagster as dg

from dagster_project.core.warehouse.database import connect
from dagster_project.defs.resources import MarketResource
from dagster_project.report.build_summary import NO_MARKET_DATE, capture_lines
from dagster_project.report.data import market_dates
from dagster_project.report.page import day_figures, write_report

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
    settings = market.settings()
    with connect(settings.warehouse, read_only=True) as con:
        has_data = bool(market_dates(con))
        captures = capture_lines(con)
    if not has_data:
        context.log.warning(f"{NO_MARKET_DATE}; no report written. " + " ".join(captures))
        return dg.MaterializeResult(
            metadata={
                "market_date": "",
                "note": f"{NO_MARKET_DATE}; no report written",
                "captures": dg.MetadataValue.text("\n".join(captures)),
            }
        )
    written = write_report(settings.warehouse)
    day = written.day
    context.log.info(f"wrote {written.path}")
    metadata: dict[str, dg.RawMetadataValue] = {
        "path": dg.MetadataValue.path(str(written.path)),
        "url": dg.MetadataValue.url(written.path.as_uri()),
        "bytes": written.size,
        **day_figures(day),
    }
    return dg.MaterializeResult(metadata=metadata)
