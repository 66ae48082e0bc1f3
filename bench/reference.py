"""The two baselines the normaliser is measured against.

``bare_read`` is the floor: reading every capture's bytes once, one after the other.
``parse_pure_python`` is a straightforward line-by-line parser of the same grammar (decode, split
lines, one regex per line, ``Decimal`` arithmetic for the percentage check), as one would write it
without polars. It hashes each capture like the real path does, so both do the same work.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from dagster_project.core.capture.decode import html_to_text

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("Jan", "January"), ("Feb", "February"), ("Mar", "March"), ("Apr", "April"),
            ("May",), ("Jun", "June"), ("Jul", "July"), ("Aug", "August"),
            ("Sep", "Sept", "September"), ("Oct", "October"), ("Nov", "November"),
            ("Dec", "December"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_HEADER = re.compile(
    rf"^({'|'.join(sorted(_MONTHS, key=len, reverse=True))}) (\d{{1,2}}), (\d{{4}})(?: |$)"
)
_LINE = re.compile(
    r"^([A-Z][A-Z0-9]{0,11}) ((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?) "
    r"(?:Increased By|Decreased By|No Change)( [▲▼])? (-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?) "
    r"\((-?\d+(?:\.\d{1,2})?)%\)$"
)
_STARTS_LIKE = re.compile(
    r"^[A-Z][A-Z0-9]{0,11} (?:[-+]?[\d,]*\.?\d|.*(?:Increased By|Decreased By|No Change))"
)


@dataclass
class Parsed:
    """What a parser found in a batch of captures (compared between the paths)."""

    captures: int = 0
    quotes: int = 0
    index_levels: int = 0
    rejected_lines: int = 0
    dated: int = 0


def bare_read(paths: Sequence[Path]) -> int:
    """Read every file once; return the number of bytes read."""
    return sum(len(path.read_bytes()) for path in paths)


def _half(text: str) -> Decimal:
    decimals = len(text.partition(".")[2])
    return Decimal(5).scaleb(-decimals - 1)


def _consistent(price: str, change: str, pct: str) -> bool:
    value, delta = Decimal(price.replace(",", "")), Decimal(change.replace(",", ""))
    shown = Decimal(pct)
    half_value, half_delta = _half(price), _half(change)
    if value - half_value - delta - half_delta <= 0:
        return value - delta > 0
    corners = [
        (delta + dc * half_delta) / (value + dp * half_value - delta - dc * half_delta) * 100
        for dp in (-1, 1)
        for dc in (-1, 1)
    ]
    return min(corners) - Decimal("0.005") <= shown <= max(corners) + Decimal("0.005")


def _parse_text(text: str, parsed: Parsed) -> None:
    seen: dict[str, tuple[str, ...]] = {}
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        header = _HEADER.match(line)
        if header:
            try:
                dt.date(int(header[3]), _MONTHS[header[1]], int(header[2]))
            except ValueError:
                pass
            else:
                parsed.dated += 1
                return
        match = _LINE.match(line)
        if match is None:
            parsed.rejected_lines += bool(_STARTS_LIKE.match(line))
            continue
        symbol, price, arrow, change, pct = match.groups()
        try:
            ok = (arrow is None or price.endswith(tuple(f".{d:02d}" for d in range(100)))) and (
                _consistent(price, change, pct)
            )
        except (InvalidOperation, ZeroDivisionError):
            ok = False
        values = (price, arrow or "", change, pct)
        if ok and symbol in seen:  # an exact repeat is dropped, a conflicting one rejected
            ok = seen[symbol] == values
            parsed.rejected_lines += not ok
            continue
        seen[symbol] = values
        if not ok:
            parsed.rejected_lines += 1
        elif arrow:
            parsed.quotes += 1
        else:
            parsed.index_levels += 1


def parse_pure_python(paths: Sequence[Path]) -> Parsed:
    """Hash, decode and parse each capture line by line in plain Python."""
    parsed = Parsed()
    for path in paths:
        data = path.read_bytes()
        hashlib.sha256(data).hexdigest()
        text = data.decode("utf-8-sig").replace("\r\n", "\n")
        if path.suffix.lower() in (".htm", ".html"):
            text = html_to_text(text)
        parsed.captures += 1
        _parse_text(text, parsed)
    return parsed
