"""The ticker line, described once: its tokens, the numbers they hold and the two line shapes.

A stock line reads ``SYMBOL PRICE Increased By|Decreased By|No Change ▲|▼ CHANGE (PCT%)``; an
index line reads the same without the arrow (2021 strips print it on index lines too, so a
known index code is an index whatever its shape; see :mod:`.rules`).

Everything that reads a line is derived from :data:`LINE`, :data:`NUMBERS` and :data:`SHAPES`:

- :data:`TOKENS`, the tokeniser: loose enough to say what is wrong with a broken line;
- :data:`WELL_FORMED`, the fast path: exactly the lines that pass every format rule;
- the format rules and their reasons, in the order they apply (:func:`.rules.format_rules`).
"""

from __future__ import annotations

from dataclasses import dataclass

SYMBOL = r"[A-Z][A-Z0-9]{0,11}"
PHRASES = ("Increased By", "Decreased By", "No Change")
ARROWS = "▲▼"
PHRASE = "|".join(PHRASES)


@dataclass(frozen=True)
class Token:
    """One token of a line, in order; each but the first follows a space.

    Attributes:
        name: Its column in the tokenised frame.
        loose: What the tokeniser takes for it (anything that could be a broken form of it).
        required: A line without it is no ticker line at all.
        opening: Printed before it, e.g. ``(`` before the percentage.
        closing: Printed after it, e.g. ``%)``.
    """

    name: str
    loose: str
    required: bool = False
    opening: str = ""
    closing: str = ""


LINE = (
    Token("symbol", SYMBOL, required=True),
    Token("price", r"\S+", required=True),
    Token("direction", PHRASE),
    Token("arrow", f"[{ARROWS}]"),
    Token("change", r"[^\s(]+"),
    Token("pct", r"[^)]*", opening="(", closing="%)"),
)


@dataclass(frozen=True)
class Number:
    """A number token: how its integer part is written, its sign, its decimals, its reasons.

    Attributes:
        name: The token (a :data:`LINE` name).
        label: How a reason names it.
        shown: How a reason quotes it (``{}`` is the token).
        integer: The integer part, ``{d}`` standing for one digit.
        signed: May start with ``-``.
        max_decimals: The most decimals it may show (the price's depend on the shape).
        missing: The reason when it is absent, None when a line cannot lack it.
    """

    name: str
    label: str
    shown: str
    integer: str
    signed: bool
    max_decimals: int
    missing: str | None

    def valid(self) -> str:
        """The rules' check: a number of any number of decimals, in any script's digits."""
        sign = "-?" if self.signed else ""
        integer = self.integer.format(d=_ANY_DIGIT)
        return rf"^{sign}{integer}(?:\.\d+)?$"

    def strict(self, decimals: tuple[int, int] | None = None) -> str:
        """The fast path's form: ASCII digits and the allowed decimals, anchored by the line."""
        low, high = decimals or (0, self.max_decimals)
        sign = "-?" if self.signed else ""
        return f"{sign}{self.integer.format(d='[0-9]')}{_decimals(low, high)}"


def _decimals(low: int, high: int) -> str:
    if low == 0:
        return rf"(?:\.[0-9]{{1,{high}}})?"
    return rf"\.[0-9]{{{low}}}" if low == high else rf"\.[0-9]{{{low},{high}}}"


_ANY_DIGIT = r"\d"
# Thousands grouped by commas (as the site prints them) or not grouped at all.
_GROUPED = r"(?:{d}{{1,3}}(?:,{d}{{3}}){{1,4}}|{d}{{1,15}})"
PRICE = Number("price", "price", "'{}'", _GROUPED, False, 2, None)
CHANGE = Number("change", "change", "'{}'", _GROUPED, True, 2, "missing change")
PCT = Number("pct", "percentage", "'{}%'", "{d}{{1,6}}", True, 2, "missing change percentage")
NUMBERS = (PRICE, CHANGE, PCT)


@dataclass(frozen=True)
class Shape:
    """A kind of line: whether it prints an arrow, and the decimals its price shows.

    Attributes:
        is_index: Whether a line of this shape is an index level.
        arrow: Whether it prints the arrow.
        price_decimals: The fewest and most decimals of its price.
        reason: The reason when its price shows other decimals (``{}`` is the price).
    """

    is_index: bool
    arrow: bool
    price_decimals: tuple[int, int]
    reason: str


STOCK = Shape(False, True, (2, 2), "price must have exactly 2 decimals: '{}'")
INDEX = Shape(True, False, (0, 2), "index level must have at most 2 decimals: '{}'")
SHAPES = (STOCK, INDEX)

GENERIC_REASON = (
    "not a ticker line: expected SYMBOL PRICE Increased By|Decreased By|No Change ▲|▼ CHANGE (PCT%)"
)


def _tokens() -> str:
    groups = []
    for at, token in enumerate(LINE):
        space = "" if at == 0 else " "
        opening, closing = (_escaped(token.opening), _escaped(token.closing))
        group = f"{space}{opening}(?P<{token.name}>{token.loose}){closing}"
        groups.append(group if token.required else f"(?:{group})?")
    return "^" + "".join(groups) + "(?P<rest>.*)$"


def _escaped(text: str) -> str:
    return "".join(f"\\{char}" if char in "()" else char for char in text)


def _well_formed() -> str:
    shapes = "|".join(
        f"{PRICE.strict(shape.price_decimals)} (?:{PHRASE})"
        + (f" [{ARROWS}]" if shape.arrow else "")
        for shape in SHAPES
    )
    pct = f"{_escaped('(')}{PCT.strict()}%{_escaped(')')}"
    return rf"^{SYMBOL} (?:{shapes}) {CHANGE.strict()} {pct}$"


TOKENS = _tokens()
WELL_FORMED = _well_formed()
# Which lines are judged at all: a symbol, then a ticker phrase or a number not followed by
# words. "FTSE 100 marks worst month" is a headline, not a broken ticker line (the words of a
# ticker line, even cut short like "DGKC 22.59 Inc", are capitalised).
STARTS_LIKE_TICKER = rf"^{SYMBOL} "
NUMERIC_NEXT = rf"^{SYMBOL} [-+]?[\d,]*\.?\d"
WORDS = r" [a-z]{2}"
