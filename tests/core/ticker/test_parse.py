"""The ticker grammar through its entry point: lines in, quotes, index levels and reasons out."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from dagster_project.core.capture.decode import capture_lines, decode_capture
from dagster_project.core.ticker import GENERIC_REASON, lines_frame, parse_lines
from tests.core.ticker.frames import REJECTED_SCHEMA, rejected
from tests.strategies import examples

SAMPLE = Path(__file__).parents[2] / "fixtures" / "captures" / "brecorder_2024-10-18.txt"
DEC = pl.Decimal(18, 2)
QUOTES_SCHEMA = pl.Schema(
    {"sha256": pl.String, "line_no": pl.Int32, "symbol": pl.String}
    | {"close_price": DEC, "change": DEC, "change_pct": DEC}
)
INDEX_SCHEMA = pl.Schema(
    {"sha256": pl.String, "line_no": pl.Int32, "index_code": pl.String}
    | {"level": DEC, "change": DEC, "change_pct": DEC}
)
PAGE_DATES_SCHEMA = pl.Schema(
    {"sha256": pl.String, "page_date": pl.Date, "header_line_no": pl.Int32}
)


def reasons(lines: list[str]) -> list[str]:
    return parse_lines(lines_frame({"c": lines})).rejected_lines["reason"].to_list()


def test_whole_sample() -> None:
    lines = capture_lines(decode_capture(SAMPLE.read_bytes(), name=SAMPLE.name))
    frames = parse_lines(lines_frame({"s": lines}))
    assert frames.quotes.height == 30
    assert frames.index_levels.height == 4
    assert_frame_equal(frames.rejected_lines, rejected([]))
    assert_frame_equal(
        frames.page_dates,
        pl.DataFrame(
            {"sha256": ["s"], "page_date": [dt.date(2024, 10, 18)], "header_line_no": [35]},
            schema=PAGE_DATES_SCHEMA,
        ),
    )
    assert frames.quotes.schema == QUOTES_SCHEMA
    assert frames.index_levels["index_code"].to_list() == ["BR100", "BR30", "KSE100", "KSE30"]
    spot = frames.quotes.filter(pl.col("symbol").is_in(["AGL", "HUBC", "WTL"]))
    expected = pl.DataFrame(
        [
            ("s", 1, "AGL", Decimal("38.00"), Decimal("0.00"), Decimal("0.00")),
            ("s", 11, "HUBC", Decimal("101.70"), Decimal("4.90"), Decimal("5.06")),
            ("s", 30, "WTL", Decimal("1.20"), Decimal("-0.02"), Decimal("-1.64")),
        ],
        schema=QUOTES_SCHEMA,
        orient="row",
    )
    assert_frame_equal(spot, expected)
    kse100 = frames.index_levels.filter(pl.col("index_code") == "KSE100")
    expected_kse = pl.DataFrame(
        [("s", 33, "KSE100", Decimal("85250.00"), Decimal("-335.30"), Decimal("-0.39"))],
        schema=INDEX_SCHEMA,
        orient="row",
    )
    assert_frame_equal(kse100, expected_kse)


def test_empty_input_gives_typed_empty_frames() -> None:
    frames = parse_lines(lines_frame({"e": []}).lazy())
    assert frames.quotes.schema == QUOTES_SCHEMA
    assert frames.index_levels.schema == INDEX_SCHEMA
    assert frames.rejected_lines.schema == REJECTED_SCHEMA
    assert frames.page_dates.schema == PAGE_DATES_SCHEMA
    assert all(frame.is_empty() for frame in vars(frames).values())


def test_lines_frame_numbers_from_one_and_drops_empty_lines() -> None:
    expected = pl.DataFrame(
        {"sha256": ["h", "h"], "line_no": [1, 3], "line": ["a", "c"]},
        schema={"sha256": pl.String, "line_no": pl.Int32, "line": pl.String},
    )
    assert_frame_equal(lines_frame({"h": ["a", "", "c"]}), expected)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("TRG 44.5", GENERIC_REASON),
        ("TRG 44.59", GENERIC_REASON),
        ("XYZ abc Increased By ▲ (%)", "price is not a valid number: 'abc'"),
        ("TRG 44.59 Increased By ▲ 0.04", "missing change percentage"),
        ("TRG 44.59 Increased By ▲", "missing change"),
        (
            "TRG 44.59 Increased By ▲ 0.04 (0.09%) extra",
            "unexpected text after the change percentage: 'extra'",
        ),
        ("TRG 44.5 Increased By ▲ 0.04 (0.09%)", "price must have exactly 2 decimals: '44.5'"),
        ("TRG 1,01.50 No Change ▼ 0.00 (0%)", "price is not a valid number: '1,01.50'"),
        ("TRG 44.59 Increased By ▲ +0.04 (0.09%)", "change is not a valid number: '+0.04'"),
        ("TRG 44.59 Increased By ▲ 0.040 (0.09%)", "change must have at most 2 decimals: '0.040'"),
        (
            "TRG 44.59 Increased By ▲ 0.04 (0.090%)",
            "percentage must have at most 2 decimals: '0.090%'",
        ),
        ("TRG 44.59 Increased By ▲ 0.04 (x%)", "percentage is not a valid number: 'x%'"),
        (
            "KSE100 85,250.125 Decreased By -335.3 (-0.39%)",
            "index level must have at most 2 decimals: '85,250.125'",
        ),
        (
            "AIRLINK 136.21 Decreased By ▼ -0.24 (-5.00%)",
            "percentage inconsistent: -0.24 / (136.45) = -0.176% but page shows -5.00%",
        ),
        (
            "KSE100 85,250 Decreased By -335.3 (-0.40%)",
            "percentage inconsistent: -335.3 / (85585.30) = -0.392% but page shows -0.40%",
        ),
        ("ODD 1.00 Increased By ▲ 1.00 (100%)", "previous close must be > 0: 1.00 - (1.00) = 0.00"),
        (
            "ODD 1.00 Increased By ▲ 2.00 (100%)",
            "previous close must be > 0: 1.00 - (2.00) = -1.00",
        ),
        ("XYZ Increased By ▲ 1.00 (1%)", GENERIC_REASON),
    ],
)
def test_rejected_lines(line: str, reason: str) -> None:
    frames = parse_lines(lines_frame({"c": ["HUBC 101.70 Increased By ▲ 4.90 (5.06%)", line]}))
    assert_frame_equal(frames.rejected_lines, rejected([("c", 2, line, reason)]))
    assert frames.quotes["symbol"].to_list() == ["HUBC"]
    assert frames.index_levels.is_empty()


def test_sign_of_change_is_the_truth() -> None:
    frames = parse_lines(lines_frame({"c": ["ABC 10.00 Increased By ▼ -1.00 (-9.09%)"]}))
    assert frames.quotes["change"].to_list() == [Decimal("-1.00")]
    assert frames.rejected_lines.is_empty()


def test_article_prose_is_neither_parsed_nor_rejected() -> None:
    prose = [
        "PARIS: France expressed concern Friday about growing military cooperation",
        "NATO chief Mark Rutte said the alliance could not as yet confirm",
        "KSE-100 closes 335 points lower as profit-taking persists",
        "US charges ex-Indian intelligence official in foiled Sikh separatist murder plot",
        "Reuters Published 18 Oct, 2024 08:37pm",
        "World",
    ]
    frames = parse_lines(lines_frame({"c": prose}))
    assert all(frame.is_empty() for frame in vars(frames).values())


def test_only_the_strip_region_is_scanned() -> None:
    lines = [
        "HUBC 101.70 Increased By ▲ 4.90 (5.06%)",
        "Oct 18, 2024 اردو PRINT EDITION ► BR MARKETS ►",
        "KSE100 85,000 Increased By 1,000 (1.19%)",
        "TRG 44.5",
        "Oct 19, 2024 later date line",
    ]
    frames = parse_lines(lines_frame({"c": lines}))
    assert frames.quotes["symbol"].to_list() == ["HUBC"]
    assert frames.index_levels.is_empty()
    assert frames.rejected_lines.is_empty()
    assert frames.page_dates.row(0) == ("c", dt.date(2024, 10, 18), 2)


def test_without_header_every_line_is_scanned() -> None:
    lines = [
        "Intro",
        "Reuters Published 18 Oct, 2024 08:37pm",
        "KSE30 26,803 Decreased By -181 (-0.67%)",
    ]
    frames = parse_lines(lines_frame({"c": lines}))
    assert frames.index_levels["index_code"].to_list() == ["KSE30"]
    assert frames.page_dates.is_empty()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Oct 18, 2024", dt.date(2024, 10, 18)),
        ("September 5, 2025 PRINT EDITION", dt.date(2025, 9, 5)),
        ("Sept 5, 2025 x", dt.date(2025, 9, 5)),
        ("Feb 29, 2024 leap", dt.date(2024, 2, 29)),
        ("Feb 30, 2024 impossible", None),
        ("Feb 29, 2023 not a leap year", None),
        ("Oct 18, 20245", None),
        ("oct 18, 2024", None),
        ("Octo 18, 2024", None),
    ],
)
def test_page_date_header(header: str, expected: dt.date | None) -> None:
    frames = parse_lines(lines_frame({"c": ["x", header]}))
    assert frames.page_dates["page_date"].to_list() == ([expected] if expected else [])


def test_impossible_date_is_skipped_for_the_next_valid_header() -> None:
    frames = parse_lines(lines_frame({"c": ["Feb 30, 2024", "x", "Mar 1, 2024 y"]}))
    assert frames.page_dates.row(0) == ("c", dt.date(2024, 3, 1), 3)


def test_many_captures_are_sorted() -> None:
    frame = pl.concat(
        [
            lines_frame({"b": ["WTL 1.20 Decreased By ▼ -0.02 (-1.64%)", "TRG 44.5"]}),
            lines_frame({"a": ["TRG 44.5", "AGL 38.00 No Change ▼ 0.00 (0%)"]}),
        ]
    ).with_columns(pl.col("line_no").cast(pl.Int64))
    frames = parse_lines(frame)
    assert frames.quotes.select("sha256", "line_no").rows() == [("a", 2), ("b", 1)]
    assert frames.rejected_lines.select("sha256", "line_no").rows() == [("a", 1), ("b", 2)]


def _shown_pct(change: Decimal, prev: Decimal) -> str:
    rounded = (change / prev * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}".rstrip("0").rstrip(".")
    return "0" if text in ("0", "-0") else text


def _shown(value: Decimal, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


@st.composite
def ticker_quotes(draw: st.DrawFn) -> tuple[str, Decimal, Decimal, Decimal, bool]:
    """A (line, value, change, pct, is_index) quote printed the way the site prints it."""
    is_index = draw(st.booleans())
    value_decimals = draw(st.integers(0, 2)) if is_index else 2
    change_decimals = draw(st.integers(0, 2)) if is_index else 2
    value = Decimal(draw(st.integers(1, 10**9))).scaleb(-value_decimals)
    # |change| <= value / 11 keeps |change| within 10% of the previous close (value - change).
    limit = int(value * 10**change_decimals / 11)
    change = Decimal(draw(st.integers(-limit, limit))).scaleb(-change_decimals)
    shown_pct = _shown_pct(change, value - change)
    phrase = "Increased By ▲" if change > 0 else "Decreased By ▼" if change < 0 else "No Change ▼"
    if is_index:
        phrase = phrase[:-2]
    symbol = draw(st.from_regex(r"\A[A-Z][A-Z0-9]{0,11}\Z"))
    shown_value, shown_change = _shown(value, value_decimals), _shown(change, change_decimals)
    line = f"{symbol} {shown_value} {phrase} {shown_change} ({shown_pct}%)"
    return line, value, change, Decimal(shown_pct), is_index


@examples(200)
@given(st.lists(ticker_quotes(), min_size=1, max_size=15, unique_by=lambda q: q[0].split()[0]))
def test_generated_quotes_parse_back_exactly(
    quotes: list[tuple[str, Decimal, Decimal, Decimal, bool]],
) -> None:
    frames = parse_lines(lines_frame({"h": [line for line, *_ in quotes]}))
    assert_frame_equal(frames.rejected_lines, rejected([]))
    stock_rows = [(q[0].split()[0], *q[1:4]) for q in quotes if not q[4]]
    index_rows = [(q[0].split()[0], *q[1:4]) for q in quotes if q[4]]
    assert frames.quotes.drop("sha256", "line_no").rows() == stock_rows
    assert frames.index_levels.drop("sha256", "line_no").rows() == index_rows


TICKERISH = st.text(alphabet="AKSE0129 .,-+()%▲▼IncreasdByDNoChg\u00a0x", max_size=60)


@examples(200)
@given(st.lists(st.one_of(st.text(max_size=80), TICKERISH), max_size=20))
def test_arbitrary_lines_never_raise(lines: list[str]) -> None:
    frames = parse_lines(lines_frame({"f": lines}))
    assert frames.rejected_lines.schema == REJECTED_SCHEMA
    seen = [*frames.quotes["line_no"], *frames.index_levels["line_no"]]
    seen += frames.rejected_lines["line_no"].to_list()
    assert len(seen) == len(set(seen))
    assert frames.quotes.null_count().sum_horizontal().item() == 0
    assert frames.index_levels.null_count().sum_horizontal().item() == 0
