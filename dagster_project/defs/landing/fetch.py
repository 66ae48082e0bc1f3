"""Landing: fetch the configured Business Recorder pages into the raw dir as captures.

A URL that cannot be fetched is reported (run log, metadata, the ``all_pages_fetched`` check at
WARN severity) and the others still land; only an invalid pages file fails the asset. Fetching is
polite and guarded (robots.txt, redirects on the page's own site, public addresses, one total
deadline: ``core.fetch.http``); URLs are shown and stored without credentials.
"""

import dagster as dg

from dagster_project.core.fetch.landed import fetch_pages
from dagster_project.defs.metadata import markdown_table
from dagster_project.defs.resources import FetchResource, MarketResource

FETCHED_PAGES = dg.AssetKey(["landing", "fetched_pages"])
ALL_PAGES_FETCHED = "all_pages_fetched"


@dg.asset(
    key=FETCHED_PAGES,
    group_name="landing",
    kinds={"python", "httpx"},
    check_specs=[
        dg.AssetCheckSpec(
            ALL_PAGES_FETCHED,
            asset=FETCHED_PAGES,
            description="Every configured page was fetched (WARN names the failed URLs).",
        )
    ],
)
def fetched_pages(
    context: dg.AssetExecutionContext, market: MarketResource, fetch: FetchResource
) -> dg.MaterializeResult:  # type: ignore[type-arg]  # Dagster needs the bare class with check_specs
    """The configured pages, fetched over HTTP and written as captures under raw/fetched/."""
    raw_dir = market.settings().raw_dir
    run = fetch_pages(fetch.pages(), raw_dir, fetch.policy(), log=context.log.log)
    failed = len(run.failures)
    check = dg.AssetCheckResult(
        check_name=ALL_PAGES_FETCHED,
        passed=not failed,
        severity=dg.AssetCheckSeverity.WARN,
        description=run.summary,
        metadata={
            "failed_pages": failed,
            "failures": dg.MetadataValue.md(markdown_table(run.failed_table())),
        },
    )
    return dg.MaterializeResult(
        metadata={
            "pages_file": dg.MetadataValue.path(str(fetch.pages_path())),
            "raw_dir": dg.MetadataValue.path(str(raw_dir)),
            "pages": len(run.fetches),
            "fetched_pages": len(run.fetches) - failed,
            "failed_pages": failed,
            "total_bytes": run.total_bytes,
            "fetches": dg.MetadataValue.md(markdown_table(run.table())),
        },
        check_results=[check],
    )
