"""``report/page.py::day_figures``: the day in a few figures, with or without indices, movers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dagster_project.report.data import Breadth, CaptureAudit, DayReport, IndexDay, Quote
from dagster_project.report.page import day_figures


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


def test_a_full_day_names_the_lead_index_and_the_top_movers() -> None:
    kse = IndexDay(
        "KSE100", Decimal("85250"), Decimal("-335.3"), Decimal("-0.39"), Decimal("85585.3"), ()
    )
    movers = (
        quote("PRL", "-5.87", gainer=None, loser=1),
        quote("AGL", "5.061", gainer=1, loser=None),
        quote("HUBC", "2.4", gainer=2, loser=None),
    )
    assert day_figures(day(indices=(kse,), quotes=movers)) == {
        "market_date": "Fri 18 Oct 2024",
        "breadth": "12 up / 15 down / 3 unchanged",
        "KSE100": "85,250.00 (-0.39%)",
        "top_gainer": "AGL +5.06%",
        "top_loser": "PRL -5.87%",
    }


def test_a_day_without_indices_or_movers_gives_its_date_and_breadth_only() -> None:
    assert day_figures(day()) == {
        "market_date": "Fri 18 Oct 2024",
        "breadth": "12 up / 15 down / 3 unchanged",
    }
