"""The headlines a page shows: its article's own title and its list of other stories.

After the strip and the date bar a Business Recorder page prints a section (``World``), the
article's title, a byline (``Reuters Published 18 Oct, 2024 08:37pm``), the body, then the
comment form (``Comments`` / ``200 characters``) and a list of other stories that ends ``Read
more stories``. Only titles are kept: the body is never stored, and a headline is never parsed
for prices (the ticker grammar reads the strip alone). A page without a byline has no article
row; a page without both the comment form and ``Read more stories`` has no story rows. Pure
polars over many captures at once, like :mod:`ticker`.
"""

from __future__ import annotations

import polars as pl

from dagster_project.core import schemas
from dagster_project.core.dating.market_time import PSX_TIME_ZONE

MAX_HEADLINE_CHARS = 200  # a title is one line; prose (a summary, a comment) is longer
STORIES_END = "Read more stories"
PAGE_TIME_ZONE = PSX_TIME_ZONE  # bylines print Pakistan time
_HEAD_CHARS = 600  # how far above the byline the title and section are looked for
_LIST_CHARS = 8_000  # how far above "Read more stories" the comment form is looked for
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_BYLINE = (
    rf"^(?:(?P<source>.{{1,60}}?) )?Published (?P<day>\d{{1,2}}) (?P<month>{_MONTH}), "
    r"(?P<year>\d{4})(?: (?P<time>\d{1,2}:\d{2}[ap]m))?$"
)
# What a title or a story never is: a ticker line, the date bar, the logo, a marker line.
_NOT_A_HEADLINE = (
    r"^[A-Z][A-Z0-9]{0,11} [-+]?[\d,]*\.?\d+ (?:Increased By|Decreased By|No Change)"
    rf"|^{_MONTH}[a-z]* \d{{1,2}}, \d{{4}}| Logo$|^(?:Comments|200 characters|{STORIES_END})$"
)
_SECTION = r"^[A-Z][A-Za-z&' -]{1,39}$"
_PRINT_LINE = r"^([A-Z][A-Za-z&' -]{1,39}?) Print \d{4}-\d{2}-\d{2}$"
_FORM_LINES = ["Comments", "200 characters"]  # the comment form, just above the list
_FORM = r"(?m)^[ \t]*Comments[ \t]*$"


def _collapsed(line: pl.Expr) -> pl.Expr:
    """``" ".join(line.split())``; only lines with odd whitespace are rewritten."""
    odd = line.str.contains(r"\s\s|^\s|\s$|[^\S ]")
    return pl.when(odd).then(line.str.replace_all(r"\s+", " ").str.strip_chars(" ")).otherwise(line)


def _is_headline(line: pl.Expr) -> pl.Expr:
    return (
        line.is_not_null()
        & (line.str.len_chars() <= MAX_HEADLINE_CHARS)
        & line.str.contains(" ", literal=True)
        & ~line.str.contains(_NOT_A_HEADLINE)
    )


def _before(text: pl.Expr, at: str, chars: int) -> pl.Expr:
    """The last ``chars`` characters of ``text`` before byte offset ``at`` (a char boundary)."""
    return text.cast(pl.Binary).bin.slice(0, pl.col(at)).cast(pl.String).str.tail(chars)


def _after(text: pl.Expr, at: str) -> pl.Expr:
    """``text`` from byte offset ``at`` (a char boundary) on."""
    return text.cast(pl.Binary).bin.slice(pl.col(at)).cast(pl.String)


