"""Small typed days for the report's tests: a day report built by hand, no warehouse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dagster_project.report.data import Breadth, CaptureAudit, DayReport, IndexDay, Quote

__all__ = ["IndexDay", "day", "quote"]


def quote(symbol: str, pct: str, *, gainer: int | None, loser: int | None) -> Quote:
    return Quote(symbol, None, "Cement", Decimal("10"), Decimal("1"), Decimal(pct), gainer, loser)


def day(*, indices: tuple[IndexDay, ...] = (), quotes: tuple[Quote, ...] = ()) -> DayReport:
    return DayReport(
        market_date=dt.date(2024, 10, 18),
        indices=indices,
        quotes=quotes,
        sectors=(),
        breadth=Breadth(advancers=12, decliners=15, unchanged=3),
        audit=CaptureAudit(captures=(), rejected_lines=0, undated_rejected=0),
        top_n=5,
    )
