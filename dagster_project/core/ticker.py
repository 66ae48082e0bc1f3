"""The Business Recorder ticker-strip grammar, applied to many captures at once with polars.

A stock line reads ``SYMBOL PRICE Increased By|Decreased By|No Change ▲|▼ CHANGE (PCT%)``; an
index line is the same without the arrow. Only the strip region is scanned: the lines before the
page-date header (``Oct 18, 2024 ...``), or every line when a capture has no header.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

_SYMBOL = r"[A-Z][A-Z0-9]{0,11}"
_PHRASE = r"Increased By|Decreased By|No Change"
_STARTS_LIKE_TICKER = rf"^{_SYMBOL} "
_NUMERIC_NEXT = rf"^{_SYMBOL} [-+]?[\d,]*\.?\d"
_TOKENS = (
    rf"^(?P<symbol>{_SYMBOL}) (?P<price>\S+)(?: (?P<direction>{_PHRASE}))?(?: (?P<arrow>[▲▼]))?"
    r"(?: (?P<change>[^\s(]+))?(?: \((?P<pct>[^)]*)%\))?(?P<rest>.*)$"
)
_INTEGER_PART = r"(?:\d{1,3}(?:,\d{3}){1,4}|\d{1,15})"
_UNSIGNED = rf"^{_INTEGER_PART}(?:\.\d+)?$"
_SIGNED = rf"^-?{_INTEGER_PART}(?:\.\d+)?$"
_PERCENT = r"^-?\d{1,6}(?:\.\d+)?$"
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_NUMBERS = {name[:3]: number for number, name in enumerate(_MONTHS, start=1)}
_MONTH_PATTERN = "|".join([*_MONTHS, "Sept", *_MONTH_NUMBERS])
_PAGE_DATE = rf"^(?P<month>{_MONTH_PATTERN}) (?P<day>\d{{1,2}}), (?P<year>\d{{4}})(?: |$)"

GENERIC_REASON = (
    "not a ticker line: expected SYMBOL PRICE Increased By|Decreased By|No Change ▲|▼ CHANGE (PCT%)"
)
_PCT_TOLERANCE = 0.005 + 1e-9
_DECIMAL = pl.Decimal(18, 2)
_KEY = ["sha256", "line_no"]

LINES_SCHEMA = pl.Schema({"sha256": pl.String, "line_no": pl.Int32, "line": pl.String})


@dataclass(frozen=True)
class TickerFrames:
    """Everything parsed from the ticker strips of a batch of captures.

    Attributes:
        quotes: sha256, line_no (i32), symbol, close_price, change, change_pct (Decimal(18, 2)).
        index_levels: sha256, line_no (i32), index_code, level, change, change_pct (Decimal).
        rejected_lines: sha256, line_no (i32), line, reason.
        page_dates: sha256, page_date (Date), header_line_no (i32); one row per capture that
            has a page-date header line.
    """

    quotes: pl.DataFrame
    index_levels: pl.DataFrame
    rejected_lines: pl.DataFrame
    page_dates: pl.DataFrame


def lines_frame(sha256: str, lines: list[str]) -> pl.DataFrame:
    """Build the :func:`parse_lines` input for one capture; ``line_no`` is index + 1.

    Empty lines are dropped (they can never be ticker or header lines).
    """
    rows = [(sha256, number, line) for number, line in enumerate(lines, start=1) if line]
    return pl.DataFrame(rows, schema=LINES_SCHEMA, orient="row")


def _page_dates(lines: pl.LazyFrame) -> pl.LazyFrame:
    parts = pl.col("line").str.extract_groups(_PAGE_DATE)
    iso = pl.format(
        "{}-{}-{}",
        parts.struct.field("year"),
        parts.struct.field("month")
        .str.slice(0, 3)
        .replace_strict(_MONTH_NUMBERS, default=None, return_dtype=pl.Int8)
        .cast(pl.String)
        .str.zfill(2),
        parts.struct.field("day").str.zfill(2),
    )
    return (
        lines.filter(pl.col("line").str.contains(_PAGE_DATE))
        .with_columns(page_date=iso.str.to_date("%Y-%m-%d", strict=False))
        .filter(pl.col("page_date").is_not_null())
        .group_by("sha256")
        .agg(
            pl.col("page_date").sort_by("line_no").first(),
            header_line_no=pl.col("line_no").min(),
        )
    )


def _decimal(column: str) -> pl.Expr:
    return pl.col(column).str.replace_all(",", "").cast(_DECIMAL, strict=False)


def _numbers() -> list[pl.Expr]:
    """Float values (for checks only) and shown decimal counts of the price, change and pct."""
    return [
        expr
        for name in ("price", "change", "pct")
        for expr in (
            pl.col(name).str.replace_all(",", "").cast(pl.Float64, strict=False).alias(f"{name}_f"),
            pl.col(name).str.extract(r"\.(\d+)$").str.len_chars().fill_null(0).alias(f"{name}_d"),
        )
    ]


def _consistency() -> tuple[pl.Expr, pl.Expr]:
    """Whether PCT fits CHANGE / (PRICE - CHANGE) over the rounding box, and the point value."""
    price, change, pct = pl.col("price_f"), pl.col("change_f"), pl.col("pct_f")
    half_price = 0.5 / pl.lit(10.0).pow(pl.col("price_d"))
    half_change = 0.5 / pl.lit(10.0).pow(pl.col("change_d"))
    corners = [
        (change + dc * half_change) / (price + dp * half_price - change - dc * half_change) * 100
        for dp in (-1, 1)
        for dc in (-1, 1)
    ]
    fits = (pct >= pl.min_horizontal(corners) - _PCT_TOLERANCE) & (
        pct <= pl.max_horizontal(corners) + _PCT_TOLERANCE
    )
    # A rounding box reaching a previous close of 0 makes the ratio unbounded: nothing to check.
    unbounded = price - half_price - change - half_change <= 0
    return unbounded | fits, (change / (price - change) * 100).round(3)


def _malformed(column: str, pattern: str) -> pl.Expr:
    return ~pl.col(column).str.contains(pattern)


def _reason() -> pl.Expr:
    """The first rule a tokenised candidate line breaks, or null when it is a valid ticker line."""
    is_index, has_rest = pl.col("arrow").is_null(), pl.col("rest") != ""
    consistent, computed = _consistency()
    previous = (_decimal("price") - _decimal("change")).cast(pl.String)
    rest, generic = pl.col("rest").str.strip_chars(), pl.lit(GENERIC_REASON)
    rules: list[tuple[pl.Expr, pl.Expr]] = [
        (pl.col("symbol").is_null(), generic),
        (
            has_rest & pl.col("pct").is_not_null(),
            pl.format("unexpected text after the change percentage: '{}'", rest),
        ),
        (has_rest | pl.col("direction").is_null(), generic),
        (_malformed("price", _UNSIGNED), pl.format("price is not a valid number: '{}'", "price")),
        (pl.col("change").is_null(), pl.lit("missing change")),
        (_malformed("change", _SIGNED), pl.format("change is not a valid number: '{}'", "change")),
        (pl.col("pct").is_null(), pl.lit("missing change percentage")),
        (_malformed("pct", _PERCENT), pl.format("percentage is not a valid number: '{}%'", "pct")),
        (
            ~is_index & (pl.col("price_d") != 2),
            pl.format("price must have exactly 2 decimals: '{}'", "price"),
        ),
        (
            is_index & (pl.col("price_d") > 2),
            pl.format("index level must have at most 2 decimals: '{}'", "price"),
        ),
        (
            pl.col("change_d") > 2,
            pl.format("change must have at most 2 decimals: '{}'", "change"),
        ),
        (pl.col("pct_d") > 2, pl.format("percentage must have at most 2 decimals: '{}%'", "pct")),
        (
            pl.col("price_f") - pl.col("change_f") <= 0,
            pl.format("previous close must be > 0: {} - ({}) = {}", "price", "change", previous),
        ),
        (
            ~consistent,
            pl.format(
                "percentage inconsistent: {} / ({}) = {}% but page shows {}%",
                "change",
                previous,
                computed.cast(pl.String),
                "pct",
            ),
        ),
    ]
    # Each rule yields its reason or null; the first non-null one wins.
    return pl.coalesce([pl.when(condition).then(reason) for condition, reason in rules])


def _evaluate(lines: pl.LazyFrame, page_dates: pl.LazyFrame) -> pl.LazyFrame:
    """Keep the strip region's candidate lines, tokenised and judged by :func:`_reason`."""
    starts_like = pl.col("line").str.contains(_STARTS_LIKE_TICKER) & (
        pl.col("line").str.contains(_PHRASE) | pl.col("line").str.contains(_NUMERIC_NEXT)
    )
    return (
        lines.join(page_dates.select("sha256", "header_line_no"), on="sha256", how="left")
        .filter(
            (pl.col("header_line_no").is_null() | (pl.col("line_no") < pl.col("header_line_no")))
            & starts_like
        )
        .select(*_KEY, "line", pl.col("line").str.extract_groups(_TOKENS).alias("tokens"))
        .unnest("tokens")
        .with_columns(_numbers())
        .select(
            *_KEY,
            "line",
            "symbol",
            reason=_reason(),
            is_index=pl.col("arrow").is_null(),
            value=_decimal("price"),
            change=_decimal("change"),
            change_pct=_decimal("pct"),
        )
    )


