"""The market model: stocks and indices whose closes follow a seeded, mean-reverting random walk."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from dagster_project.tools.synth.limits import PriceLimit
from dagster_project.tools.synth.symbols import symbol_names

INDEX_CODES = ("BR100", "BR30", "KSE100", "KSE30")

_INDEX_START = {"BR100": 3_500_00, "BR30": 16_000_00, "KSE100": 32_000_00, "KSE30": 20_000_00}
_REVERSION = 0.003  # pull of log(price / anchor) per session: prices neither die nor explode
_NO_TRADE = 0.03  # share of (symbol, session) pairs printed as "No Change"


@dataclass
class Instrument:
    """A stock or index on the strip and its current value (changes as the walk goes on)."""

    code: str
    is_index: bool
    value: int  # paisa for a stock, hundredths of a point for an index
    anchor: float
    volatility: float


def instruments(rng: random.Random, symbols: int) -> list[Instrument]:
    """``symbols`` stocks (A→Z) at random starting prices, then the indices of ``INDEX_CODES``."""
    stocks = []
    for code in symbol_names(symbols):
        value = int(math.exp(rng.uniform(math.log(2), math.log(600))) * 100)
        stocks.append(Instrument(code, False, value, math.log(value), rng.uniform(0.012, 0.03)))
    indices = [
        Instrument(code, True, start, math.log(start), rng.uniform(0.006, 0.011))
        for code, start in _INDEX_START.items()
    ]
    return stocks + indices


def _clamp(item: Instrument, previous: int, change: int, limit: PriceLimit) -> int:
    """``change`` held within the session's price limit (``limits.py``) and a floor of Rs 1 for
    a stock, ±6% for an index."""
    if item.is_index:
        return max(-previous * 6 // 100, min(previous * 6 // 100, change))
    most = limit.paisa(previous)
    change = max(-most, min(most, change))
    return max(previous + change, 100) - previous


def session_values(
    rng: random.Random, items: list[Instrument], captures: int, limit: PriceLimit
) -> list[list[int]]:
    """Per capture of one session, each instrument's value; the last row is the close.

    The close is a mean-reverting log random walk; intraday values follow a noisy bridge from
    the previous close to today's, every value within the session's price ``limit``.
    """
    closes = []
    for item in items:
        drift = -_REVERSION * (math.log(item.value) - item.anchor)
        move = (
            0.0
            if not item.is_index and rng.random() < _NO_TRADE
            else rng.gauss(drift, item.volatility)
        )
        closes.append(item.value + _clamp(item, item.value, round(item.value * move), limit))
    rows = []
    for number in range(1, captures):
        share = number / captures
        spread = math.sqrt(share * (1 - share))
        row = []
        for item, close in zip(items, closes, strict=True):
            noise = rng.gauss(0.0, item.volatility * spread)
            change = round((close - item.value) * share + item.value * noise)
            row.append(item.value + _clamp(item, item.value, change, limit))
        rows.append(row)
    return [*rows, closes]
