"""Every warehouse the bench builds, checked against the generator's ``expected.json``.

The ground truth is derived in ``dagster_project/tools/synth/truth.py`` (the end-to-end tests
use the same functions); here each published relation is read back and compared with it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb

from dagster_project.tools.synth.truth import (
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


def compare(warehouse: Path, expected: Path, *, until: dt.date | None = None) -> dict[str, bool]:
    """Whether the warehouse holds the ground truth of the market dates up to ``until`` (all of
    them by default), one verdict each, every value exactly: closes and index levels, corporate
    actions, adjusted closes and period movers (the warehouse rounds its doubles as exact
    arithmetic does, ``dbt/macros/round_exact.sql``, and the truth computes with fractions)."""
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
        "adjusted_closes": adjusted == expected_adjusted_closes(truth, until=until),
        "period_movers": {tuple(row[:3]): tuple(row[3:]) for row in periods}
        == expected_period_movers(truth, until=until),
    }
