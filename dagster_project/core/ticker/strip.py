"""Where a capture's strip is: its lines, the page-date header that ends it, the prose after it.

Only the strip region is judged: the lines before the page-date header (``Oct 18, 2024 ...``)
or, when a capture has no header, the lines before its first prose line after the strip (the
article: see :func:`prose_starts`). A date line after such prose is the article's, never the
page's.
"""

from __future__ import annotations

import polars as pl

from dagster_project.core.ticker.grammar import NUMERIC_NEXT, PHRASE, STARTS_LIKE_TICKER, WORDS
from dagster_project.core.ticker.layout import CARRIED, ordered

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_NUMBERS = {name[:3]: number for number, name in enumerate(_MONTHS, start=1)}
_MONTH_PATTERN = "|".join([*_MONTHS, "Sept", *_MONTH_NUMBERS])
PAGE_DATE = rf"^(?P<month>{_MONTH_PATTERN}) (?P<day>\d{{1,2}}), (?P<year>\d{{4}})(?: |$)"
# Whitespace inside a line, as Python's str.split() sees it (Unicode White_Space and \x1c-\x1f).
_WS = r"[\s\x1c-\x1f&&[^\n]]"
# A raw text line that PAGE_DATE matches once its whitespace is collapsed.
HEADER_IN_TEXT = rf"(?m)^{_WS}*(?:{_MONTH_PATTERN}){_WS}+\d{{1,2}},{_WS}+\d{{4}}(?:{_WS}|$)"
PROSE_CHARS = 100  # no ticker line comes near this; an article paragraph is longer
PROSE_SPACES = 12


def starts_like_ticker() -> pl.Expr:
    """A candidate ticker line: a symbol, then a ticker phrase or a number not followed by
    words."""
    line = pl.col("line")
    return line.str.contains(STARTS_LIKE_TICKER) & (
        line.str.contains(PHRASE) | (line.str.contains(NUMERIC_NEXT) & ~line.str.contains(WORDS))
    )


def page_dates(lines: pl.LazyFrame) -> pl.DataFrame:
    """sha256, page_date, header_line_no of the first line with a real date in each capture.

    The few header-like lines are collected into one chunk before the date is formatted:
    polars 2.1 panics (``i < self.len()``) formatting struct fields of a many-chunk frame.
    """
    headers = lines.filter(pl.col("line").str.contains(PAGE_DATE)).collect().rechunk()
    parts = pl.col("line").str.extract_groups(PAGE_DATE)
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
        headers.with_columns(page_date=iso.str.to_date("%Y-%m-%d", strict=False))
        .filter(pl.col("page_date").is_not_null())
        .group_by("sha256")
        .agg(
            pl.col("page_date").sort_by("line_no").first(),
            header_line_no=pl.col("line_no").min(),
        )
    )


def prose_starts(lines: pl.LazyFrame) -> pl.DataFrame:
    """sha256, prose_line_no: where the article begins, the first line of prose after a
    capture's first ticker-like line (captures without one are absent).

    A line of prose is over ``PROSE_CHARS`` characters, has ``PROSE_SPACES`` spaces or more (words,
    not a run of junk) and is not a garbled ticker line (a symbol, then a ticker phrase: that one
    is judged, not skipped). The few long lines are found first (a line of over ``PROSE_CHARS``
    characters has over as many bytes), and only their captures are searched for ticker lines.
    """
    line = pl.col("line")
    long = (
        lines.filter(line.str.len_bytes() > PROSE_CHARS)
        .collect()  # on its own: polars would merge the two filters into one
        .lazy()
        .filter(
            (line.str.len_chars() > PROSE_CHARS)
            & (line.str.count_matches(" ", literal=True) >= PROSE_SPACES)
            & ~(line.str.contains(STARTS_LIKE_TICKER) & line.str.contains(PHRASE))
        )
        .select("sha256", "line_no")
        .collect()
    )
    first = (
        lines.join(long.lazy().select("sha256").unique(), on="sha256", how="semi")
        .collect()  # before the filter, which polars would otherwise push below the join
        .lazy()
        .filter(starts_like_ticker())
        .group_by("sha256")
        .agg(first_ticker_line_no=pl.col("line_no").min())
    )
    return (
        long.lazy()
        .join(first, on="sha256")
        .filter(pl.col("line_no") > pl.col("first_ticker_line_no"))
        .group_by("sha256")
        .agg(prose_line_no=pl.col("line_no").min())
        .collect()
    )


def before_prose(lines: pl.LazyFrame, prose: pl.DataFrame) -> pl.LazyFrame:
    """The lines before each capture's prose (all of them when it has none)."""
    return lines.join(prose.lazy(), on="sha256", how="left").filter(
        pl.col("prose_line_no").is_null() | (pl.col("line_no") < pl.col("prose_line_no"))
    )


def strip_region(lines: pl.LazyFrame, dates: pl.LazyFrame) -> tuple[pl.LazyFrame, pl.DataFrame]:
    """The lines before the page-date header and before any prose, and the headers kept.

    Args:
        lines: :data:`.layout.CARRIED` columns of any number of captures.
        dates: Their :func:`page_dates`.

    Returns:
        The strip region's lines, and the page dates whose header comes before any prose.
    """
    prose = prose_starts(lines)
    kept = dates.join(prose.lazy(), on="sha256", how="left").filter(
        pl.col("prose_line_no").is_null() | (pl.col("header_line_no") < pl.col("prose_line_no"))
    )
    strip = (
        before_prose(lines, prose)
        .join(kept.select("sha256", "header_line_no"), on="sha256", how="left")
        .filter(pl.col("header_line_no").is_null() | (pl.col("line_no") < pl.col("header_line_no")))
    )
    return strip.select(*CARRIED), kept.drop("prose_line_no").collect()


def collapsed(line: pl.Expr) -> pl.Expr:
    """``" ".join(line.split())``: only lines with odd whitespace are rewritten."""
    odd = line.str.contains(rf"{_WS}{{2}}|^{_WS}|{_WS}$|[\s\x1c-\x1f&&[^ ]]")
    return (
        pl.when(odd)
        .then(line.str.replace_all(rf"{_WS}+", " ").str.strip_chars(" "))
        .otherwise(line)
    )


def exploded(frame: pl.LazyFrame, text: pl.Expr) -> pl.LazyFrame:
    """One row per non-empty, whitespace-collapsed line of ``text``, numbered from 1, with
    ``order``; ``frame`` has ``sha256`` and ``capture_no``."""
    lines = [
        pl.col("sha256"),
        pl.col("capture_no"),
        text.str.split("\n").alias("line"),
        pl.int_ranges(1, text.str.count_matches("\n", literal=True) + 2, dtype=pl.Int32).alias(
            "line_no"
        ),
    ]
    return (
        frame.select(lines)
        .explode("line", "line_no")
        .with_columns(collapsed(pl.col("line")))
        .filter(pl.col("line") != "")
        .pipe(ordered, pl.col("capture_no"))
        .select(*CARRIED)
    )
