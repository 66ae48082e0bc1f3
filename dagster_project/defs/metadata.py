"""Small helpers that turn frames into Dagster UI metadata."""

from __future__ import annotations

import polars as pl


def markdown_table(frame: pl.DataFrame) -> str:
    """A frame as a Markdown table (for ``MetadataValue.md``)."""
    if frame.is_empty():
        return "_(no rows)_"
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = [
        "| " + " | ".join("" if value is None else str(value) for value in row) + " |"
        for row in frame.iter_rows()
    ]
    return "\n".join([header, rule, *rows])
