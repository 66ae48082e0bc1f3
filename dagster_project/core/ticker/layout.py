"""The columns every step of the ticker carries, and the one integer that orders them.

A line travels as :data:`CARRIED`: its :data:`KEY` (``sha256``, ``line_no``), its text, and
:data:`ORDER`, one unsigned integer whose high half is the capture's rank in the batch and whose
low half is the line number, so that sorting on it sorts by ``sha256``, ``line_no`` (one integer
sorts faster than two columns) and the capture's rank is read back by :func:`capture_rank`.
"""

from __future__ import annotations

import polars as pl

KEY = ["sha256", "line_no"]
ORDER = "order"
CARRIED = [*KEY, "line", ORDER]
_HALF = 2**32


def ordered(frame: pl.LazyFrame, capture_no: pl.Expr) -> pl.LazyFrame:
    """Add :data:`ORDER` to ``frame`` (which has ``line_no``, i32).

    Args:
        capture_no: The rank of the row's sha256 among all of them.
    """
    line = (pl.col("line_no").cast(pl.Int64) + 2**31).cast(pl.UInt64)
    return frame.with_columns((capture_no.cast(pl.UInt64) * _HALF + line).alias(ORDER))


def capture_rank() -> pl.Expr:
    """The capture's rank, read back from :data:`ORDER` (its high half)."""
    return pl.col(ORDER) // _HALF
