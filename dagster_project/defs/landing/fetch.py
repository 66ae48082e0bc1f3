"""Landing: fetch the configured Business Recorder pages into the raw dir as captures.

A URL that cannot be fetched is reported (run log, metadata, the ``all_pages_fetched`` check at
WARN severity) and the others still land; only an invalid pages file fails the asset. Fetching is
polite and guarded (robots.txt, redirects on the page's own site, public addresses, one total
deadline: ``core.fetch.http``); URLs are shown and stored without credentials.
"""

import dagster as dg
import polars as pl

from dagster_project.core.errors import ConfigError
from dagster_project.core.fetch.capture_file import write_capture
from dagster_project.core.fetch.http import fetch_all
from dagster_project.defs.metadata import markdown_table
from dagster_project.defs.resources import FetchResource, MarketResource

FETCHED_PAGES = dg.AssetKey(["landing", "fetched_pages"])
ALL_PAGES_FETCHED = "all_pages_fetched"


def _cell(value: object) -> str | None:
    return None if value is None else str(value)


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
    if not raw_dir.is_dir():
        raise ConfigError(f"raw dir {raw_dir} does not exist (set MARKET_RAW_DIR)")
    pages = fetch.pages()
    outcomes = fetch_all([page.url for page in pages], policy=fetch.policy())
    rows: list[dict[str, str | None]] = []
    failures: list[tuple[str, str]] = []
    total_bytes = 0
    for page, outcome in zip(pages, outcomes, strict=True):
        url = outcome.url  # the page's URL without credentials
        path: str | None = None
        if outcome.ok and outcome.body is not None:
            path = write_capture(outcome, raw_dir, name=page.name).relative_to(raw_dir).as_posix()
            total_bytes += len(outcome.body)
            context.log.info(f"fetched {url} -> {path} ({len(outcome.body)} bytes)")
        else:
            reason = outcome.reason or "unknown error"
            failures.append((url, reason))
            context.log.warning(f"could not fetch {url}: {reason}")
        status = None if outcome.status_code is None else str(outcome.status_code)
        row = {"url": url, "status": status, "reason": outcome.reason, "path": path}
        rows.append({key: _cell(value) for key, value in row.items()})
    table = pl.DataFrame(rows, schema=dict.fromkeys(("url", "status", "reason", "path"), pl.String))
    failed = pl.DataFrame(
        [{"url": _cell(url), "reason": _cell(reason)} for url, reason in failures],
        schema={"url": pl.String, "reason": pl.String},
    )
    check = dg.AssetCheckResult(
        check_name=ALL_PAGES_FETCHED,
        passed=not failures,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            f"all {len(pages)} page(s) fetched"
            if not failures
            else f"{len(failures)} of {len(pages)} page(s) not fetched: "
            + "; ".join(f"{url} ({reason})" for url, reason in failures)
        ),
        metadata={
            "failed_pages": len(failures),
            "failures": dg.MetadataValue.md(markdown_table(failed)),
        },
    )
    return dg.MaterializeResult(
        metadata={
            "pages_file": dg.MetadataValue.path(str(fetch.pages_path())),
            "raw_dir": dg.MetadataValue.path(str(raw_dir)),
            "pages": len(pages),
            "fetched_pages": len(pages) - len(failures),
            "failed_pages": len(failures),
            "total_bytes": total_bytes,
            "fetches": dg.MetadataValue.md(markdown_table(table)),
        },
        check_results=[check],
    )
