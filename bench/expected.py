"""Every warehouse the bench builds, checked against the generator's ``expected.json``.

The ground truth is derived in ``dagster_project/tools/synth/truth.py`` (the end-to-end tests
use the same functions); here each published relation is read back and compared with it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.tools.synth.truth import (
    FOUR,
    expected_actions,
    expected_adjusted_closes,
    expected_closes,
    expected_period_movers,
)

_CLOSES = (
    "select market_date, 'quotes', symbol, close_price, change, change_pct "
    "from marts.fct_daily_movers union all "
    "select market_date, 'indices', index_code, level, change, change_pct "
    "from marts.fct_index_changes"
)
_ACTIONS = (
    "select market_date, symbol, close_before, prev_close_printed, adjustment_factor, kind "
    "from marts.fct_corporate_actions order by market_date, symbol"
)
_ADJUSTED = "select market_date, symbol, adjusted_close from marts.fct_adjusted_closes"
_PERIODS = (
    "select period_kind, period_start, symbol, first_market_date, last_market_date, "
    "first_adjusted_close, last_adjusted_close, sessions_observed, return_pct "
    "from marts.fct_period_movers"
)


def _near(found: Any, wanted: Any) -> bool:
    """Equal to the fourth decimal: the warehouse multiplies and divides the factors in doubles,
    so a value whose exact form ends in a 5 at the fifth decimal (a close times 0.125) may round
    the other way in the fourth."""
    return bool(abs(found - wanted) <= FOUR)


def _adjusted_match(found: dict[Any, Any], expected: dict[Any, Any]) -> bool:
    return found.keys() == expected.keys() and all(
        _near(value, expected[key]) for key, value in found.items()
    )


def _periods_match(rows: list[tuple[Any, ...]], truth: dict[str, Any], until: dt.date) -> bool:
    """Dates and counts exactly; the adjusted closes and the return to the fourth decimal."""
    expected = expected_period_movers(truth, until=until)
    found = {tuple(row[:3]): tuple(row[3:]) for row in rows}
    if found.keys() != expected.keys():
        return False
    for key, (first_day, last_day, first, last, observed, change) in found.items():
        w_first_day, w_last_day, w_first, w_last, w_observed, w_change = expected[key]
        if (first_day, last_day, observed) != (w_first_day, w_last_day, w_observed):
            return False
        if not (_near(first, w_first) and _near(last, w_last) and _near(change, w_change)):
            return False
    return True


def compare(warehouse: Path, expected: Path, *, until: dt.date | None = None) -> dict[str, bool]:
    """Whether the warehouse holds the ground truth of the market dates up to ``until`` (all of
    them by default), one verdict each: closes and index levels and corporate actions exactly,
    adjusted closes and period movers to the fourth decimal (``_near``)."""
    truth = json.loads(expected.read_text(encoding="utf-8"))
    last = max(dt.date.fromisoformat(day) for day in truth["market_dates"])
    until = min(until or last, last)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        closes = {
            (day, kind, code): (value, change, pct)
            for day, kind, code, value, change, pct in con.execute(_CLOSES).fetchall()
        }
        actions = con.execute(_ACTIONS).fetchall()
        rows = con.execute(_ADJUSTED).fetchall()
        adjusted = {(day, symbol): value for day, symbol, value in rows}
        periods = con.execute(_PERIODS).fetchall()
    return {
        "closes": closes == expected_closes(truth, until=until),
        "corporate_actions": actions == expected_actions(truth, until=until),
        "adjusted_closes": _adjusted_match(adjusted, expected_adjusted_closes(truth, until=until)),
        "period_movers": _periods_match(periods, truth, until),
    }
