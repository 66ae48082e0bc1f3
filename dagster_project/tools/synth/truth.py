"""What a warehouse built from synthetic captures must hold, derived from ``expected.json`` alone.

The generator writes each session's closing strip and every corporate action it injected; from
those this module computes the facts a correct build publishes: the daily closes and index
levels, the corporate actions with their factors, the adjusted closes and the period movers. The
end-to-end tests and the bench compare the warehouse with them (``bench/expected.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from dagster_project.core.dating.periods import PERIOD_KINDS, period_start

#: The adjusted closes' and period returns' scale (``decimal(18, 4)``).
FOUR = Decimal("0.0001")


def _rounded(value: Fraction) -> Decimal:
    """``value`` rounded half away from zero to four decimals, exactly: a ratio such as 1.00 /
    4.48 has no finite decimal form, and a Decimal rounded to its context's 28 digits could put
    4.34 x 1.00 / 4.48 = 0.96875 just below the half (0.9687 instead of 0.9688)."""
    scaled = abs(value) * 10_000
    units = int(scaled + Fraction(1, 2))  # floor, as the value is not negative
    return (Decimal(units if value >= 0 else -units) / 10_000).quantize(FOUR, ROUND_HALF_UP)


Truth = Mapping[str, Any]


def _days(truth: Truth, until: dt.date | None) -> dict[dt.date, Any]:
    days = {dt.date.fromisoformat(day): facts for day, facts in truth["market_dates"].items()}
    return {day: facts for day, facts in days.items() if until is None or day <= until}


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def expected_closes(
    truth: Truth, *, until: dt.date | None = None
) -> dict[tuple[dt.date, str, str], tuple[Decimal, Decimal, Decimal]]:
    """(market date, ``quotes`` or ``indices``, code) → (price or level, change, change %)."""
    return {
        (day, kind, code): (_number(value), _number(change), _number(pct))
        for day, facts in _days(truth, until).items()
        for kind in ("quotes", "indices")
        for code, (value, change, pct) in facts[kind].items()
    }


def _actions(truth: Truth, until: dt.date | None) -> list[dict[str, Any]]:
    return [
        action
        for action in truth.get("corporate_actions", [])
        if until is None or dt.date.fromisoformat(action["market_date"]) <= until
    ]


def expected_actions(
    truth: Truth, *, until: dt.date | None = None
) -> list[tuple[dt.date, str, Decimal, Decimal, float, str]]:
    """``marts.fct_corporate_actions`` in (market date, symbol) order: market date, symbol,
    ``close_before``, ``prev_close_printed``, ``adjustment_factor``, ``kind``."""
    rows = [
        (
            dt.date.fromisoformat(action["market_date"]),
            action["symbol"],
            Decimal(action["close_before"]),
            Decimal(action["prev_close_printed"]),
            action["adjustment_factor"],
            "bonus_or_split" if action["adjustment_factor"] < 1 else "other",
        )
        for action in _actions(truth, until)
    ]
    return sorted(rows, key=lambda row: (row[0], row[1]))


def _ratios(truth: Truth, until: dt.date | None) -> dict[str, list[tuple[dt.date, Fraction]]]:
    ratios: dict[str, list[tuple[dt.date, Fraction]]] = {}
    for action in _actions(truth, until):
        ratio = Fraction(action["prev_close_printed"]) / Fraction(action["close_before"])
        ratios.setdefault(action["symbol"], []).append(
            (dt.date.fromisoformat(action["market_date"]), ratio)
        )
    return ratios


def _factor(ratios: list[tuple[dt.date, Fraction]], after: dt.date, upto: dt.date) -> Fraction:
    """The product of the ratios of the actions in (``after``, ``upto``], exactly."""
    factor = Fraction(1)
    for when, ratio in ratios:
        factor *= ratio if after < when <= upto else 1
    return factor


def expected_adjusted_closes(
    truth: Truth, *, until: dt.date | None = None
) -> dict[tuple[dt.date, str], Decimal]:
    """(market date, symbol) → ``adjusted_close``: the close times every later action's ratio."""
    ratios = _ratios(truth, until)
    return {
        (day, symbol): _rounded(
            Fraction(_number(close)) * _factor(ratios.get(symbol, []), day, dt.date.max)
        )
        for day, facts in _days(truth, until).items()
        for symbol, (close, _change, _pct) in facts["quotes"].items()
    }


PeriodKey = tuple[str, dt.date, str]
PeriodRow = tuple[dt.date, dt.date, Decimal, Decimal, int, Decimal]


def expected_period_movers(
    truth: Truth, *, until: dt.date | None = None
) -> dict[PeriodKey, PeriodRow]:
    """(period kind, period start, symbol) → first and last market date, first adjusted close
    (adjusted for the actions up to the period's last close), last close, closes observed and
    the adjusted return in per cent."""
    ratios = _ratios(truth, until)
    closes: dict[PeriodKey, list[tuple[dt.date, Decimal]]] = {}
    for day, facts in _days(truth, until).items():
        for symbol, (close, _change, _pct) in facts["quotes"].items():
            for kind in PERIOD_KINDS:
                key: PeriodKey = (kind, period_start(kind, day), symbol)
                closes.setdefault(key, []).append((day, _number(close)))
    expected: dict[PeriodKey, PeriodRow] = {}
    for key, rows in closes.items():
        (first_day, first), (last_day, last) = min(rows), max(rows)
        factor = _factor(ratios.get(key[2], []), first_day, last_day)
        first_adjusted = _rounded(Fraction(first) * factor)
        change = _rounded(100 * (Fraction(last) / Fraction(first_adjusted) - 1))
        expected[key] = (first_day, last_day, first_adjusted, last, len(rows), change)
    return expected
