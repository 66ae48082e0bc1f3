"""The Business Recorder ticker-strip grammar, applied to many captures at once with polars.

A stock line reads ``SYMBOL PRICE Increased By|Decreased By|No Change ▲|▼ CHANGE (PCT%)``; an
index line reads ``CODE LEVEL Increased By|Decreased By|No Change CHANGE (PCT%)``, with or
without the arrow (2021 strips print it). A known index code (the ``psx_index_codes`` seed, passed
as ``index_codes``) is an index whatever the shape; an unknown code is an index when it has no
arrow. Only the strip region is scanned: the lines before the page-date header (``Oct 18, 2024
...``) or, when a capture has no header, the lines before its first prose line after the strip
(the article: see :func:`_prose_starts`). A date line after such prose is the
article's, never the page's.

:func:`parse_lines` takes captures already split into lines; :func:`parse_texts` takes whole
texts and splits only their strips. Both judge lines alike: well-formed lines (nearly all) by a
cheap shortcut, every other line rule by rule (:func:`_rules`), with the same outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

_SYMBOL = r"[A-Z][A-Z0-9]{0,11}"
_PHRASE = r"Increased By|Decreased By|No Change"
_STARTS_LIKE_TICKER = rf"^{_SYMBOL} "
_NUMERIC_NEXT = rf"^{_SYMBOL} [-+]?[\d,]*\.?\d"
# Words: a line like "FTSE 100 marks worst month" is a headline, not a broken ticker line (the
# words of a ticker line, even cut short like "DGKC 22.59 Inc", are capitalised).
_WORDS = r" [a-z]{2}"
_TOKENS = (
    rf"^(?P<symbol>{_SYMBOL}) (?P<price>\S+)(?: (?P<direction>{_PHRASE}))?(?: (?P<arrow>[▲▼]))?"
    r"(?: (?P<change>[^\s(]+))?(?: \((?P<pct>[^)]*)%\))?(?P<rest>.*)$"
)
_INTEGER_PART = r"(?:\d{1,3}(?:,\d{3}){1,4}|\d{1,15})"
# A ticker line whose numbers are well formed, with ASCII digits and allowed decimals: it splits
# on spaces into the tokens _TOKENS would find, and of the rules only "previous close > 0" and
# the percentage check remain to be applied to it.
_ASCII_INTEGER = r"(?:[0-9]{1,3}(?:,[0-9]{3}){1,4}|[0-9]{1,15})"
_WELL_FORMED = (
    rf"^{_SYMBOL} (?:{_ASCII_INTEGER}\.[0-9]{{2}} (?:{_PHRASE}) [▲▼]"
    rf"|{_ASCII_INTEGER}(?:\.[0-9]{{1,2}})? (?:{_PHRASE})) "
    rf"-?{_ASCII_INTEGER}(?:\.[0-9]{{1,2}})? \(-?[0-9]{{1,6}}(?:\.[0-9]{{1,2}})?%\)$"
)
_UNSIGNED = rf"^{_INTEGER_PART}(?:\.\d+)?$"
_SIGNED = rf"^-?{_INTEGER_PART}(?:\.\d+)?$"
_PERCENT = r"^-?\d{1,6}(?:\.\d+)?$"
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_NUMBERS = {name[:3]: number for number, name in enumerate(_MONTHS, start=1)}
_MONTH_PATTERN = "|".join([*_MONTHS, "Sept", *_MONTH_NUMBERS])
_PAGE_DATE = rf"^(?P<month>{_MONTH_PATTERN}) (?P<day>\d{{1,2}}), (?P<year>\d{{4}})(?: |$)"
# Whitespace inside a line, as Python's str.split() sees it (Unicode White_Space and \x1c-\x1f).
_WS = r"[\s\x1c-\x1f&&[^\n]]"
# A raw text line that _PAGE_DATE matches once its whitespace is collapsed.
_HEADER_IN_TEXT = rf"(?m)^{_WS}*(?:{_MONTH_PATTERN}){_WS}+\d{{1,2}},{_WS}+\d{{4}}(?:{_WS}|$)"

GENERIC_REASON = (
    "not a ticker line: expected SYMBOL PRICE Increased By|Decreased By|No Change ▲|▼ CHANGE (PCT%)"
)
PROSE_CHARS = 100  # no ticker line comes near this; an article paragraph is longer
PROSE_SPACES = 12
_PCT_TOLERANCE = 0.005 + 1e-9
_DECIMAL = pl.Decimal(18, 2)
_KEY = ["sha256", "line_no"]
_ORDER = "order"  # u64 sorting like _KEY; see _ordered
_HASH_SEED = 20241018
_CARRIED = [*_KEY, "line", _ORDER]
_VALUE_NAMES = {"price": "value", "change": "change_value", "pct": "change_pct"}

LINES_SCHEMA = pl.Schema({"sha256": pl.String, "line_no": pl.Int32, "line": pl.String})


@dataclass(frozen=True)
class TickerFrames:
    """Everything parsed from the ticker strips of a batch of captures.

    Attributes:
        quotes: sha256, line_no (i32), symbol, close_price, change, change_pct (Decimal(18, 2)).
        index_levels: sha256, line_no (i32), index_code, level, change, change_pct (Decimal).
        rejected_lines: sha256, line_no (i32), line, reason.
        page_dates: sha256, page_date (Date), header_line_no (i32); one row per capture that
            has a page-date header line.
    """

    quotes: pl.DataFrame
    index_levels: pl.DataFrame
    rejected_lines: pl.DataFrame
    page_dates: pl.DataFrame


def lines_frame(sha256: str, lines: list[str]) -> pl.DataFrame:
    """Build the :func:`parse_lines` input for one capture; ``line_no`` is index + 1.

    Empty lines are dropped (they can never be ticker or header lines).
    """
    rows = [(sha256, number, line) for number, line in enumerate(lines, start=1) if line]
    return pl.DataFrame(rows, schema=LINES_SCHEMA, orient="row")


def _page_dates(lines: pl.LazyFrame) -> pl.DataFrame:
    """sha256, page_date, header_line_no of the first line with a real date in each capture.

    The few header-like lines are collected into one chunk before the date is formatted:
    polars 2.1 panics (``i < self.len()``) formatting struct fields of a many-chunk frame.
    """
    headers = lines.filter(pl.col("line").str.contains(_PAGE_DATE)).collect().rechunk()
    parts = pl.col("line").str.extract_groups(_PAGE_DATE)
    iso = pl.format(
        "{}-{}-{}",
        parts.struct.field("year"),
        parts.struct.field("month")
        .str.slice(0, 3)
        .replace_strict(_MONTH_NUMBERS, default=None, return_dtype=pl.Int8)
        .cast(pl.String)
        .str.zfill(2),
        parts.struct.field("day").str.zfill(2),
    )
    return (
        headers.with_columns(page_date=iso.str.to_date("%Y-%m-%d", strict=False))
        .filter(pl.col("page_date").is_not_null())
        .group_by("sha256")
        .agg(
            pl.col("page_date").sort_by("line_no").first(),
            header_line_no=pl.col("line_no").min(),
        )
    )


def _decimal(column: str) -> pl.Expr:
    return pl.col(column).str.replace_all(",", "").cast(_DECIMAL, strict=False)


def _numbers() -> list[pl.Expr]:
    """Float values (for checks only) and shown decimal counts of the price, change and pct."""
    return [
        expr
        for name in ("price", "change", "pct")
        for expr in (
            pl.col(name).str.replace_all(",", "").cast(pl.Float64, strict=False).alias(f"{name}_f"),
            pl.col(name).str.extract(r"\.(\d+)$").str.len_chars().fill_null(0).alias(f"{name}_d"),
        )
    ]


def _consistency() -> tuple[pl.Expr, pl.Expr]:
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


def _is_index(index_codes: frozenset[str], *, has_arrow: pl.Expr) -> pl.Expr:
    """A known index code is an index; an unknown code is one when its line has no arrow."""
    return ~has_arrow | pl.col("symbol").is_in(sorted(index_codes))


def _malformed(column: str, pattern: str) -> pl.Expr:
    return ~pl.col(column).str.contains(pattern)


def _rules(index_codes: frozenset[str] = frozenset()) -> list[tuple[pl.Expr, pl.Expr]]:
    """Each rule of a tokenised candidate line: (broken?, reason), in the order they apply."""
    is_index = _is_index(index_codes, has_arrow=pl.col("arrow").is_not_null())
    has_rest = pl.col("rest") != ""
    consistent, computed = _consistency()
    previous = (_decimal("price") - _decimal("change")).cast(pl.String)
    rest, generic = pl.col("rest").str.strip_chars(), pl.lit(GENERIC_REASON)
    rules: list[tuple[pl.Expr, pl.Expr]] = [
        (pl.col("symbol").is_null(), generic),
        (
            has_rest & pl.col("pct").is_not_null(),
            pl.format("unexpected text after the change percentage: '{}'", rest),
        ),
        (has_rest | pl.col("direction").is_null(), generic),
        (_malformed("price", _UNSIGNED), pl.format("price is not a valid number: '{}'", "price")),
        (pl.col("change").is_null(), pl.lit("missing change")),
        (_malformed("change", _SIGNED), pl.format("change is not a valid number: '{}'", "change")),
        (pl.col("pct").is_null(), pl.lit("missing change percentage")),
        (_malformed("pct", _PERCENT), pl.format("percentage is not a valid number: '{}%'", "pct")),
        (
            ~is_index & (pl.col("price_d") != 2),
            pl.format("price must have exactly 2 decimals: '{}'", "price"),
        ),
        (
            is_index & (pl.col("price_d") > 2),
            pl.format("index level must have at most 2 decimals: '{}'", "price"),
        ),
        (
            pl.col("change_d") > 2,
            pl.format("change must have at most 2 decimals: '{}'", "change"),
        ),
        (pl.col("pct_d") > 2, pl.format("percentage must have at most 2 decimals: '{}%'", "pct")),
        (
            pl.col("price_f") <= 0,
            pl.format("impossible quote: price {} is not positive (a site glitch)", "price"),
        ),
        (
            pl.col("pct_f") <= -100,
            pl.format(
                "impossible quote: a move of {}% (nothing listed falls 100% in a day)", "pct"
            ),
        ),
        (
            pl.col("price_f") - pl.col("change_f") <= 0,
            pl.format("previous close must be > 0: {} - ({}) = {}", "price", "change", previous),
        ),
        (
            ~consistent,
            pl.format(
                "percentage inconsistent: {} / ({}) = {}% but page shows {}%",
                "change",
                previous,
                computed.cast(pl.String),
                "pct",
            ),
        ),
    ]
    return rules


def _reason(index_codes: frozenset[str] = frozenset()) -> pl.Expr:
    """The first rule a tokenised candidate line breaks, or null when it is a valid ticker line."""
    # Each rule yields its reason or null; the first non-null one wins.
    rules = _rules(index_codes)
    return pl.coalesce([pl.when(condition).then(reason) for condition, reason in rules])


def _possible() -> pl.Expr:
    """The fast path's form of the rules that judge values: positive price and previous close,
    a move above -100%."""
    price, change, pct = pl.col("price_f"), pl.col("change_f"), pl.col("pct_f")
    return (price > 0) & (price - change > 0) & (pct > -100)


def _tokenise(candidates: pl.LazyFrame) -> pl.LazyFrame:
    """The lines that start like ticker lines, with the groups of ``_TOKENS`` as columns."""
    return (
        candidates.filter(_starts_like_ticker())
        .select(*_CARRIED, pl.col("line").str.extract_groups(_TOKENS).alias("tokens"))
        .unnest("tokens")
    )


def _checked_well_formed(lines: pl.LazyFrame, index_codes: frozenset[str]) -> pl.LazyFrame:
    """Tokens, values and ``fine`` (passes every rule) of :data:`_WELL_FORMED` lines, cheaply."""
    parts = pl.col("parts")
    tokens = lines.with_columns(parts=pl.col("line").str.split(" ")).select(
        *_CARRIED,
        symbol=parts.list.first(),
        has_arrow=parts.list.len() != 6,
        price=parts.list.get(1),
        change=parts.list.get(-2),
        pct=parts.list.get(-1).str.strip_prefix("(").str.strip_suffix("%)"),
    )
    numbers = []
    for name in ("price", "change", "pct"):
        token, plain = pl.col(name), pl.col(f"{name}_plain")
        dot = token.str.find(".", literal=True)
        numbers += [
            plain.cast(pl.Float64, strict=False).alias(f"{name}_f"),
            pl.when(dot.is_null())
            .then(0)
            .otherwise(token.str.len_bytes() - dot - 1)
            .cast(pl.UInt32)
            .alias(f"{name}_d"),
            plain.cast(_DECIMAL, strict=False).alias(_VALUE_NAMES[name]),
        ]
    price, change, pct = pl.col("price_f"), pl.col("change_f"), pl.col("pct_f")
    # Within 0.005 of the point value, PCT is inside the rounding box: no corners to compute.
    near = (pct - change / (price - change) * 100).abs() <= 0.005
    return (
        tokens.with_columns(is_index=_is_index(index_codes, has_arrow=pl.col("has_arrow")))
        .with_columns(
            pl.col("price").str.replace_all(",", "", literal=True).alias("price_plain"),
            pl.col("change").str.replace_all(",", "", literal=True).alias("change_plain"),
            pl.col("pct").alias("pct_plain"),
        )
        .with_columns(numbers)
        .select(
            *_CARRIED,
            "symbol",
            "is_index",
            *_VALUE_NAMES.values(),
            *(f"{name}_{kind}" for name in ("price", "change", "pct") for kind in ("f", "d")),
            fine=_possible() & near,
        )
    )


def _judge(candidates: pl.LazyFrame, index_codes: frozenset[str] = frozenset()) -> pl.DataFrame:
    """Tokenise and judge strip-region lines; only lines that start like ticker lines remain.

    Well-formed lines (nearly all) are split on spaces and only checked for a positive
    previous close and a consistent percentage; every other line, and any well-formed one that
    fails, is tokenised by ``_TOKENS`` and judged rule by rule by :func:`_reason`.
    """
    outputs = [*_CARRIED, "symbol", "reason", "is_index", *_VALUE_NAMES.values()]
    no_reason = pl.lit(None, pl.String).alias("reason")
    flagged = candidates.with_columns(
        well_formed=pl.col("line").str.contains(_WELL_FORMED)
    ).collect()
    checked = (
        flagged.lazy()
        .filter(pl.col("well_formed"))
        .pipe(_checked_well_formed, index_codes)
        .collect()
    )
    consistent, _ = _consistency()
    boxed = (
        checked.lazy().filter(~pl.col("fine")).with_columns(fine=_possible() & consistent).collect()
    )
    fine = pl.concat([checked.filter(pl.col("fine")), boxed.filter(pl.col("fine"))])
    doubtful = pl.concat(
        [
            flagged.filter(~pl.col("well_formed")).select(_CARRIED),
            boxed.filter(~pl.col("fine")).select(_CARRIED),
        ]
    )
    # polars 2.1 may panic formatting many-chunk columns: the (few) doubtful lines get one chunk.
    tokens = _tokenise(doubtful.lazy()).with_columns(_numbers()).collect().rechunk()
    judged = tokens.with_columns(
        reason=_reason(index_codes),
        is_index=_is_index(index_codes, has_arrow=pl.col("arrow").is_not_null()),
        **{value: _decimal(name) for name, value in _VALUE_NAMES.items()},
    )
    return pl.concat([fine.with_columns(no_reason).select(outputs), judged.select(outputs)])


def _starts_like_ticker() -> pl.Expr:
    """A symbol, then a ticker phrase or a number not followed by words."""
    line = pl.col("line")
    return line.str.contains(_STARTS_LIKE_TICKER) & (
        line.str.contains(_PHRASE) | (line.str.contains(_NUMERIC_NEXT) & ~line.str.contains(_WORDS))
    )


def _prose_starts(lines: pl.LazyFrame) -> pl.DataFrame:
    """sha256, prose_line_no: where the article begins, the first line of prose after a
    capture's first ticker-like line (captures without one are absent).

    A line of prose is over ``PROSE_CHARS`` characters, has ``PROSE_SPACES`` spaces or more (words,
    not a run of junk) and is not a garbled ticker line (a symbol, then a ticker phrase: that one
    is judged, not skipped). The few long lines are found first (a line of over ``PROSE_CHARS``
    characters has over as many bytes), and only their captures are searched for ticker lines.
    """
    line = pl.col("line")
    long = (
        lines.filter(line.str.len_bytes() > PROSE_CHARS)
        .collect()  # on its own: polars would merge the two filters into one
        .lazy()
        .filter(
            (line.str.len_chars() > PROSE_CHARS)
            & (line.str.count_matches(" ", literal=True) >= PROSE_SPACES)
            & ~(line.str.contains(_STARTS_LIKE_TICKER) & line.str.contains(_PHRASE))
        )
        .select("sha256", "line_no")
        .collect()
    )
    first = (
        lines.join(long.lazy().select("sha256").unique(), on="sha256", how="semi")
        .collect()  # before the filter, which polars would otherwise push below the join
        .lazy()
        .filter(_starts_like_ticker())
        .group_by("sha256")
        .agg(first_ticker_line_no=pl.col("line_no").min())
    )
    return (
        long.lazy()
        .join(first, on="sha256")
        .filter(pl.col("line_no") > pl.col("first_ticker_line_no"))
        .group_by("sha256")
        .agg(prose_line_no=pl.col("line_no").min())
        .collect()
    )


def _before_prose(lines: pl.LazyFrame, prose: pl.DataFrame) -> pl.LazyFrame:
    return lines.join(prose.lazy(), on="sha256", how="left").filter(
        pl.col("prose_line_no").is_null() | (pl.col("line_no") < pl.col("prose_line_no"))
    )


def _evaluate(
    lines: pl.LazyFrame, page_dates: pl.LazyFrame, index_codes: frozenset[str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Judge the strip region's candidate lines; keep the page dates found before any prose.

    Returns:
        The judged lines, and the page dates of ``page_dates`` whose header is the page's.
    """
    prose = _prose_starts(lines)
    dates = page_dates.join(prose.lazy(), on="sha256", how="left").filter(
        pl.col("prose_line_no").is_null() | (pl.col("header_line_no") < pl.col("prose_line_no"))
    )
    strip = (
        _before_prose(lines, prose)
        .join(dates.select("sha256", "header_line_no"), on="sha256", how="left")
        .filter(pl.col("header_line_no").is_null() | (pl.col("line_no") < pl.col("header_line_no")))
    )
    kept = dates.drop("prose_line_no").collect()
    return _judge(strip.select(*_CARRIED), index_codes), kept


