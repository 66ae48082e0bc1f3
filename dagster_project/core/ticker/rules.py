"""The rules a tokenised line must pass, in the order they apply, derived from :mod:`.grammar`.

Format rules (shape, numbers, decimals) come from the grammar's tokens, numbers and shapes;
value rules judge what the numbers say (a positive price and previous close, a move above
-100%, a percentage that fits the change). The first rule a line breaks is its reason.
"""

from __future__ import annotations

import polars as pl

from dagster_project.core.ticker.grammar import (
    GENERIC_REASON,
    NUMBERS,
    SHAPES,
    Number,
    Shape,
)

DECIMAL = pl.Decimal(18, 2)
# The value columns of a judged line: the price (a close or a level), the change, the percentage.
VALUE_NAMES = {"price": "value", "change": "change_value", "pct": "change_pct"}
_PCT_TOLERANCE = 0.005 + 1e-9

Rule = tuple[pl.Expr, pl.Expr]


def decimal(column: str) -> pl.Expr:
    """A number token as Decimal(18, 2) (null when it is no number)."""
    return pl.col(column).str.replace_all(",", "").cast(DECIMAL, strict=False)


def numbers() -> list[pl.Expr]:
    """Float values (for checks only) and shown decimal counts of each number token."""
    return [
        expr
        for number in NUMBERS
        for name in [number.name]
        for expr in (
            pl.col(name).str.replace_all(",", "").cast(pl.Float64, strict=False).alias(f"{name}_f"),
            pl.col(name).str.extract(r"\.(\d+)$").str.len_chars().fill_null(0).alias(f"{name}_d"),
        )
    ]


def is_index(index_codes: frozenset[str], *, has_arrow: pl.Expr) -> pl.Expr:
    """A known index code is an index; an unknown code is one when its line has no arrow."""
    return ~has_arrow | pl.col("symbol").is_in(sorted(index_codes))


def consistency() -> tuple[pl.Expr, pl.Expr]:
    """Whether PCT fits CHANGE / (PRICE - CHANGE) over the rounding box, and the point value."""
    price, change, pct = pl.col("price_f"), pl.col("change_f"), pl.col("pct_f")
    half_price = 0.5 / pl.lit(10.0).pow(pl.col("price_d"))
    half_change = 0.5 / pl.lit(10.0).pow(pl.col("change_d"))
    corners = [
        (change + dc * half_change) / (price + dp * half_price - change - dc * half_change) * 100
        for dp in (-1, 1)
        for dc in (-1, 1)
    ]
    fits = (pct >= pl.min_horizontal(corners) - _PCT_TOLERANCE) & (
        pct <= pl.max_horizontal(corners) + _PCT_TOLERANCE
    )
    # A rounding box reaching a previous close of 0 makes the ratio unbounded: nothing to check.
    unbounded = price - half_price - change - half_change <= 0
    return unbounded | fits, (change / (price - change) * 100).round(3)


def _structure() -> list[Rule]:
    has_rest = pl.col("rest") != ""
    rest, generic = pl.col("rest").str.strip_chars(), pl.lit(GENERIC_REASON)
    return [
        (pl.col("symbol").is_null(), generic),
        (
            has_rest & pl.col("pct").is_not_null(),
            pl.format("unexpected text after the change percentage: '{}'", rest),
        ),
        (has_rest | pl.col("direction").is_null(), generic),
    ]


def _quoted(template: str, column: str) -> pl.Expr:
    """``template`` with its ``{}`` filled by ``column``'s token."""
    return pl.format(template, column)


def _written(number: Number) -> list[Rule]:
    """The number is present, and written as a number."""
    column = pl.col(number.name)
    missing = [] if number.missing is None else [(column.is_null(), pl.lit(number.missing))]
    malformed = ~column.str.contains(number.valid())
    reason = _quoted(f"{number.label} is not a valid number: {number.shown}", number.name)
    return [*missing, (malformed, reason)]


def _shape_decimals(shape: Shape, kind_is_index: pl.Expr) -> Rule:
    low, high = shape.price_decimals
    of_shape = kind_is_index if shape.is_index else ~kind_is_index
    shown = pl.col("price_d")
    return of_shape & ~shown.is_between(low, high), _quoted(shape.reason, "price")


def format_rules(index_codes: frozenset[str] = frozenset()) -> list[Rule]:
    """The line's shape, each number written as one, and the decimals each may show."""
    kind_is_index = is_index(index_codes, has_arrow=pl.col("arrow").is_not_null())
    written = [rule for number in NUMBERS for rule in _written(number)]
    decimals = [_shape_decimals(shape, kind_is_index) for shape in SHAPES] + [
        (
            pl.col(f"{number.name}_d") > number.max_decimals,
            _quoted(
                f"{number.label} must have at most {number.max_decimals} decimals: {number.shown}",
                number.name,
            ),
        )
        for number in NUMBERS
        if number.name != "price"
    ]
    return [*_structure(), *written, *decimals]


def impossible_values() -> list[Rule]:
    """Values no listed security can show: the fast path checks these too."""
    price, change, pct = pl.col("price_f"), pl.col("change_f"), pl.col("pct_f")
    previous = (decimal("price") - decimal("change")).cast(pl.String)
    return [
        (
            price <= 0,
            pl.format("impossible quote: price {} is not positive (a site glitch)", "price"),
        ),
        (
            pct <= -100,
            pl.format(
                "impossible quote: a move of {}% (nothing listed falls 100% in a day)", "pct"
            ),
        ),
        (
            price - change <= 0,
            pl.format("previous close must be > 0: {} - ({}) = {}", "price", "change", previous),
        ),
    ]


def value_rules() -> list[Rule]:
    """What the numbers say: possible values, and a percentage that fits the change."""
    consistent, computed = consistency()
    previous = (decimal("price") - decimal("change")).cast(pl.String)
    inconsistent = pl.format(
        "percentage inconsistent: {} / ({}) = {}% but page shows {}%",
        "change",
        previous,
        computed.cast(pl.String),
        "pct",
    )
    return [*impossible_values(), (~consistent, inconsistent)]


def reason(index_codes: frozenset[str] = frozenset()) -> pl.Expr:
    """The first rule a tokenised line breaks, or null when it is a valid ticker line."""
    rules = [*format_rules(index_codes), *value_rules()]
    return pl.coalesce([pl.when(broken).then(why) for broken, why in rules])


def possible() -> pl.Expr:
    """The fast path's form of :func:`impossible_values`: none of them holds."""
    return ~pl.any_horizontal([broken for broken, _ in impossible_values()])
