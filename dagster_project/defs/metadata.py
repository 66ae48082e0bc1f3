"""Small helpers that turn query results into Dagster UI metadata."""

from collections.abc import Sequence

import duckdb
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


def query_frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()
) -> pl.DataFrame:
    """Run a parameterised query and return its rows as a frame (values stay Python objects)."""
    cursor = con.execute(sql, list(params))
    rows = cursor.fetchall()
    columns = [column[0] for column in cursor.description or []]
    return pl.DataFrame(rows, schema=columns, orient="row")


def query_markdown(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> str:
    """A parameterised query's result as a Markdown table."""
    return markdown_table(query_frame(con, sql, params))
