"""Captures in, ticker frames out: the one entry point the normaliser calls.

:func:`parse_texts` takes whole texts (only their strips are split into lines) and captures
already split into lines; :func:`parse_lines` is the second half alone. For each line of a
strip: :func:`.judge.judge` gives its values or the first rule it breaks, and
:func:`_frames` turns the judged lines into quotes, index levels and rejected lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dagster_project.core import schemas
from dagster_project.core.ticker.judge import judge
from dagster_project.core.ticker.layout import CARRIED, KEY, ORDER, ordered
from dagster_project.core.ticker.repeats import split_repeats
from dagster_project.core.ticker.strip import (
    HEADER_IN_TEXT,
    before_prose,
    collapsed,
    exploded,
    page_dates,
    prose_starts,
    strip_region,
)


@dataclass(frozen=True)
class TickerFrames:
    """Everything parsed from the ticker strips of a batch of captures; each frame has its
    schema of ``core/schemas.py`` (``QUOTES``, ``INDEX_LEVELS``, ``REJECTED_LINES``,
    ``PAGE_DATES``: one row per capture that has a page-date header line)."""

    quotes: pl.DataFrame
    index_levels: pl.DataFrame
    rejected_lines: pl.DataFrame
    page_dates: pl.DataFrame


def lines_frame(split: dict[str, list[str]]) -> pl.DataFrame:
    """Captures split into lines as :func:`parse_lines` input: ``sha256``, ``line_no``
    (index + 1), ``line``; empty lines are dropped (they are never ticker or header lines)."""
    rows = [
        (sha256, number, line)
        for sha256, lines in split.items()
        for number, line in enumerate(lines, start=1)
        if line
    ]
    return pl.DataFrame(rows, schema=schemas.LINES, orient="row")


def parse_texts(
    texts: pl.DataFrame,
    lines: pl.DataFrame | None = None,
    *,
    index_codes: frozenset[str] = frozenset(),
) -> tuple[TickerFrames, pl.DataFrame]:
    """Parse whole capture texts (and optionally captures already split into lines) at once.

    The same result as splitting every text into ``" ".join(line.split())`` lines and passing
    them as ``lines``, but cheaper: the page-date header is found in the raw text, and only the
    lines before it (the strip) are split and parsed; the article is never split.

    Args:
        texts: ``sha256`` and ``text`` (normalised: LF line ends, no Unicode spaces).
        lines: More captures, already split (:func:`lines_frame`).
        index_codes: The codes that are indices whatever their line's shape.

    Returns:
        The ticker frames of all captures, and ``sha256``, ``line_count`` (i32) for the texts.
    """
    lines = lines_frame({}) if lines is None else lines
    shas = pl.concat([texts["sha256"], lines["sha256"]]).unique().sort()
    ranks = pl.DataFrame({"sha256": shas, "capture_no": pl.int_range(len(shas), eager=True)})
    found = (
        texts.lazy()
        .join(ranks.lazy(), on="sha256")
        .with_columns(
            header_at=pl.col("text").str.find(HEADER_IN_TEXT),
            line_count=(pl.col("text").str.count_matches("\n", literal=True) + 1).cast(pl.Int32),
        )
        .with_columns(
            strip=pl.col("text").cast(pl.Binary).bin.slice(0, pl.col("header_at")).cast(pl.String)
        )
        .collect()
        .lazy()
    )
    # The header line starts where the strip ends; 400 characters hold any date it may show.
    header_line = pl.col("text").str.slice(pl.col("strip").str.len_chars(), 400)
    headers = found.filter(pl.col("header_at").is_not_null()).select(
        "sha256",
        line_no=pl.col("strip").str.count_matches("\n", literal=True).cast(pl.Int32) + 1,
        line=collapsed(header_line.str.extract(r"^([^\n]*)")),
    )
    text_dates = page_dates(headers)
    # A first header with an impossible date (Feb 30): parse every line, like the split ones.
    undated = (
        found.filter(pl.col("header_at").is_not_null())
        .join(text_dates.lazy(), on="sha256", how="anti")
        .select("sha256")
        .collect()
    )
    line_frames = pl.concat(
        [
            found.join(undated.lazy(), on="sha256", how="semi").pipe(exploded, pl.col("text")),
            lines.lazy()
            .pipe(_typed)
            .join(ranks.lazy(), on="sha256")
            .pipe(ordered, pl.col("capture_no"))
            .select(*CARRIED),
        ]
    ).collect()
    rest, rest_dates = strip_region(line_frames.lazy(), page_dates(line_frames.lazy()).lazy())
    strips = (
        found.join(undated.lazy(), on="sha256", how="anti")
        .pipe(exploded, pl.col("strip"))
        .collect()  # once: both the prose search and the judging read it
        .lazy()
    )
    # Prose before the header: the header is the article's date, and the strip ends at it.
    prose = prose_starts(strips)
    strip_dates = text_dates.join(prose, on="sha256", how="anti")
    evaluated = pl.concat(
        [
            judge(before_prose(strips, prose).select(CARRIED), index_codes),
            judge(rest, index_codes),
        ]
    )
    counts = found.select("sha256", "line_count").collect()
    return _frames(evaluated, pl.concat([strip_dates, rest_dates])), counts


def parse_lines(
    lines: pl.DataFrame | pl.LazyFrame, *, index_codes: frozenset[str] = frozenset()
) -> TickerFrames:
    """Parse captures already split into lines: :func:`parse_texts` with no texts.

    Args:
        lines: Columns ``sha256`` (str), ``line_no`` (int, 1-based) and ``line`` (str, already
            whitespace-normalised); any number of captures.
        index_codes: The codes that are indices whatever their line's shape.

    Returns:
        The quotes, index levels, rejected lines and page dates, each sorted by sha256, line_no.
    """
    texts = pl.DataFrame(schema={"sha256": pl.String, "text": pl.String})
    frames, _ = parse_texts(texts, lines.lazy().pipe(_typed).collect(), index_codes=index_codes)
    return frames


def _typed(lines: pl.LazyFrame) -> pl.LazyFrame:
    return lines.select(
        pl.col("sha256").cast(pl.String),
        pl.col("line_no").cast(pl.Int32),
        pl.col("line").cast(pl.String),
    )


def _frames(evaluated: pl.DataFrame, dates: pl.DataFrame) -> TickerFrames:
    parsed, conflicts = split_repeats(evaluated.filter(pl.col("reason").is_null()))
    invalid = evaluated.filter(pl.col("reason").is_not_null()).select(*CARRIED, "reason")
    rejected = pl.concat([invalid, conflicts]).sort(ORDER)
    measures = [pl.col("change_value").alias("change"), pl.col("change_pct")]
    stocks = parsed.filter(~pl.col("is_index"))
    indices = parsed.filter(pl.col("is_index"))
    return TickerFrames(
        quotes=stocks.select(
            *KEY, "symbol", pl.col("value").alias("close_price"), *measures
        ).match_to_schema(schemas.QUOTES),
        index_levels=indices.select(
            *KEY, pl.col("symbol").alias("index_code"), pl.col("value").alias("level"), *measures
        ).match_to_schema(schemas.INDEX_LEVELS),
        rejected_lines=rejected.select(*KEY, "line", "reason").match_to_schema(
            schemas.REJECTED_LINES
        ),
        page_dates=dates.select("sha256", "page_date", "header_line_no")
        .cast(schemas.PAGE_DATES)
        .sort("sha256"),
    )