def _split_duplicates(parsed: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Drop exact repeats of a symbol within a capture; reject conflicting ones."""
    group = ["sha256", "symbol"]
    values = ["is_index", "value", "change", "change_pct"]
    judged = parsed.sort(_KEY).with_columns(
        first_line_no=pl.col("line_no").first().over(group),
        is_same=pl.all_horizontal(
            [pl.col(name) == pl.col(name).first().over(group) for name in values]
        ),
    )
    is_first = pl.col("line_no") == pl.col("first_line_no")
    conflicts = judged.filter(~is_first & ~pl.col("is_same")).select(
        *_KEY,
        "line",
        reason=pl.format(
            "conflicting duplicate of {} (first seen on line {})", "symbol", "first_line_no"
        ),
    )
    return judged.filter(is_first), conflicts


def parse_lines(lines: pl.DataFrame | pl.LazyFrame) -> TickerFrames:
    """Parse the ticker strips of many captures at once.

    Args:
        lines: Columns ``sha256`` (str), ``line_no`` (int, 1-based) and ``line`` (str, already
            whitespace-normalised); any number of captures.

    Returns:
        The quotes, index levels, rejected lines and page dates, each sorted by sha256, line_no.
    """
    typed = lines.lazy().select(
        pl.col("sha256").cast(pl.String),
        pl.col("line_no").cast(pl.Int32),
        pl.col("line").cast(pl.String),
    )
    page_dates_lazy = _page_dates(typed)
    evaluated, page_dates = pl.collect_all([_evaluate(typed, page_dates_lazy), page_dates_lazy])
    parsed, conflicts = _split_duplicates(evaluated.filter(pl.col("reason").is_null()))
    invalid = evaluated.filter(pl.col("reason").is_not_null()).select(*_KEY, "line", "reason")
    rejected = pl.concat([invalid, conflicts])
    measures = ["change", "change_pct"]
    stocks = parsed.filter(~pl.col("is_index"))
    indices = parsed.filter(pl.col("is_index"))
    return TickerFrames(
        quotes=stocks.select(*_KEY, "symbol", pl.col("value").alias("close_price"), *measures),
        index_levels=indices.select(
            *_KEY, pl.col("symbol").alias("index_code"), pl.col("value").alias("level"), *measures
        ),
        rejected_lines=rejected.sort(_KEY),
        page_dates=page_dates.select(
            "sha256", pl.col("page_date").cast(pl.Date), pl.col("header_line_no").cast(pl.Int32)
        ).sort("sha256"),
    )
