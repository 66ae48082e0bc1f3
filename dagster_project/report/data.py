"""One market day read from the published warehouse, as typed values for the report and summary.

Only ``marts.*`` and ``audit.*`` are read, through a read-only connection, so a report can be made
while a build runs (the build swaps the file atomically; a report sees the old or the new one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.core.errors import ConfigError, NoMarketDateError, WarehouseError
from dagster_project.report.format import short_date
from dagster_project.report.headlines import Headline, day_headlines, mover_headlines
from dagster_project.report.intraday import IntradayPoint, intraday_levels
from dagster_project.report.periods import Periods, read_periods

#: Indices shown first, in this order; any other index code follows A to Z.
INDEX_ORDER = ("KSE100", "KSE30", "KMI30", "ALLSHR", "BR100", "BR30")


@dataclass(frozen=True, slots=True)
class IndexDay:
    """One index on the day, with its levels over the last sessions (oldest first)."""

    index_code: str
    level: Decimal
    change: Decimal
    change_pct: Decimal
    prev_level: Decimal
    history: tuple[tuple[dt.date, Decimal], ...]
    intraday: tuple[IntradayPoint, ...] = ()
    """Its level at each timed capture of the session, when there are two or more."""


@dataclass(frozen=True, slots=True)
class Quote:
    """One symbol on the day (a row of ``marts.fct_daily_movers``)."""

    symbol: str
    company_name: str | None
    sector: str
    close_price: Decimal
    change: Decimal
    change_pct: Decimal
    gainer_rank: int | None
    loser_rank: int | None
    headline_id: str | None = None
    headline: str | None = None
    """The symbol's most relevant headline of the day (or the evening before), if any."""
    headline_match: str | None = None


@dataclass(frozen=True, slots=True)
class SectorDay:
    """One sector on the day (a row of ``marts.fct_sector_daily``)."""

    sector: str
    symbol_count: int
    advancers: int
    decliners: int
    unchanged: int
    avg_change_pct: Decimal
    best_symbol: str
    worst_symbol: str


@dataclass(frozen=True, slots=True)
class Breadth:
    advancers: int
    decliners: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.advancers + self.decliners + self.unchanged


@dataclass(frozen=True, slots=True)
class CaptureRow:
    """A capture of the day from ``audit.captures``."""

    capture_id: str
    source_path: str
    captured_at: dt.datetime | None
    """When the page was taken; None when neither the capture nor its file says."""
    status: str
    reason: str | None
    rejected_line_count: int
    dated_by: str | None = None
    """Which source dated the capture: page, sidecar, file_name or file_time."""
    captured_at_source: str = "unknown"
    """Which source gave ``captured_at``: sidecar, file_name, file_time or unknown."""


@dataclass(frozen=True, slots=True)
class CaptureAudit:
    """What happened to the captures of the day."""

    captures: tuple[CaptureRow, ...]
    rejected_lines: int
    undated_rejected: int

    def count(self, status: str) -> int:
        return sum(1 for row in self.captures if row.status == status)


@dataclass(frozen=True, slots=True)
class DayReport:
    """Everything the report and the summary show for one market date."""

    market_date: dt.date
    indices: tuple[IndexDay, ...]
    quotes: tuple[Quote, ...]
    sectors: tuple[SectorDay, ...]
    breadth: Breadth
    audit: CaptureAudit
    top_n: int
    headlines: tuple[Headline, ...] | None = None
    periods: Periods | None = None
    """The day's distinct headlines; None when the warehouse predates the headline marts."""

    @property
    def gainers(self) -> tuple[Quote, ...]:
        ranked = [quote for quote in self.quotes if quote.gainer_rank is not None]
        return tuple(sorted(ranked, key=lambda quote: quote.gainer_rank or 0)[: self.top_n])

    @property
    def losers(self) -> tuple[Quote, ...]:
        ranked = [quote for quote in self.quotes if quote.loser_rank is not None]
        return tuple(sorted(ranked, key=lambda quote: quote.loser_rank or 0)[: self.top_n])

    def members(self, sector: str) -> tuple[Quote, ...]:
        """The sector's symbols, best first."""
        inside = [quote for quote in self.quotes if quote.sector == sector]
        return tuple(sorted(inside, key=lambda quote: (-quote.change_pct, quote.symbol)))


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    return con.execute(sql, params).fetchall()


