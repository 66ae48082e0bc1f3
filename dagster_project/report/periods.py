"""The week and the month around a market day, and the day's corporate actions, read from the
period facts (``marts.fct_period_movers``, ``marts.fct_index_period_changes``) and
``marts.fct_corporate_actions``.

A period is shown as the warehouse holds it: for the latest market date (the report's default)
that is the week and the month so far; for an earlier day, the period that holds it, through its
last market date (``PeriodView.last_market_date`` says which).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import duckdb

from dagster_project.core.dating.periods import PeriodKind, period_start
from dagster_project.core.warehouse.database import table_exists

#: The periods the report shows, by ``period_kind``.
SHOWN: tuple[PeriodKind, ...] = ("week", "month")
_TABLES = ("fct_period_movers", "fct_index_period_changes", "fct_corporate_actions")


@dataclass(frozen=True, slots=True)
class Action:
    """A corporate action: the break between a symbol's close and its next printed prev close."""

    symbol: str
    market_date: dt.date
    close_before: Decimal
    prev_close_printed: Decimal
    adjustment_factor: float
    kind: str

    @property
    def label(self) -> str:
        """``×0.50 on 16 Oct`` (what a close before it is multiplied by)."""
        return f"×{self.adjustment_factor:.2f} on {self.market_date.day} {self.market_date:%b}"


@dataclass(frozen=True, slots=True)
class PeriodMover:
    """A symbol's adjusted return over the period, with the actions adjusted for."""

    symbol: str
    return_pct: Decimal
    first_adjusted_close: Decimal
    last_adjusted_close: Decimal
    actions: tuple[Action, ...]


@dataclass(frozen=True, slots=True)
class PeriodView:
    """One period: its top gainers and losers (adjusted) and the indices' changes."""

    kind: str
    start: dt.date
    last_market_date: dt.date
    sessions: int
    gainers: tuple[PeriodMover, ...]
    losers: tuple[PeriodMover, ...]
    indices: tuple[tuple[str, Decimal, Decimal], ...]
    """``(index_code, change, change_pct)``."""


@dataclass(frozen=True, slots=True)
class Periods:
    """The week and the month around the day (None when the warehouse has no close in them) and
    the day's corporate actions."""

    week: PeriodView | None
    month: PeriodView | None
    actions: tuple[Action, ...]


def _actions(con: duckdb.DuckDBPyConnection, where: str, params: list[object]) -> list[Action]:
    rows = con.execute(
        "select symbol, market_date, close_before, prev_close_printed, adjustment_factor, kind "
        f"from marts.fct_corporate_actions where {where} order by market_date, symbol",
        params,
    ).fetchall()
    return [Action(*row) for row in rows]


def _movers(
    con: duckdb.DuckDBPyConnection, kind: str, start: dt.date, rank: str, top_n: int
) -> tuple[PeriodMover, ...]:
    rows = con.execute(
        "select symbol, return_pct, first_adjusted_close, last_adjusted_close, first_market_date, "
        f"last_market_date from marts.fct_period_movers where period_kind = ? "
        f"and period_start = ? and {rank} <= ? order by {rank}",
        [kind, start, top_n],
    ).fetchall()
    movers = []
    for symbol, change, first, last, first_day, last_day in rows:
        actions = _actions(
            con,
            "symbol = ? and market_date > ? and market_date <= ?",
            [symbol, first_day, last_day],
        )
        movers.append(PeriodMover(symbol, change, first, last, tuple(actions)))
    return tuple(movers)


def _period(
    con: duckdb.DuckDBPyConnection, kind: PeriodKind, day: dt.date, top_n: int
) -> PeriodView | None:
    start = period_start(kind, day)
    [(last, sessions)] = con.execute(
        "select max(last_market_date), max(sessions_in_period) from marts.fct_period_movers "
        "where period_kind = ? and period_start = ?",
        [kind, start],
    ).fetchall()
    if last is None:
        return None
    indices = con.execute(
        "select index_code, change, change_pct from marts.fct_index_period_changes "
        "where period_kind = ? and period_start = ? order by index_code",
        [kind, start],
    ).fetchall()
    return PeriodView(
        kind=kind,
        start=start,
        last_market_date=last,
        sessions=int(sessions),
        gainers=_movers(con, kind, start, "gainer_rank", top_n),
        losers=_movers(con, kind, start, "loser_rank", top_n),
        indices=tuple(indices),
    )


def read_periods(con: duckdb.DuckDBPyConnection, day: dt.date, *, top_n: int) -> Periods | None:
    """The week, the month and the day's actions; None for a warehouse built before them."""
    if not all(table_exists(con, "marts", table) for table in _TABLES):
        return None
    week, month = (_period(con, kind, day, top_n) for kind in SHOWN)
    return Periods(week, month, tuple(_actions(con, "market_date = ?", [day])))
