"""Small helpers that turn query results into Dagster UI metadata.

Every value shown in Markdown is escaped (:func:`markdown_escape`): a headline, a file name or a
URL is page or user text and must never render as a link, an image or HTML in the UI.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import dagster as dg
import duckdb
import polars as pl

from dagster_project.core.capture.text import printable
from dagster_project.core.warehouse.database import query_frame
from dagster_project.report.build_summary import NO_MARKET_DATE
from dagster_project.report.page import LatestReport, day_figures

__all__ = [
    "headline_items",
    "markdown_escape",
    "markdown_list",
    "markdown_table",
    "query_frame",
    "query_markdown",
    "report_metadata",
]


def _cell(value: object) -> str:
    """A value in one table cell, as text: Markdown escaped (a ``|`` too), a line break a space,
    other control characters written as escapes, None empty."""
    return "" if value is None else markdown_escape(printable(str(value).replace("\n", " ")))


def markdown_table(frame: pl.DataFrame) -> str:
    """A frame as a Markdown table (for ``MetadataValue.md``); values stay in their cells."""
    if frame.is_empty():
        return "_(no rows)_"
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join(_cell(value) for value in row) + " |" for row in frame.iter_rows()]
    return "\n".join([header, rule, *rows])


def query_markdown(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> str:
    """A parameterised query's result as a Markdown table."""
    return markdown_table(query_frame(con, sql, params))


def markdown_escape(text: str) -> str:
    """``text`` with the characters Markdown would read as markup backslash-escaped (links,
    images, HTML tags and entities, emphasis, code, headings, tables)."""
    return re.sub(r"([\\`*_\[\]#<>|~&!])", r"\\\1", text)


def markdown_list(items: Sequence[str], *, limit: int = 30) -> str:
    """Items (already Markdown) as a bullet list, at most ``limit`` of them."""
    if not items:
        return "_(none)_"
    lines = [f"- {item}" for item in items[:limit]]
    if len(items) > limit:
        lines.append(f"- … and {len(items) - limit} more")
    return "\n".join(lines)


def headline_items(frame: pl.DataFrame) -> list[str]:
    """Each distinct headline of a frame (``headline``, ``headline_kind``, optional ``section``
    and ``news_source``), first seen first: the text, then what the page says of it."""
    distinct = frame.unique("headline", keep="first", maintain_order=True)
    return [
        f"{markdown_escape(printable(row['headline']))} _("
        + " · ".join(
            markdown_escape(printable(part))
            for part in (row["headline_kind"], row.get("section"), row.get("news_source"))
            if part
        )
        + ")_"
        for row in distinct.iter_rows(named=True)
    ]


def report_metadata(latest: LatestReport) -> dict[str, dg.RawMetadataValue]:
    """The report step's metadata: where the report is and the day in a few figures, or, when
    the warehouse holds no market date, a note and the captures' audit."""
    if latest.written is None:
        return {
            "market_date": "",
            "note": f"{NO_MARKET_DATE}; no report written",
            "captures": dg.MetadataValue.text("\n".join(latest.captures)),
        }
    path = latest.written.path
    return {
        "path": dg.MetadataValue.path(str(path)),
        "url": dg.MetadataValue.url(path.as_uri()),
        "bytes": latest.written.size,
        **day_figures(latest.written.day),
    }