def market_dates(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    """Every market date with quotes, oldest first."""
    sql = "select distinct market_date from marts.fct_daily_movers order by market_date"
    return [row[0] for row in _rows(con, sql, [])]


def resolve_date(available: list[dt.date], wanted: dt.date | None) -> dt.date:
    """The wanted market date, or the latest one; a clear error when it holds no session."""
    if not available:
        raise NoMarketDateError(
            "no market date loaded yet: the warehouse holds no capture that loaded "
            "(see audit.captures)"
        )
    if wanted is None:
        return available[-1]
    if wanted in available:
        return wanted
    earlier = [day for day in available if day < wanted]
    hint = f"; the latest session before it is {short_date(earlier[-1])}" if earlier else ""
    raise ConfigError(
        f"no market data for {short_date(wanted)}{hint} "
        f"(the warehouse holds {available[0]} … {available[-1]})"
    )


def _indices(con: duckdb.DuckDBPyConnection, day: dt.date, sessions: int) -> tuple[IndexDay, ...]:
    history: dict[str, list[tuple[dt.date, Decimal]]] = {}
    for code, market_date, level in _rows(
        con,
        "select index_code, market_date, level from marts.fct_index_changes "
        "where market_date <= ? "
        "qualify row_number() over (partition by index_code order by market_date desc) <= ? "
        "order by index_code, market_date",
        [day, sessions],
    ):
        history.setdefault(code, []).append((market_date, level))
    rows = _rows(
        con,
        "select index_code, level, change, change_pct, prev_level "
        "from marts.fct_index_changes where market_date = ?",
        [day],
    )
    order = {code: position for position, code in enumerate(INDEX_ORDER)}
    rows.sort(key=lambda row: (order.get(row[0], len(order)), row[0]))
    intraday = intraday_levels(con, day)
    return tuple(
        IndexDay(
            code, level, change, pct, prev, tuple(history.get(code, [])), intraday.get(code, ())
        )
        for code, level, change, pct, prev in rows
    )


def _audit(con: duckdb.DuckDBPyConnection, day: dt.date) -> CaptureAudit:
    captures = _rows(
        con,
        "select capture_id, source_path, captured_at, status, reason, "
        "coalesce(rejected_line_count, 0), dated_by, captured_at_source "
        "from audit.captures where market_date = ? order by captured_at, capture_id",
        [day],
    )
    rejected_lines = _rows(
        con,
        "select count(*) from audit.rejected_lines "
        "where capture_id in (select capture_id from audit.captures where market_date = ?)",
        [day],
    )[0][0]
    undated = _rows(
        con,
        "select count(*) from audit.captures where status = 'rejected' and market_date is null",
        [],
    )[0][0]
    return CaptureAudit(
        captures=tuple(CaptureRow(*row) for row in captures),
        rejected_lines=int(rejected_lines),
        undated_rejected=int(undated),
    )


def read_day(
    con: duckdb.DuckDBPyConnection,
    market_date: dt.date | None = None,
    *,
    top_n: int = 5,
    sessions: int = 20,
) -> DayReport:
    """The day's facts from an open warehouse connection (the latest market date by default)."""
    day = resolve_date(market_dates(con), market_date)
    quotes = _rows(
        con,
        "select symbol, company_name, sector, close_price, change, change_pct, "
        "gainer_rank, loser_rank from marts.fct_daily_movers where market_date = ? "
        "order by symbol",
        [day],
    )
    sectors = _rows(
        con,
        "select sector, symbol_count, advancers, decliners, unchanged, avg_change_pct, "
        "best_symbol, worst_symbol from marts.fct_sector_daily where market_date = ? "
        "order by avg_change_pct desc, sector",
        [day],
    )
    breadth = _rows(
        con,
        "select coalesce(sum(advancers), 0), coalesce(sum(decliners), 0), "
        "coalesce(sum(unchanged), 0) from marts.fct_sector_daily where market_date = ?",
        [day],
    )[0]
    links = mover_headlines(con, day)
    return DayReport(
        market_date=day,
        indices=_indices(con, day, sessions),
        quotes=tuple(Quote(*row, *links.get(row[0], (None, None, None))) for row in quotes),
        sectors=tuple(SectorDay(*row) for row in sectors),
        breadth=Breadth(*(int(value) for value in breadth)),
        audit=_audit(con, day),
        top_n=top_n,
        headlines=day_headlines(con, day),
        periods=read_periods(con, day, top_n=top_n),
    )


def load_day(
    warehouse: Path,
    market_date: dt.date | None = None,
    *,
    top_n: int = 5,
    sessions: int = 20,
) -> DayReport:
    """The day's facts from the published warehouse file, opened read-only."""
    if not warehouse.is_file():
        raise WarehouseError(f"no warehouse at {warehouse}; run `make build` first")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return read_day(con, market_date, top_n=top_n, sessions=sessions)
    finally:
        con.close()
