"""The grammar on the shapes real Business Recorder pages take (2020-2026).

Each case is a line shape seen on a stored real page: arrows on index lines, the zero-price glitch,
page furniture before the strip, a print-edition line, no date bar, the strip twice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
from polars.testing import assert_frame_equal

from dagster_project.core.reference import read_index_codes
from dagster_project.core.ticker import TickerFrames, lines_frame, parse_lines, parse_texts
from dagster_project.core.ticker.judge import by_rules, judge
from dagster_project.core.ticker.layout import CARRIED, ordered
from dagster_project.settings import INDEX_CODES_SEED
from tests.core.ticker.frames import rejected

CODES = read_index_codes(INDEX_CODES_SEED)
STOCK = "AIRLINK 136.21 Decreased By ▼ -0.24 (-0.18%)"
PROSE = (
    "KSE 100 index of the Pakistan Stock Exchange closed at 85,250 points on Friday, down 335 "
    "points, as investors booked profits in cement and oil stocks ahead of the monetary policy."
)


def both_ways(lines: list[str]) -> TickerFrames:
    """parse_lines and parse_texts agree; return parse_lines' frames."""
    frames = parse_lines(lines_frame({"c": lines}), index_codes=CODES)
    texts, _ = parse_texts(
        pl.DataFrame({"sha256": ["c"], "text": ["\n".join(lines)]}), index_codes=CODES
    )
    for name in ("quotes", "index_levels", "rejected_lines", "page_dates"):
        assert_frame_equal(getattr(texts, name), getattr(frames, name))
    return frames


def test_the_seed_lists_the_strip_indices() -> None:
    assert {"KSE100", "KSE30", "BR100", "BR30", "KMI30", "ALLSHR"} <= CODES


def test_index_lines_with_arrows_are_indices_by_code() -> None:
    frames = both_ways(
        [
            STOCK,
            "KSE100 47,137 Decreased By ▼ -226.74 (-0.48%)",
            "BR30 25,254 Increased By ▲ 61.54 (0.24%)",
            "KSE30 18,669.25 Decreased By ▼ -157.06 (-0.83%)",
        ]
    )
    assert frames.rejected_lines.is_empty()
    assert frames.quotes["symbol"].to_list() == ["AIRLINK"]
    assert frames.index_levels.select("index_code", "level", "change").rows() == [
        ("KSE100", Decimal("47137.00"), Decimal("-226.74")),
        ("BR30", Decimal("25254.00"), Decimal("61.54")),
        ("KSE30", Decimal("18669.25"), Decimal("-157.06")),
    ]


def test_an_unknown_code_falls_back_to_the_line_shape() -> None:
    frames = both_ways(
        ["NEWIDX 1,234 Increased By 12.3 (1.01%)", "NEWCO 12.30 Increased By ▲ 0.30 (2.5%)"]
    )
    assert frames.index_levels["index_code"].to_list() == ["NEWIDX"]
    assert frames.quotes["symbol"].to_list() == ["NEWCO"]


def test_impossible_quotes_are_rejected_with_a_reason() -> None:
    lines = [
        "ANL 0.00 Decreased By ▼ -15.34 (-100%)",
        "XYZ 0.01 Decreased By ▼ -15.33 (-100%)",
        "KSE30 0 Decreased By -181 (-100%)",
        STOCK,
    ]
    frames = both_ways(lines)
    assert frames.quotes["symbol"].to_list() == ["AIRLINK"]
    assert frames.rejected_lines["reason"].to_list() == [
        "impossible quote: price 0.00 is not positive (a site glitch)",
        "impossible quote: a move of -100% (nothing listed falls 100% in a day)",
        "impossible quote: price 0 is not positive (a site glitch)",
    ]


def test_furniture_before_the_strip_and_a_figures_box_after_it() -> None:
    lines = [
        "Business Recorder Logo",
        "Brecorder Logo",
        STOCK,
        "KSE100 45,682 Decreased By ▼ -299.71 (-0.65%)",
        "Coronavirus",
        "VERY HIGH",
        "Pakistan Deaths",
        "19,856",
        "10424hr",
        "KPK",
        "127,609",
        "Business Recorder Logo",
        "May 20, 2021 PRINT EDITION ► BR MARKETS ► Dollar to PKR ►",
        "Pakistan",
    ]
    frames = both_ways(lines)
    assert frames.rejected_lines.is_empty()
    assert (frames.quotes.height, frames.index_levels.height) == (1, 1)
    assert frames.page_dates.select("page_date", "header_line_no").row(0) == (
        dt.date(2021, 5, 20),
        13,
    )


