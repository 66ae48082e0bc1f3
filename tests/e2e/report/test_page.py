"""The day report: typed facts equal to the marts, and a self-contained HTML page of them."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import dagster as dg
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from dagster_project.cli.report import add_parser
from dagster_project.core.errors import ConfigError, WarehouseError
from dagster_project.defs.reports.assets import market_report
from dagster_project.defs.resources import MarketResource
from dagster_project.report.data import DayReport, load_day
from dagster_project.report.format import percent
from dagster_project.report.page import default_report_path, render_report
from tests.e2e.report.report_warehouse import KSE100_BEFORE, OCT_18, PRL_HEADLINE, query


@pytest.fixture(scope="module")
def warehouse(report_warehouse: Path) -> Path:
    return report_warehouse


@pytest.fixture(scope="module")
def day(warehouse: Path) -> DayReport:
    return load_day(warehouse)


def test_the_latest_market_date_is_the_default(day: DayReport) -> None:
    assert day.market_date == OCT_18


def test_the_facts_equal_the_marts(warehouse: Path, day: DayReport) -> None:
    quotes = query(
        warehouse,
        "select symbol, company_name, sector, close_price, change, change_pct, gainer_rank, "
        "loser_rank, headline_id, headline, headline_match from marts.fct_daily_movers "
        "where market_date = ? order by symbol",
        [OCT_18],
    )
    assert [tuple(getattr(q, f) for f in q.__slots__) for q in day.quotes] == quotes
    sectors = query(
        warehouse,
        "select sector, symbol_count, advancers, decliners, unchanged, avg_change_pct, "
        "best_symbol, worst_symbol from marts.fct_sector_daily where market_date = ?",
        [OCT_18],
    )
    assert {tuple(getattr(s, f) for f in s.__slots__) for s in day.sectors} == set(sectors)
    indices = query(
        warehouse,
        "select index_code, level, change, change_pct, prev_level from marts.fct_index_changes "
        "where market_date = ?",
        [OCT_18],
    )
    assert {
        (i.index_code, i.level, i.change, i.change_pct, i.prev_level) for i in day.indices
    } == set(indices)
    assert [i.index_code for i in day.indices] == ["KSE100", "KSE30", "BR100", "BR30"]


def test_headline_numbers_of_the_sample(day: DayReport) -> None:
    assert (day.gainers[0].symbol, day.gainers[0].change_pct) == ("HUBC", Decimal("5.06"))
    assert (day.losers[0].symbol, day.losers[0].change_pct) == ("PRL", Decimal("-9.62"))
    assert [q.symbol for q in day.gainers] == ["HUBC", "TREET", "KOSM", "TRG"]
    assert len(day.losers) == 5
    assert (day.breadth.advancers, day.breadth.decliners, day.breadth.unchanged) == (4, 25, 1)
    kse100 = day.indices[0]
    assert (kse100.level, kse100.change) == (Decimal("85250.00"), Decimal("-335.30"))
    assert (day.audit.count("loaded"), day.audit.rejected_lines) == (1, 0)


def test_index_history_runs_oldest_first_up_to_the_day(day: DayReport) -> None:
    kse100 = day.indices[0]
    assert [d for d, _ in kse100.history] == [*sorted(KSE100_BEFORE), OCT_18]
    assert kse100.history[-2][1] == kse100.prev_level == Decimal("85585.30")
    br100 = next(i for i in day.indices if i.index_code == "BR100")
    assert [d for d, _ in br100.history] == [OCT_18]


def test_an_earlier_date_and_a_day_without_a_session(warehouse: Path) -> None:
    earlier = load_day(warehouse, dt.date(2024, 10, 16))
    assert earlier.market_date == dt.date(2024, 10, 16)
    assert [d for d, _ in earlier.indices[0].history] == [
        dt.date(2024, 10, 15),
        earlier.market_date,
    ]
    with pytest.raises(ConfigError, match="Sat 19 Oct 2024; the latest session before it is Fri"):
        load_day(warehouse, dt.date(2024, 10, 19))
    with pytest.raises(WarehouseError, match="no warehouse"):
        load_day(warehouse.parent / "missing.duckdb")


def _text(html: HTMLParser, selector: str) -> str:
    node = html.css_first(selector)
    assert node is not None, selector
    return node.text(separator=" ").strip()


def test_the_page_shows_the_marts_numbers(warehouse: Path) -> None:
    day, html = render_report(
        warehouse, generated_at=dt.datetime(2024, 10, 18, 12, 0, tzinfo=dt.UTC)
    )
    doc = HTMLParser(html)
    assert _text(doc, "title") == "PSX market report — Fri 18 Oct 2024"
    assert _text(doc, "h1") == "PSX market report — Fri 18 Oct 2024"
    card = _text(doc, '[data-index="KSE100"]')
    assert "85,250.00" in card and "-335.30" in card and "(-0.39%)" in card
    assert doc.css_first('[data-index="KSE100"] svg.spark polyline') is not None
    assert doc.css_first('[data-index="BR100"] svg.spark') is None
    assert _text(doc, '.mover[data-kind="gainers"] .pct') == "+5.06%"
    assert _text(doc, '.mover[data-symbol="HUBC"] .close') == "101.70"
    assert _text(doc, '.mover[data-kind="losers"] .pct') == "-9.62%"
    breadth = {n.attributes["data-breadth"]: n.text() for n in doc.css("[data-breadth]")}
    assert breadth == {
        "advancers": "▲ 4 advancing",
        "unchanged": "■ 1 unchanged",
        "decliners": "▼ 25 declining",
    }
    assert _text(doc, '[data-audit="loaded"]') == "1"
    assert _text(doc, '[data-audit="rejected_lines"]') == "0"
    for sector in day.sectors:
        row = _text(doc, f'tr[data-sector="{sector.sector}"]')
        assert percent(sector.avg_change_pct) in row
        assert doc.css_first(f'g.tile[data-sector="{sector.sector}"] rect') is not None
    assert "-5.87%" in _text(doc, 'tr[data-sector="REFINERY"]')  # -5.8650 rounds half up
    assert "Generated 18 Oct 2024, 17:00 PKT" in _text(doc, "footer")
    assert "brecorder_2024-10-18_ticker.txt" in _text(doc, "footer")
    assert doc.css_first(".intraday") is None
    assert _text(doc, '.mover[data-symbol="PRL"] .headline') == PRL_HEADLINE
    assert doc.css_first('.mover[data-symbol="HUBC"] .headline') is None


def test_the_page_is_self_contained(warehouse: Path) -> None:
    _, html = render_report(warehouse)
    lowered = html.lower()
    for needle in ("<script", "<link", "<img", "<iframe", "@import", "http:", "https:", "src="):
        assert needle not in lowered
    assert re.findall(r"url\((.)", html) == ["#"] * html.count("url(")
    assert len(html) < 200_000


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="market-snapshots")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.handler(args)
    return code


def test_report_command_writes_beside_the_warehouse(
    warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["report", "--warehouse", str(warehouse)]) == 0
    written = warehouse.parent / "reports" / "market-report-2024-10-18.html"
    assert default_report_path(warehouse, OCT_18) == written
    assert f"report: {written}" in capsys.readouterr().out
    assert "PSX market report — Fri 18 Oct 2024" in written.read_text(encoding="utf-8")
    out = tmp_path / "mine.html"
    assert (
        _run(["report", "--warehouse", str(warehouse), "--date", "2024-10-17", "--out", str(out)])
        == 0
    )
    assert "PSX market report — Thu 17 Oct 2024" in out.read_text(encoding="utf-8")
    with pytest.raises(SystemExit):
        _run(["report", "--date", "18/10/2024"])


def test_summary_command_prints_the_day(
    warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["summary", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "PSX market report — Fri 18 Oct 2024" in out
    assert "85,250.00" in out and "+5.06%" in out and "-9.62%" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "Headlines" in out and "intraday" not in out
    assert any(line.startswith("PRL") and "▼ -9.62%" in line for line in out.splitlines())
    assert "July-September: Pakistan Refinery sustains" in out
    assert _run(["summary", "--warehouse", str(warehouse), "--date", "2024-10-17"]) == 0
    out = capsys.readouterr().out
    assert "KSE100 intraday: 11:00 85,900 → 14:00 85,700 → 16:05 85,585.30 (3 captures)" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_the_asset_writes_the_latest_report(warehouse: Path) -> None:
    market = MarketResource(
        raw_dir=str(warehouse.parent.parent / "raw"),
        warehouse=str(warehouse),
        state_dir=str(warehouse.parent / ".state"),
    )
    result = market_report(dg.build_asset_context(), market=market)
    assert isinstance(result, dg.MaterializeResult)
    metadata = result.metadata or {}
    path = Path(str(metadata["path"].value))  # type: ignore[union-attr]
    assert path == warehouse.parent / "reports" / "market-report-2024-10-18.html"
    assert path.is_file()
    assert metadata["url"].value == path.as_uri()  # type: ignore[union-attr]
    assert metadata["top_gainer"] == "HUBC +5.06%"
    assert metadata["top_loser"] == "PRL -9.62%"
    assert metadata["KSE100"] == "85,250.00 (-0.39%)"