def _split_duplicates(parsed: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keep one line of exact repeats of a symbol within a capture; reject conflicting ones.

    A page may print its strip twice: an identical repeat is one quote, a repeat with other
    values rejects every line of that symbol (the page contradicts itself). Both come back in
    ``order``; only symbols seen twice in a capture (rare) go through the window functions.
    Repeats are found on one integer per row, the symbol's hash mixed with the capture's rank (the
    high half of ``order``); a collision only sends a few more lines through the windows.
    """
    group = ["sha256", "symbol"]
    values = ["is_index", *_VALUE_NAMES.values()]
    key = pl.col("symbol").hash(_HASH_SEED) ^ (pl.col(_ORDER) // 2**32)
    repeated = parsed.select(key.is_duplicated()).to_series()
    firsts = [pl.col(name).first().over(group).alias(f"{name}_first") for name in values]
    # Each window is evaluated on its own: nested in one expression they cost ten times more.
    judged = (
        parsed.filter(repeated)
        .sort(_ORDER)
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
            *_CARRIED,
            reason=pl.format(
                "conflicting repeat of {}: lines {} of this page show different values",
                "symbol",
                "line_nos",
            ),
        )
    )
    first = judged.filter(pl.col("is_first") & ~pl.col("is_conflict")).select(parsed.columns)
    return pl.concat([parsed.filter(~repeated), first]).sort(_ORDER), conflicts


def _ordered(frame: pl.LazyFrame, capture_no: pl.Expr) -> pl.LazyFrame:
    """Add ``order``: sorting on it (one integer) sorts by sha256, line_no.

    Args:
        frame: Has ``line_no`` (i32).
        capture_no: The rank of the row's sha256 among all of them.
    """
    line = (pl.col("line_no").cast(pl.Int64) + 2**31).cast(pl.UInt64)
    return frame.with_columns((capture_no.cast(pl.UInt64) * 2**32 + line).alias(_ORDER))


def _line_frame(text: pl.Expr) -> list[pl.Expr]:
    """Expressions exploding to one row per line of ``text``, numbered from 1."""
    return [
        pl.col("sha256"),
        pl.col("capture_no"),
        text.str.split("\n").alias("line"),
        pl.int_ranges(1, text.str.count_matches("\n", literal=True) + 2, dtype=pl.Int32).alias(
            "line_no"
        ),
    ]


def _collapsed(line: pl.Expr) -> pl.Expr:
    """``" ".join(line.split())``: only lines with odd whitespace are rewritten."""
    odd = line.str.contains(rf"{_WS}{{2}}|^{_WS}|{_WS}$|[\s\x1c-\x1f&&[^ ]]")
    return (
        pl.when(odd)
        .then(line.str.replace_all(rf"{_WS}+", " ").str.strip_chars(" "))
        .otherwise(line)
    )


def _exploded(frame: pl.LazyFrame, text: pl.Expr) -> pl.LazyFrame:
    """One row per non-empty, whitespace-collapsed line of ``text``, with ``order``."""
    return (
        frame.select(_line_frame(text))
        .explode("line", "line_no")
        .with_columns(_collapsed(pl.col("line")))
        .filter(pl.col("line") != "")
        .pipe(_ordered, pl.col("capture_no"))
        .select(*_CARRIED)
    )


def parse_texts(
    texts: pl.DataFrame,
    lines: pl.DataFrame | None = None,
    *,
    index_codes: frozenset[str] = frozenset(),
) -> tuple[TickerFrames, pl.DataFrame]:
    """Parse whole capture texts (and optionally captures already split into lines) at once.

    The same result as splitting every text into ``" ".join(line.split())`` lines and calling
    :func:`parse_lines`, but cheaper: the page-date header is found in the raw text, and only the
    lines before it (the strip) are split and parsed; the article is never split.

    Args:
        texts: ``sha256`` and ``text`` (normalised: LF line ends, no Unicode spaces).
        lines: Optional :func:`parse_lines` input for more captures.
        index_codes: The codes that are indices whatever their line's shape.

    Returns:
        The ticker frames of all captures, and ``sha256``, ``line_count`` (i32) for the texts.
    """
    lines = lines_frame("", []) if lines is None else lines
    shas = pl.concat([texts["sha256"], lines["sha256"]]).unique().sort()
    ranks = pl.DataFrame({"sha256": shas, "capture_no": pl.int_range(len(shas), eager=True)})
    found = (
        texts.lazy()
        .join(ranks.lazy(), on="sha256")
        .with_columns(
            header_at=pl.col("text").str.find(_HEADER_IN_TEXT),
            line_count=(pl.col("text").str.count_matches("\n", literal=True) + 1).cast(pl.Int32),
        )
        .with_columns(
            strip=pl.col("text").cast(pl.Binary).bin.slice(0, pl.col("header_at")).cast(pl.String)
        )
        .collect()
        .lazy()
    )
    # The header line starts where the strip ends; 400 characters hold any date it may show.
    header_line = pl.col("text").str.slice(pl.col("strip").str.len_chars(), 400)
    headers = found.filter(pl.col("header_at").is_not_null()).select(
        "sha256",
        line_no=pl.col("strip").str.count_matches("\n", literal=True).cast(pl.Int32) + 1,
        line=_collapsed(header_line.str.extract(r"^([^\n]*)")),
    )
    page_dates = _page_dates(headers)
    # A first header with an impossible date (Feb 30): parse every line, like parse_lines.
    undated = (
        found.filter(pl.col("header_at").is_not_null())
        .join(page_dates.lazy(), on="sha256", how="anti")
        .select("sha256")
        .collect()
    )
    line_frames = pl.concat(
        [
            found.join(undated.lazy(), on="sha256", how="semi").pipe(_exploded, pl.col("text")),
            lines.lazy()
            .pipe(_typed)
            .join(ranks.lazy(), on="sha256")
            .pipe(_ordered, pl.col("capture_no"))
            .select(*_CARRIED),
        ]
    ).collect()
    rest, rest_dates = _evaluate(
        line_frames.lazy(), _page_dates(line_frames.lazy()).lazy(), index_codes
    )
    strips = (
        found.join(undated.lazy(), on="sha256", how="anti")
        .pipe(_exploded, pl.col("strip"))
        .collect()  # once: both the prose search and the judging read it
        .lazy()
    )
    # Prose before the header: the header is the article's date, and the strip ends at it.
    prose = _prose_starts(strips)
    strip_dates = page_dates.join(prose, on="sha256", how="anti")
    evaluated = pl.concat(
        [_judge(_before_prose(strips, prose).select(_CARRIED), index_codes), rest]
    )
    counts = found.select("sha256", "line_count").collect()
    return _frames(evaluated, pl.concat([strip_dates, rest_dates])), counts


def _typed(lines: pl.LazyFrame) -> pl.LazyFrame:
    return lines.select(
        pl.col("sha256").cast(pl.String),
        pl.col("line_no").cast(pl.Int32),
        pl.col("line").cast(pl.String),
    )


def parse_lines(
    lines: pl.DataFrame | pl.LazyFrame, *, index_codes: frozenset[str] = frozenset()
) -> TickerFrames:
    """Parse the ticker strips of many captures at once.

    Args:
        lines: Columns ``sha256`` (str), ``line_no`` (int, 1-based) and ``line`` (str, already
            whitespace-normalised); any number of captures.
        index_codes: The codes that are indices whatever their line's shape.

    Returns:
        The quotes, index levels, rejected lines and page dates, each sorted by sha256, line_no.
    """
    typed = lines.lazy().pipe(_typed)
    ordered = typed.pipe(_ordered, pl.col("sha256").rank("dense"))
    evaluated, page_dates = _evaluate(ordered, _page_dates(typed).lazy(), index_codes)
    return _frames(evaluated, page_dates)


def _frames(evaluated: pl.DataFrame, page_dates: pl.DataFrame) -> TickerFrames:
    parsed, conflicts = _split_duplicates(evaluated.filter(pl.col("reason").is_null()))
    invalid = evaluated.filter(pl.col("reason").is_not_null()).select(*_CARRIED, "reason")
    rejected = pl.concat([invalid, conflicts]).sort(_ORDER)
    measures = [pl.col("change_value").alias("change"), pl.col("change_pct")]
    stocks = parsed.filter(~pl.col("is_index"))
    indices = parsed.filter(pl.col("is_index"))
    return TickerFrames(
        quotes=stocks.select(*_KEY, "symbol", pl.col("value").alias("close_price"), *measures),
        index_levels=indices.select(
            *_KEY, pl.col("symbol").alias("index_code"), pl.col("value").alias("level"), *measures
        ),
        rejected_lines=rejected.select(*_KEY, "line", "reason"),
        page_dates=page_dates.select(
            "sha256", pl.col("page_date").cast(pl.Date), pl.col("header_line_no").cast(pl.Int32)
        ).sort("sha256"),
    )
