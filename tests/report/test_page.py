"""``report/page.py``: the day in a few figures (with or without indices, movers), and what the
report step makes of a warehouse that holds no market date yet."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

from dagster_project.core.warehouse.database import connect
from dagster_project.report.build_summary import NO_MARKET_DATE
from dagster_project.report.page import LatestReport, ReportFile, day_figures, report_latest_day
from tests.report.days import IndexDay, day, quote


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
        "breadth": "12 up / 15 down / 3 unchanged of the strip's 30 symbols",
        "KSE100": "85,250.00 (-0.39%)",
        "top_gainer": "AGL +5.06%",
        "top_loser": "PRL -5.87%",
    }


def test_a_day_without_indices_or_movers_gives_its_date_and_breadth_only() -> None:
    assert day_figures(day()) == {
        "market_date": "Fri 18 Oct 2024",
        "breadth": "12 up / 15 down / 3 unchanged of the strip's 30 symbols",
    }


def test_a_warehouse_without_a_market_date_gets_no_report_and_a_warning(tmp_path: Path) -> None:
    warehouse = tmp_path / "market.duckdb"
    with connect(warehouse) as con:
        con.execute(
            "create schema marts; create table marts.fct_daily_movers (market_date date);"
            "create schema audit; create table audit.captures (status varchar, dated_by varchar,"
            " reason varchar, source_path varchar);"
            "insert into audit.captures values ('rejected', null, 'no ticker lines', 'a.txt')"
        )
    latest = report_latest_day(warehouse)
    assert latest.written is None
    assert latest.level == logging.WARNING
    assert latest.message.startswith(f"{NO_MARKET_DATE}; no report written. ")
    assert any("no ticker lines" in line for line in latest.captures)
    assert " ".join(latest.captures) in latest.message
    assert not (tmp_path / "reports").exists()


def test_a_written_report_is_logged_as_information(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "market-report-2024-10-18.html"
    latest = LatestReport(ReportFile(path=path, day=day(), size=10), captures=("1 capture",))
    assert (latest.level, latest.message) == (logging.INFO, f"wrote {path}")
