"""Judging candidate lines: the well-formed fast path, and every rule for the rest.

Nearly every line of a real strip is well formed (:data:`.grammar.WELL_FORMED`): it is split on
spaces and only its values are checked. Every other line, and any well-formed one whose values
fail, is tokenised and judged rule by rule (:func:`by_rules`), which names the first rule it
breaks. Both give the same outcome for every line (``tests/core/test_fast_paths.py``).
"""

from __future__ import annotations

import polars as pl

from dagster_project.core.ticker.grammar import (
    ARROWS,
    NUMBERS,
    TOKENS,
    WELL_FORMED,
)
from dagster_project.core.ticker.layout import CARRIED
from dagster_project.core.ticker.rules import (
    DECIMAL,
    VALUE_NAMES,
    consistency,
    decimal,
    is_index,
    numbers,
    possible,
    reason,
)
from dagster_project.core.ticker.strip import starts_like_ticker

JUDGED = [*CARRIED, "symbol", "reason", "is_index", *VALUE_NAMES.values()]


def tokenise(candidates: pl.LazyFrame) -> pl.LazyFrame:
    """The lines that start like ticker lines, with the groups of ``TOKENS`` as columns."""
    return (
        candidates.filter(starts_like_ticker())
        .select(*CARRIED, pl.col("line").str.extract_groups(TOKENS).alias("tokens"))
        .unnest("tokens")
    )


def by_rules(lines: pl.LazyFrame, index_codes: frozenset[str] = frozenset()) -> pl.DataFrame:
    """Tokenise ``lines`` and judge each candidate by every rule: :data:`JUDGED` columns."""
    # polars 2.1 may panic formatting many-chunk columns: the (few) lines judged get one chunk.
    tokens = tokenise(lines).with_columns(numbers()).collect().rechunk()
    judged = tokens.with_columns(
        reason=reason(index_codes),
        is_index=is_index(index_codes, has_arrow=pl.col("arrow").is_not_null()),
        **{value: decimal(name) for name, value in VALUE_NAMES.items()},
    )
    return judged.select(JUDGED)


def _well_formed_values(lines: pl.LazyFrame, index_codes: frozenset[str]) -> pl.LazyFrame:
    """Tokens, values and ``fine`` (passes every rule) of well-formed lines, cheaply."""
    parts = pl.col("parts")
    tokens = lines.with_columns(parts=pl.col("line").str.split(" ")).select(
        *CARRIED,
        symbol=parts.list.first(),
        # The stock shape prints its arrow before the change and the percentage.
        has_arrow=parts.list.get(-3).str.contains(f"^[{ARROWS}]$"),
        price=parts.list.get(1),
        change=parts.list.get(-2),
        pct=parts.list.get(-1).str.strip_prefix("(").str.strip_suffix("%)"),
    )
    values = []
    for name in (number.name for number in NUMBERS):
        token, plain = pl.col(name), pl.col(f"{name}_plain")
        dot = token.str.find(".", literal=True)
        values += [
            plain.cast(pl.Float64, strict=False).alias(f"{name}_f"),
            pl.when(dot.is_null())
            .then(0)
            .otherwise(token.str.len_bytes() - dot - 1)
            .cast(pl.UInt32)
            .alias(f"{name}_d"),
            plain.cast(DECIMAL, strict=False).alias(VALUE_NAMES[name]),
        ]
    price, change, pct = pl.col("price_f"), pl.col("change_f"), pl.col("pct_f")
    # Within 0.005 of the point value, PCT is inside the rounding box: no corners to compute.
    near = (pct - change / (price - change) * 100).abs() <= 0.005
    return (
        tokens.with_columns(is_index=is_index(index_codes, has_arrow=pl.col("has_arrow")))
        .with_columns(
            pl.col("price").str.replace_all(",", "", literal=True).alias("price_plain"),
            pl.col("change").str.replace_all(",", "", literal=True).alias("change_plain"),
            pl.col("pct").alias("pct_plain"),
        )
        .with_columns(values)
        .select(
            *CARRIED,
            "symbol",
            "is_index",
            *VALUE_NAMES.values(),
            *(f"{number.name}_{kind}" for number in NUMBERS for kind in ("f", "d")),
            fine=possible() & near,
        )
    )


def judge(candidates: pl.LazyFrame, index_codes: frozenset[str] = frozenset()) -> pl.DataFrame:
    """Judge strip-region lines; only lines that start like ticker lines remain.

    Well-formed lines whose values pass come from the fast path with no reason; every other
    candidate comes from :func:`by_rules`.
    """
    no_reason = pl.lit(None, pl.String).alias("reason")
    flagged = candidates.with_columns(
        well_formed=pl.col("line").str.contains(WELL_FORMED)
    ).collect()
    checked = (
        flagged.lazy()
        .filter(pl.col("well_formed"))
        .pipe(_well_formed_values, index_codes)
        .collect()
    )
    consistent, _ = consistency()
    boxed = (
        checked.lazy().filter(~pl.col("fine")).with_columns(fine=possible() & consistent).collect()
    )
    fine = pl.concat([checked.filter(pl.col("fine")), boxed.filter(pl.col("fine"))])
    doubtful = pl.concat(
        [
            flagged.filter(~pl.col("well_formed")).select(CARRIED),
            boxed.filter(~pl.col("fine")).select(CARRIED),
        ]
    )
    judged = by_rules(doubtful.lazy(), index_codes)
    return pl.concat([fine.with_columns(no_reason).select(JUDGED), judged])