def test_a_bare_date_line_is_the_date_bar() -> None:
    frames = both_ways([STOCK, "Mar 28, 2024", "Markets"])
    assert frames.page_dates["page_date"].to_list() == [dt.date(2024, 3, 28)]


def test_a_print_edition_line_is_not_a_page_date() -> None:
    for line in ("Markets Print 2025-09-23", "Pakistan Print 2020-03-24"):
        frames = both_ways([STOCK, line, "Some headline"])
        assert frames.page_dates.is_empty()
        assert frames.quotes.height == 1


def test_without_a_date_bar_the_article_is_not_scanned() -> None:
    lines = [
        STOCK,
        "KSE30 26,803 Decreased By -181 (-0.67%)",
        PROSE,
        "KSE 100 gained 500 points",
        "HUBC 101.70 Increased By ▲ 4.90 (5.06%)",
        "Oct 18, 2024",
    ]
    frames = both_ways(lines)
    # The ticker-like lines and the date below the prose are the article's, not the page's.
    assert frames.rejected_lines.is_empty()
    assert frames.quotes["symbol"].to_list() == ["AIRLINK"]
    assert frames.page_dates.is_empty()


def test_prose_before_the_strip_is_furniture() -> None:
    frames = both_ways([PROSE, STOCK, "Oct 18, 2024 PRINT EDITION"])
    assert frames.quotes.height == 1
    assert frames.page_dates["page_date"].to_list() == [dt.date(2024, 10, 18)]


def test_the_shortcut_agrees_with_every_rule_on_index_codes() -> None:
    lines = [
        "KSE100 47,137.25 Decreased By ▼ -226.74 (-0.48%)",
        "BR100 4,914 Decreased By ▼ -44.93 (-0.91%)",
        "HUBC 101.70 Increased By ▲ 4.90 (5.06%)",
        "ANL 0.00 Decreased By ▼ -15.34 (-100%)",
    ]
    candidates = lines_frame({"c": lines}).lazy().pipe(ordered, pl.lit(0)).select(CARRIED)
    got = judge(candidates, CODES).sort("order")
    every_rule = by_rules(candidates, CODES).sort("order")
    assert_frame_equal(
        got.select("line_no", "symbol", "reason", "is_index"),
        every_rule.select("line_no", "symbol", "reason", "is_index"),
    )
    assert got["is_index"].to_list() == [True, True, False, False]


def test_a_headline_after_the_strip_is_not_a_broken_ticker_line() -> None:
    lines = [
        STOCK,
        "FTSE 100 marks worst month",
        "KSE100 gains 500 points",
        "TRG 44.5",
        "DGKC 22.59 Inc",
    ]
    frames = both_ways(lines)
    assert frames.rejected_lines["line"].to_list() == ["TRG 44.5", "DGKC 22.59 Inc"]


def test_an_identical_repeat_of_the_strip_is_one_quote() -> None:
    strip = ["HUBC 101.70 Increased By ▲ 4.90 (5.06%)", "KSE30 26,803 Decreased By -181 (-0.67%)"]
    frames = both_ways([*strip, "Coronavirus", *strip])
    assert frames.quotes.select("line_no", "symbol").rows() == [(1, "HUBC")]
    assert frames.index_levels.select("line_no", "index_code").rows() == [(2, "KSE30")]
    assert frames.rejected_lines.is_empty()


def test_duplicates_within_a_capture() -> None:
    lines = [
        "HUBC 101.70 Increased By ▲ 4.90 (5.06%)",
        "KSE30 26,803 Decreased By -181 (-0.67%)",
        "HUBC 101.70 Increased By ▲ 4.90 (5.06%)",
        "HUBC 101.80 Increased By ▲ 5.00 (5.16%)",
        "KSE30 26,803.00 Decreased By -181.0 (-0.67%)",
    ]
    frames = parse_lines(pl.concat([lines_frame({"a": lines}), lines_frame({"b": lines[2:]})]))
    # An identical repeat is one quote; a conflicting one rejects every line of the symbol.
    assert frames.quotes.select("sha256", "line_no").rows() == []
    assert frames.index_levels.select("sha256", "line_no").rows() == [("a", 2), ("b", 3)]
    a_reason = "conflicting repeat of HUBC: lines 1, 3, 4 of this page show different values"
    b_reason = "conflicting repeat of HUBC: lines 1, 2 of this page show different values"
    expected = rejected(
        [
            ("a", 1, lines[0], a_reason),
            ("a", 3, lines[2], a_reason),
            ("a", 4, lines[3], a_reason),
            ("b", 1, lines[2], b_reason),
            ("b", 2, lines[3], b_reason),
        ]
    )
    assert_frame_equal(frames.rejected_lines, expected)
