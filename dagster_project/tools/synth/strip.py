"""The ticker strip printed exactly as Business Recorder prints it, and lines cut short."""

from __future__ import annotations

import random
from collections.abc import Iterator

from dagster_project.tools.synth.market import INDEX_CODES, Instrument


def half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded to an integer, halves away from zero."""
    quotient = (2 * abs(numerator) + denominator) // (2 * denominator)
    return -quotient if numerator < 0 else quotient


def _grouped(units: int, decimals: int) -> str:
    """``units`` (scaled by 10**decimals) as ``-1,234.5``."""
    sign, magnitude = ("-" if units < 0 else ""), abs(units)
    whole, fraction = divmod(magnitude, 10**decimals)
    return f"{sign}{whole:,}.{fraction:0{decimals}d}" if decimals else f"{sign}{whole:,}"


def _trimmed(units: int, decimals: int) -> str:
    """Like :func:`_grouped` without trailing zeros (``-0.6``, ``5.06``, ``0``, ``-181``)."""
    text = _grouped(units, decimals)
    if decimals:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _pct(change: int, previous: int) -> str:
    return _trimmed(half_up(change * 10_000, previous), 2)


def ticker_line(instrument: Instrument, value: int, previous: int) -> tuple[str, list[str]]:
    """The printed line and its [value, change, pct] as the parser reads them back."""
    change = value - previous
    pct = _pct(change, previous)
    if instrument.is_index:  # level to whole points, change to one decimal, no arrow
        level, tenths = half_up(value, 100), half_up(change, 10)
        phrase = "Increased By" if tenths > 0 else "Decreased By" if tenths < 0 else "No Change"
        shown = [_grouped(level, 0), _trimmed(tenths, 1)]
        parsed = [str(level), _trimmed(tenths, 1).replace(",", ""), pct]
    else:
        phrase = (
            "Increased By ▲" if change > 0 else "Decreased By ▼" if change < 0 else "No Change ▼"
        )
        shown = [_grouped(value, 2), _grouped(change, 2)]
        parsed = [text.replace(",", "") for text in shown] + [pct]
    return f"{instrument.code} {shown[0]} {phrase} {shown[1]} ({pct}%)", parsed


def strips(
    items: list[Instrument], rows: list[list[int]]
) -> Iterator[tuple[list[str], dict[str, list[str]]]]:
    """Per row of values, the printed strip and the values as the parser reads them back."""
    for row in rows:
        strip, parsed = [], {}
        for item, value in zip(items, row, strict=True):
            line, numbers = ticker_line(item, value, item.value)
            strip.append(line)
            parsed[item.code] = numbers
        yield strip, parsed


def _broken(rng: random.Random, line: str) -> str:
    """A ticker line cut short inside its price or later (never a valid line)."""
    symbol_end = line.index(" ")
    return line[: rng.randint(symbol_end + 2, len(line) - 1)].rstrip()


def with_broken_line(rng: random.Random, strip: list[str], share: float) -> list[str]:
    """The broken lines to insert (none or one), inserted in place into ``strip``."""
    if rng.random() >= share:
        return []
    at_line = rng.randrange(len(strip) - len(INDEX_CODES))
    broken = _broken(rng, strip[at_line])
    strip.insert(at_line, broken)
    return [broken]
