"""The session's index levels at each capture time, from ``marts.fct_intraday_index_levels``.

A warehouse built before the intraday marts existed has no such table: its indices then have no
intraday line, and the report and summary leave it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import duckdb

#: An index needs this many timed captures of its session to draw a line.
MIN_CAPTURES = 2


@dataclass(frozen=True, slots=True)
class IntradayPoint:
    """An index level as one capture of the session showed it."""

    captured_at: dt.datetime
    level: Decimal
    session_phase: str | None
    """``pre_open``, ``open`` or ``post_close``; None when the trading hours do not say."""
    is_daily_value: bool
    """True for the capture the day's facts were taken from."""


def intraday_levels(
    con: duckdb.DuckDBPyConnection, market_date: dt.date
) -> dict[str, tuple[IntradayPoint, ...]]:
    """Each index's levels through the session, in capture order, when it has two or more."""
    try:
        rows = con.execute(
            "select index_code, captured_at, level, session_phase, is_daily_value "
            "from marts.fct_intraday_index_levels where market_date = ? "
            "order by index_code, captured_at, capture_id",
            [market_date],
        ).fetchall()
    except duckdb.CatalogException:
        return {}
    points: dict[str, list[IntradayPoint]] = {}
    for code, captured_at, level, phase, is_daily_value in rows:
        points.setdefault(code, []).append(
            IntradayPoint(captured_at, level, phase, bool(is_daily_value))
        )
    return {code: tuple(line) for code, line in points.items() if len(line) >= MIN_CAPTURES}


def low_high(points: Sequence[IntradayPoint]) -> tuple[IntradayPoint, IntradayPoint]:
    """The session's lowest and highest captured level (the first of equal ones)."""
    low = min(points, key=lambda point: point.level)
    high = max(points, key=lambda point: point.level)
    return low, high
