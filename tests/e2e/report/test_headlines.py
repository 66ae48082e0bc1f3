"""The day report's session detail: intraday index lines, the movers' headlines and the day's
headlines, from the intraday and headline marts, and a report without them from a warehouse
built before they existed."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from dagster_project.report.data import DayReport, load_day
from dagster_project.report.page import render_report
from tests.e2e.report.report_warehouse import KSE_HEADLINE, OCT_17, PKT, PRL_HEADLINE, query


@pytest.fixture(scope="module")
def day(report_warehouse: Path) -> DayReport:
    return load_day(report_warehouse)


def _text(html: HTMLParser, selector: str) -> str:
    node = html.css_first(selector)
    assert node is not None, selector
    return node.text(separator=" ").strip()


def test_the_sample_day_has_its_headlines_and_no_intraday_line(day: DayReport) -> None:
    assert [index.intraday for index in day.indices] == [()] * len(day.indices)
    assert day.headlines is not None
    assert len(day.headlines) == len({h.headline_id for h in day.headlines}) == 11
    article, *stories = day.headlines
    assert (article.headline_kind, article.section, article.news_source) == (
        "article",
        "World",
        "Reuters",
    )
    assert {story.headline_kind for story in stories} == {"story"}
    links = {
        h.headline: [(link.symbol, link.match_kind) for link in h.links] for h in day.headlines
    }
    assert {text: named for text, named in links.items() if named} == {
        PRL_HEADLINE: [("PRL", "company_name")],
        KSE_HEADLINE: [("KSE100", "alias")],
    }
    in_the_news = [(q.symbol, q.headline, q.headline_match) for q in day.quotes if q.headline]
    assert in_the_news == [("PRL", PRL_HEADLINE, "company_name")]
    assert day.losers[0].headline == PRL_HEADLINE


def test_a_session_of_three_timed_captures_has_intraday_lines(report_warehouse: Path) -> None:
    thursday = load_day(report_warehouse, OCT_17)
    kse100 = thursday.indices[0]
    assert kse100.index_code == "KSE100"
    assert [(p.captured_at.astimezone(PKT).time(), p.level) for p in kse100.intraday] == [
        (dt.time(11, 0), Decimal("85900.00")),
        (dt.time(14, 0), Decimal("85700.00")),
        (dt.time(16, 5), Decimal("85585.30")),
    ]
    assert [(p.session_phase, p.is_daily_value) for p in kse100.intraday] == [
        ("open", False),
        ("open", False),
        ("post_close", True),
    ]
    assert kse100.intraday[-1].level == kse100.level
    marts = query(
        report_warehouse,
        "select index_code, count(*) from marts.fct_intraday_index_levels "
        "where market_date = ? group by index_code",
        [OCT_17],
    )
    assert {(i.index_code, len(i.intraday)) for i in thursday.indices} == set(marts)
    assert thursday.headlines is not None
    assert [h.capture_count for h in thursday.headlines] == [3]  # one headline, three pages


def test_the_page_lists_the_days_headlines_with_their_symbols(report_warehouse: Path) -> None:
    day, html = render_report(report_warehouse)
    assert day.headlines is not None
    items = HTMLParser(html).css('[data-panel="headlines"] ol.headlines > li')
    assert [item.css_first(".hl").text() for item in items] == [h.headline for h in day.headlines]
    assert [item.attributes["data-kind"] for item in items] == ["article"] + ["story"] * 10
    assert "World · Reuters · published 18 Oct 2024, 20:37 PKT" in items[0].text()
    tags = {
        item.css_first(".hl").text(): [tag.text() for tag in item.css(".tag")] for item in items
    }
    assert {headline: shown for headline, shown in tags.items() if shown} == {
        PRL_HEADLINE: ["PRL ▼ -9.62%"],
        KSE_HEADLINE: ["KSE100 ▼ -0.39%"],
    }


def test_the_page_draws_each_index_through_the_session(report_warehouse: Path) -> None:
    _, html = render_report(report_warehouse, OCT_17)
    doc = HTMLParser(html)
    line = doc.css_first('[data-index="KSE100"] [data-intraday="KSE100"] svg.spark.intraday')
    assert line is not None
    assert line.css_first("polyline") is not None
    assert len(line.css("circle")) == 4  # a dot per capture, and the latest one marked
    label = line.attributes["aria-label"] or ""
    assert label.startswith(
        "KSE100 through the session, 3 captures: 11:00 85,900 → 14:00 85,700 → 16:05 85,585.30; "
        "low 85,585.30 at 16:05, high 85,900 at 11:00"
    )
    caption = _text(doc, '[data-intraday="KSE100"] .nohist')
    assert caption == "Intraday, 3 captures: 11:00 85,900 → 16:05 85,585.30 PKT"
    assert doc.css_first('[data-index="KSE100"] svg.spark.trend') is not None
    items = doc.css('[data-panel="headlines"] ol.headlines > li')
    assert [item.css_first(".hl").text() for item in items] == ["A headline about something else"]


def test_a_warehouse_from_before_the_headline_and_intraday_marts(
    report_warehouse: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old.duckdb"
    shutil.copyfile(report_warehouse, old)
    con = duckdb.connect(str(old))
    try:
        for table in ("fct_intraday_index_levels", "bridge_headline_symbol", "fct_headlines"):
            con.execute(f"drop table marts.{table}")
        for column in ("headline_id", "headline", "headline_match"):
            con.execute(f"alter table marts.fct_daily_movers drop column {column}")
    finally:
        con.close()
    day, html = render_report(old, OCT_17)
    assert day.headlines is None
    assert [index.intraday for index in day.indices] == [()] * len(day.indices)
    assert {quote.headline for quote in day.quotes} == {None}
    doc = HTMLParser(html)
    assert doc.css_first('[data-panel="headlines"]') is None
    assert doc.css_first(".intraday") is None
    assert doc.css_first('[data-index="KSE100"] svg.spark.trend') is not None
