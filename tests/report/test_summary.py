"""The terminal summary: the day's numbers, coloured, within 80 columns."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

from rich.console import Console

from dagster_project.core.dating.market_time import PKT
from dagster_project.report.data import (
    Breadth,
    CaptureAudit,
    CaptureRow,
    DayReport,
    IndexDay,
    Quote,
    SectorDay,
)
from dagster_project.report.headlines import Headline, HeadlineLink
from dagster_project.report.intraday import IntradayPoint
from dagster_project.report.summary import intraday_line, print_summary, spark, summary

D = Decimal
OCT_18 = dt.date(2024, 10, 18)
PRL_HEADLINE = "July-September: Pakistan Refinery sustains Rs2.4bn in losses"
KSE_HEADLINE = "KSE-100 closes 335 points lower as profit-taking persists"


def quote(symbol: str, sector: str, close: str, change: str, pct: str, rank: int) -> Quote:
    up = D(change) > 0
    return Quote(
        symbol,
        None,
        sector,
        D(close),
        D(change),
        D(pct),
        rank if up else None,
        None if up else rank,
    )


def a_day(*, with_gainers: bool = True) -> DayReport:
    quotes = [
        quote("PRL", "REFINERY", "23.86", "-2.54", "-9.62", 1),
        quote("CNERGY", "REFINERY", "3.72", "-0.08", "-2.11", 2),
    ]
    if with_gainers:
        quotes.append(quote("HUBC", "POWER GENERATION & DISTRIBUTION", "101.70", "4.90", "5.06", 1))
    history = ((dt.date(2024, 10, 16), D("86100")), (dt.date(2024, 10, 17), D("85585.30")))
    return DayReport(
        market_date=OCT_18,
        indices=(
            IndexDay(
                "KSE100",
                D("85250.00"),
                D("-335.30"),
                D("-0.39"),
                D("85585.30"),
                (*history, (OCT_18, D("85250.00"))),
            ),
            IndexDay("BR100", D("9089.00"), D("-54.70"), D("-0.60"), D("9143.70"), ()),
        ),
        quotes=tuple(quotes),
        sectors=(
            SectorDay("POWER GENERATION & DISTRIBUTION", 1, 1, 0, 0, D("5.06"), "HUBC", "HUBC"),
            SectorDay("REFINERY", 2, 0, 2, 0, D("-5.8650"), "CNERGY", "PRL"),
        ),
        breadth=Breadth(1 if with_gainers else 0, 2, 0),
        audit=CaptureAudit(
            captures=(
                CaptureRow(
                    "88ebdb6634ab1d7b",
                    "samples/brecorder_2024-10-18_ticker.txt",
                    dt.datetime(2024, 10, 18, 11, tzinfo=dt.UTC),
                    "loaded",
                    None,
                    0,
                ),
            ),
            rejected_lines=3,
            undated_rejected=1,
        ),
        top_n=5,
    )


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(OCT_18, dt.time(hour, minute), tzinfo=PKT)


def intraday(*levels: tuple[int, int, str]) -> tuple[IntradayPoint, ...]:
    return tuple(
        IntradayPoint(at(hour, minute), D(level), "open", number == len(levels) - 1)
        for number, (hour, minute, level) in enumerate(levels)
    )


def a_session(day: DayReport) -> DayReport:
    """The day with three timed captures of KSE100, PRL's headline and the day's headlines."""
    kse100, *others = day.indices
    kse100 = dataclasses.replace(
        kse100, intraday=intraday((11, 0, "85410"), (14, 0, "85300"), (16, 10, "85250"))
    )
    quotes = tuple(
        dataclasses.replace(q, headline_id="h9", headline=PRL_HEADLINE, headline_match="alias")
        if q.symbol == "PRL"
        else q
        for q in day.quotes
    )
    headlines = (
        Headline(
            "h0",
            "Growing North Korea support for Russia ‘very worrying’",
            "article",
            "World",
            "Reuters",
            dt.datetime(2024, 10, 18, 15, 37, tzinfo=dt.UTC),
            1,
        ),
        Headline(
            "h6",
            KSE_HEADLINE,
            "story",
            None,
            None,
            None,
            1,
            (HeadlineLink("KSE100", True, "alias"),),
        ),
        Headline(
            "h9",
            PRL_HEADLINE,
            "story",
            None,
            None,
            None,
            1,
            (HeadlineLink("PRL", False, "company_name"),),
        ),
    )
    return dataclasses.replace(day, indices=(kse100, *others), quotes=quotes, headlines=headlines)


def render(day: DayReport, *, width: int = 120) -> tuple[Console, str]:
    console = Console(width=width, record=True, force_terminal=True, color_system="truecolor")
    print_summary(day, console)
    return console, console.export_text()


def test_the_day_fits_80_columns_with_its_numbers() -> None:
    _, text = render(a_day())
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[0] == "PSX market report — Fri 18 Oct 2024"
    for shown in ("85,250.00", "▼ -335.30", "-0.39%", "+5.06%", "101.70", "-9.62%", "-5.87%"):
        assert shown in text
    assert "Breadth   ▲ 1 advancing   ▼ 2 declining   ■ 0 unchanged" in text
    assert "3 symbols of Business Recorder's ticker strip (not all of PSX), 2 PSX indices" in text
    assert "3 lines rejected" in text and "1 undated rejected" in text
    assert "Power Generation & Distribution" in text


def test_ups_are_green_and_downs_red() -> None:
    console = Console(width=80, force_terminal=True, color_system="truecolor")
    styles: dict[str, str] = {}
    for segment in console.render(summary(a_day()), console.options):
        if segment.style and segment.style.color and segment.text.strip():
            styles[segment.text.strip()] = segment.style.color.name
    assert styles["+5.06%"] == "green"
    assert styles["-9.62%"] == "red"
    assert styles["▼ -335.30"] == "red"


def test_a_narrow_terminal_and_a_day_without_gainers() -> None:
    _, text = render(a_day(with_gainers=False), width=60)
    assert max(len(line) for line in text.splitlines()) <= 60
    assert "none" in text


def test_spark_draws_levels_oldest_first() -> None:
    assert spark([D(1), D(2), D(4)]) == "▁▃█"
    assert spark([D(5), D(5)]) == "▁▁"
    assert spark([D(1)]) == ""
    _, text = render(a_day())
    assert "█▄▁" in text


def test_the_intraday_line_of_each_index_with_two_captures_or_more() -> None:
    _, text = render(a_session(a_day()))
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "KSE100 intraday: 11:00 85,410 → 14:00 85,300 → 16:10 85,250 (3 captures)" in text
    assert "BR100 intraday" not in text
    _, without = render(a_day())
    assert "intraday" not in without


def test_a_long_session_shows_its_ends_low_and_high() -> None:
    kse100 = a_day().indices[0]
    minutes = [9 * 60 + 30 + 30 * n for n in range(12)]
    levels = [(m // 60, m % 60, str(85000 + (n % 5) * 100)) for n, m in enumerate(minutes)]
    long = dataclasses.replace(kse100, intraday=intraday(*levels))
    assert intraday_line(long) == (
        "KSE100 intraday: 09:30 85,000 ▁▃▅▆█▁▃▅▆█▁▃ 15:00 85,100 (12 captures)"
    )
    assert intraday_line(long, width=100) == (
        "KSE100 intraday: 09:30 85,000 ▁▃▅▆█▁▃▅▆█▁▃ 15:00 85,100 (12 captures, "
        "low 85,000, high 85,400)"
    )
    one = dataclasses.replace(kse100, intraday=intraday((11, 0, "85410")))
    assert intraday_line(one) == ""


def test_movers_show_their_headline_and_the_day_its_headlines() -> None:
    _, text = render(a_session(a_day()))
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    beside = [line for line in lines if line.startswith("PRL ")]
    assert beside and "▼ -9.62%" in beside[0] and "July-September: Pakistan" in beside[0]
    start = lines.index("Headlines")
    listed = " ".join(" ".join(lines[start + 1 : start + 6]).split())
    assert listed.index("Growing North Korea") < listed.index("KSE-100 closes")
    assert "World · Reuters · published 18 Oct 2024, 20:37 PKT" in listed
    assert "KSE100 ▼ -0.39%" in listed and "PRL ▼ -9.62%" in listed


def test_a_warehouse_without_headlines_has_no_headlines_section() -> None:
    _, text = render(a_day())
    assert "Headlines" not in text and "in the news" not in text
    _, empty = render(dataclasses.replace(a_day(), headlines=()))
    assert "Headlines  none captured for this session" in empty


HOSTILE_HEADLINE = "PRL slump [/bold] continues [link=http://evil.example]click[/link] [red]x"


def test_scraped_text_is_printed_as_text_never_as_markup_or_terminal_codes() -> None:
    day = a_session(a_day())
    quotes = tuple(
        dataclasses.replace(q, headline=HOSTILE_HEADLINE + "\x1b]0;pwned\x07")
        if q.symbol == "PRL"
        else q
        for q in day.quotes
    )
    fake = "evil\nloaded     faked.txt\x1b[2J"
    captures = (dataclasses.replace(day.audit.captures[0], source_path=fake),)
    day = dataclasses.replace(
        day, quotes=quotes, audit=dataclasses.replace(day.audit, captures=captures)
    )
    out = io.StringIO()
    console = Console(file=out, width=300, force_terminal=True, color_system="truecolor")
    print_summary(day, console)  # a MarkupError before the fix
    raw = out.getvalue()
    assert "\x1b]" not in raw and "\x07" not in raw and "\x1b[2J" not in raw
    _, text = render(day, width=300)
    for shown in ("PRL slump [/bold]", "[link=http://evil.example]click[/link]", "[red]x"):
        assert shown in text  # literally, as the page printed it
    assert "\\x1b]0;pwned\\x07" in text
    assert "evil\\nloaded     faked.txt\\x1b[2J" in text
    assert not any(line.lstrip().startswith("loaded     faked") for line in text.splitlines())
