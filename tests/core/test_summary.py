"""The terminal summary: the day's numbers, coloured, within 80 columns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rich.console import Console

from dagster_project.core.report_data import (
    Breadth,
    CaptureAudit,
    CaptureRow,
    DayReport,
    IndexDay,
    Quote,
    SectorDay,
)
from dagster_project.core.summary import print_summary, spark, summary

D = Decimal
OCT_18 = dt.date(2024, 10, 18)


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