def _published(parts: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """The byline's date, and its time as a UTC instant (null when no time is printed)."""
    day = pl.concat_str(
        parts.struct.field("day"), parts.struct.field("month"), parts.struct.field("year"),
        separator=" ",
    )  # fmt: skip
    at = pl.concat_str(day, parts.struct.field("time"), separator=" ")
    return day.str.to_date("%d %b %Y", strict=False), (
        at.str.to_datetime("%d %b %Y %I:%M%p", strict=False)
        .dt.replace_time_zone(PAGE_TIME_ZONE)
        .dt.convert_time_zone("UTC")
    )


def _articles(texts: pl.LazyFrame) -> pl.LazyFrame:
    """The article row of every page with a byline and a title line above it."""
    text, before = pl.col("text"), pl.col("before")
    found = (
        texts.with_columns(at=text.str.find("Published ", literal=True))
        .filter(pl.col("at").is_not_null())
        .with_columns(before=_before(text, "at", _HEAD_CHARS))
        .select(
            "sha256",
            # The byline's line: the source before "Published" on it, then the rest.
            byline=_collapsed(
                pl.concat_str(
                    before.str.extract(r"([^\n]*)$"), text.str.extract(r"(Published [^\n]*)")
                )
            ),
            line=before.str.replace(r"[^\n]*$", "").str.split("\n"),
            # A head cut at _HEAD_CHARS may start mid-line: that line is not used.
            is_cut=before.str.len_chars() >= _HEAD_CHARS,
        )
        .filter(pl.col("byline").str.contains(_BYLINE))
    )
    line = pl.col("line")
    above = (
        found.with_columns(line=pl.when(pl.col("is_cut")).then(line.list.slice(1)).otherwise(line))
        .explode("line")
        .with_columns(line=_collapsed(line))
        .filter(line != "")
        .group_by("sha256")
        .agg(pl.col("byline").first(), title=line.last(), over=line.slice(-2, 1).first())
    )
    title, over = pl.col("title"), pl.col("over")
    parts = pl.col("byline").str.extract_groups(_BYLINE)
    published_date, published_at = _published(parts)
    section = (
        pl.when(over.str.contains(_PRINT_LINE))
        .then(over.str.extract(_PRINT_LINE))
        .when(over.str.contains(_SECTION) & ~over.str.contains(_NOT_A_HEADLINE))
        .then(over)
    )
    return above.filter(_is_headline(title)).select(
        "sha256",
        position=pl.lit(0, pl.Int32),
        headline_kind=pl.lit("article"),
        headline=title,
        section=section,
        news_source=parts.struct.field("source"),
        published_date=published_date,
        published_at=published_at,
    )


def _stories(texts: pl.LazyFrame) -> pl.LazyFrame:
    """One row per story of the list between the comment form and ``Read more stories``."""
    text, before = pl.col("text"), pl.col("before")
    lists = (
        texts.with_columns(at=text.str.find(f"\n{STORIES_END}", literal=True))
        .filter(pl.col("at").is_not_null())
        .select("sha256", before=_before(text, "at", _LIST_CHARS))
        .with_columns(at=before.str.find(_FORM))
        .filter(pl.col("at").is_not_null())
        .select("sha256", line=_after(before, "at").str.split("\n"))
        .explode("line")
    )
    line = pl.col("line")
    return (
        lists.with_columns(line=_collapsed(line))
        .filter((line != "") & ~line.is_in(_FORM_LINES))
        .select(
            "sha256",
            position=pl.int_range(1, pl.len() + 1, dtype=pl.Int32).over("sha256"),
            headline_kind=pl.lit("story"),
            headline=line,
        )
        .filter(_is_headline(pl.col("headline")))
    )


def lines_to_texts(lines: pl.DataFrame) -> pl.DataFrame:
    """``sha256``, ``text`` of captures given as lines (``sha256``, ``line_no``, ``line``)."""
    return (
        lines.sort("sha256", "line_no")
        .group_by("sha256", maintain_order=True)
        .agg(text=pl.col("line").str.join("\n"))
    )


def extract_headlines(texts: pl.DataFrame, lines: pl.DataFrame | None = None) -> pl.DataFrame:
    """The headlines of many captures: one row per distinct headline of each capture.

    Args:
        texts: ``sha256`` and ``text`` (normalised: LF line ends, plain spaces); null texts
            are skipped.
        lines: Optional more captures as ``sha256``, ``line_no``, ``line`` (HTML pages
            converted to the lines a browser shows).

    Returns:
        :data:`schemas.HEADLINES` rows sorted by sha256, position: the article's title at
        position 0 (``headline_kind`` ``article``, with its section, source and published
        date and time where the page shows them), the stories from 1 (``story``). A story
        repeating the title, or an earlier story, is left out.
    """
    pages = texts.select("sha256", "text").filter(pl.col("text").is_not_null())
    if lines is not None and not lines.is_empty():
        pages = pl.concat([pages, lines_to_texts(lines)])
    found = pl.concat([_articles(pages.lazy()), _stories(pages.lazy())], how="diagonal")
    return (
        found.sort("sha256", "position")
        .unique(["sha256", "headline"], keep="first", maintain_order=True)
        .select(list(schemas.HEADLINES))
        .collect()
        .cast(schemas.HEADLINES)
    )
