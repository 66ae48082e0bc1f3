"""Expected frames for the ticker tests: the rejected lines' contract, written out."""

from __future__ import annotations

import polars as pl

REJECTED_SCHEMA = pl.Schema(
    {"sha256": pl.String, "line_no": pl.Int32, "line": pl.String, "reason": pl.String}
)


def rejected(rows: list[tuple[str, int, str, str]]) -> pl.DataFrame:
    """The rejected-lines frame of ``(sha256, line_no, line, reason)`` rows."""
    return pl.DataFrame(rows, schema=REJECTED_SCHEMA, orient="row")
