"""Asset checks on the marts: rejected-line rate, freshness, continuity, price limits, index
arithmetic."""

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

import dagster as dg
import duckdb
import polars as pl

from dagster_project.core.dating.calendar import psx_calendar
from dagster_project.core.dating.market_time import PKT
from dagster_project.core.warehouse import quality
from dagster_project.core.warehouse.database import connect
from dagster_project.defs.metadata import markdown_table
from dagster_project.defs.partitions import WORK_DB_POOL
from dagster_project.defs.resources import MarketResource
from dagster_project.settings import HOLIDAYS_SEED

AUDIT_CAPTURES = dg.AssetKey(["audit", "captures"])
DAILY_MOVERS = dg.AssetKey(["marts", "fct_daily_movers"])
INDEX_CHANGES = dg.AssetKey(["marts", "fct_index_changes"])
MAX_REJECTED_RATE = 0.05


T = TypeVar("T")


def _read(market: MarketResource, query: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run ``query`` on a read-only connection to the working database."""
    with connect(market.settings().work_db, read_only=True) as con:
        return query(con)


def _offending(
    frame: pl.DataFrame, *, passed: str, failed: str, severity: dg.AssetCheckSeverity
) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=frame.is_empty(),
        severity=severity,
        description=passed if frame.is_empty() else failed.format(count=frame.height),
        metadata={
            "offending_rows": frame.height,
            "rows": dg.MetadataValue.md(markdown_table(frame.head(20))),
        },
    )


@dg.asset_check(asset=AUDIT_CAPTURES, pool=WORK_DB_POOL)
def rejected_line_rate(market: MarketResource) -> dg.AssetCheckResult:
    """No usable capture has more than 5% of its ticker lines rejected."""
    frame = _read(market, lambda con: quality.rejected_line_rates(con, max_rate=MAX_REJECTED_RATE))
    return _offending(
        frame,
        passed=f"every capture has at most {MAX_REJECTED_RATE:.0%} rejected ticker lines",
        failed="{count} capture(s) with over 5% rejected ticker lines: see audit.rejected_lines",
        severity=dg.AssetCheckSeverity.WARN,
    )


@dg.asset_check(asset=DAILY_MOVERS, pool=WORK_DB_POOL)
def latest_market_date_is_fresh(market: MarketResource) -> dg.AssetCheckResult:
    """The latest market date in the warehouse is the latest PSX session (as of now in Karachi)."""
    now = dt.datetime.now(PKT)
    latest, close = _read(
        market,
        lambda con: (quality.latest_market_date(con), quality.session_close(con, now.date())),
    )
    calendar = psx_calendar(HOLIDAYS_SEED)
    today = calendar.resolve(pl.Series([now.date()])).row(0, named=True)
    # Today's session counts once it has closed (the trading-hours seed; not before, if unknown).
    closed = not today["is_session_day"] or (close is not None and now.time() >= close)
    expected: dt.date = today["session_date"] if closed else today["previous_session_date"]
    sessions = calendar.sessions_until(expected)
    behind = len(sessions) if latest is None else sum(1 for day in sessions if day > latest)
    return dg.AssetCheckResult(
        passed=latest is not None and behind == 0,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            "no market dates yet"
            if latest is None
            else f"latest market date {latest} is {behind} session(s) behind {expected}"
        ),
        metadata={
            "latest_market_date": str(latest),
            "expected_market_date": str(expected),
            "sessions_behind": behind,
        },
    )


@dg.asset_check(asset=DAILY_MOVERS, pool=WORK_DB_POOL)
def prev_close_continuity(market: MarketResource) -> dg.AssetCheckResult:
    """Each prev_close equals the symbol's close on the previous market date."""
    return _offending(
        _read(market, quality.prev_close_breaks),
        passed="every prev_close equals the previous session's close",
        failed="{count} break(s) between prev_close and the previous close: probable corporate "
        "actions (bonus, split, rights) or a missed session",
        severity=dg.AssetCheckSeverity.WARN,
    )


@dg.asset_check(asset=DAILY_MOVERS, pool=WORK_DB_POOL)
def price_limit_breaches(market: MarketResource) -> dg.AssetCheckResult:
    """No stock moved beyond PSX's price limit of its market date (psx_price_limits seed)."""
    return _offending(
        _read(market, quality.price_limit_breaches),
        passed="every move is within PSX's price limit of its market date",
        failed="{count} move(s) beyond PSX's price limit: a corporate action (bonus, split, "
        "rights) or a data error on the page; the lines are listed below",
        severity=dg.AssetCheckSeverity.WARN,
    )


@dg.asset_check(asset=INDEX_CHANGES, pool=WORK_DB_POOL, blocking=True)
def index_change_arithmetic(market: MarketResource) -> dg.AssetCheckResult:
    """Each index's change % equals change / prev_level within the page's rounding."""
    return _offending(
        _read(market, quality.index_arithmetic_errors),
        passed="every index change % agrees with change / prev_level",
        failed="{count} index row(s) whose change % disagrees with change / prev_level",
        severity=dg.AssetCheckSeverity.ERROR,
    )


market_checks = [
    rejected_line_rate,
    latest_market_date_is_fresh,
    prev_close_continuity,
    price_limit_breaches,
    index_change_arithmetic,
]
