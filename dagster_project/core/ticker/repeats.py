"""A symbol printed twice in one capture: one quote when the repeats agree, a rejection if not."""

from __future__ import annotations

import polars as pl

from dagster_project.core.ticker.layout import CARRIED, ORDER, capture_rank
from dagster_project.core.ticker.rules import VALUE_NAMES

_HASH_SEED = 20241018


def split_repeats(parsed: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keep one line of exact repeats of a symbol within a capture; reject conflicting ones.

    A page may print its strip twice: an identical repeat is one quote, a repeat with other
    values rejects every line of that symbol (the page contradicts itself). Both come back in
    ``order``; only symbols seen twice in a capture (rare) go through the window functions.
    Repeats are found on one integer per row, the symbol's hash mixed with the capture's rank
    (:func:`.layout.capture_rank`); a collision only sends a few more lines through the windows.

    Returns:
        The valid lines less the repeats, and the conflicting lines with their reason.
    """
    group = ["sha256", "symbol"]
    values = ["is_index", *VALUE_NAMES.values()]
    key = pl.col("symbol").hash(_HASH_SEED) ^ capture_rank()
    repeated = parsed.select(key.is_duplicated()).to_series()
    firsts = [pl.col(name).first().over(group).alias(f"{name}_first") for name in values]
    # Each window is evaluated on its own: nested in one expression they cost ten times more.
    judged = (
        parsed.filter(repeated)
        .sort(ORDER)
        .with_columns(*firsts, line_no_first=pl.col("line_no").first().over(group))
        .with_columns(
            is_first=pl.col("line_no") == pl.col("line_no_first"),
            is_same=pl.all_horizontal([pl.col(name) == pl.col(f"{name}_first") for name in values]),
        )
        .with_columns(is_conflict=~pl.col("is_same").all().over(group))
    )
    conflicts = (
        judged.filter(pl.col("is_conflict"))
        .rechunk()  # polars 2.1 may panic formatting many-chunk columns
        .with_columns(line_nos=pl.col("line_no").cast(pl.String).str.join(", ").over(group))
        .select(
            *CARRIED,
            reason=pl.format(
                "conflicting repeat of {}: lines {} of this page show different values",
                "symbol",
                "line_nos",
            ),
        )
    )
    first = judged.filter(pl.col("is_first") & ~pl.col("is_conflict")).select(parsed.columns)
    return pl.concat([parsed.filter(~repeated), first]).sort(ORDER), conflicts
