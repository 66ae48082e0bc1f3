"""Data-quality queries over the working database (used by the Dagster asset checks).

Each function returns a frame of offending rows, empty when the rule holds.
"""

import datetime as dt

import duckdb
import polars as pl

from dagster_project.core.warehouse.database import query_frame


def rejected_line_rates(con: duckdb.DuckDBPyConnection, *, max_rate: float) -> pl.DataFrame:
    """Loaded or replayed captures whose share of rejected ticker lines exceeds ``max_rate``."""
    return query_frame(
        con,
        """
        select capture_id, source_path, rejected_line_count,
            quote_count + index_count + rejected_line_count as ticker_lines,
            round(rejected_line_count / (quote_count + index_count + rejected_line_count), 4)
                as rejected_rate
        from audit.captures
        where status <> 'rejected'
            and rejected_line_count > ?::double * (quote_count + index_count + rejected_line_count)
        order by rejected_rate desc, capture_id
        """,
        [max_rate],
    )


def prev_close_breaks(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Symbols whose ``prev_close`` differs from their close on the previous market date.

    The previous market date is the symbol's previous row, and only when it is the warehouse's
    previous market date (a symbol absent for a while is not compared). A break usually means a
    corporate action (bonus, split, right issue) adjusted the reference price.
    """
    return query_frame(
        con,
        """
        with dates as (
            select market_date, lag(market_date) over (order by market_date) as previous_date
            from (select distinct market_date from marts.fct_daily_movers)
        ),
        movers as (
            select market_date, symbol, close_price, prev_close,
                lag(market_date) over (partition by symbol order by market_date) as symbol_previous,
                lag(close_price) over (partition by symbol order by market_date) as previous_close
            from marts.fct_daily_movers
        )
        select movers.market_date, movers.symbol, movers.prev_close, movers.previous_close,
            round(100 * (movers.prev_close - movers.previous_close) / movers.previous_close, 2)
                as gap_pct
        from movers
        inner join dates on movers.market_date = dates.market_date
        where movers.symbol_previous = dates.previous_date
            and movers.prev_close <> movers.previous_close
        order by movers.market_date desc, movers.symbol
        """,
        [],
    )


def index_arithmetic_errors(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Index rows whose change % disagrees with change / prev_level beyond the page's rounding.

    The strip may show levels and changes rounded to whole points and percentages to 0.01, so the
    tolerance is the percentage rounding plus what half a point on each can move the ratio.
    """
    return query_frame(
        con,
        """
        select market_date, index_code, level, change, change_pct, prev_level,
            round(100 * change / prev_level, 4) as computed_pct
        from marts.fct_index_changes
        where prev_level > 0
            and abs(100 * change / prev_level - change_pct)
                > 0.005 + 100 * 0.5 * (level + abs(change)) / (prev_level * prev_level) + 1e-9
        order by market_date desc, index_code
        """,
        [],
    )


def price_limit_breaches(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Quotes that moved beyond PSX's price limit of their market date (``psx_price_limits``).

    A stock may move at most ``limit_pct`` of its previous close or ``min_rupees``, whichever is
    larger; beyond it (by more than the one-paisa tick) is a corporate action or a data error.
    Each row names the capture and the ticker line as the page printed it.
    """
    return query_frame(
        con,
        """
        select movers.market_date, movers.symbol,
            -- The close with its two decimals, as the page prints it (format drops a trailing 0).
            format(
                '{} {} ({}%)', movers.symbol, printf('%.2f', movers.close_price), movers.change_pct
            ) as line,
            movers.prev_close, movers.change,
            round(greatest(limits.limit_pct * movers.prev_close / 100, limits.min_rupees), 2)
                as allowed_move,
            limits.limit_pct, captures.source_path, movers.capture_id
        from marts.fct_daily_movers as movers
        inner join reference.psx_price_limits as limits
            on movers.market_date >= limits.effective_from
            and (limits.effective_to is null or movers.market_date <= limits.effective_to)
        left join audit.captures as captures on movers.capture_id = captures.capture_id
        where abs(movers.change)
            > greatest(limits.limit_pct * movers.prev_close / 100, limits.min_rupees) + 0.01
        order by movers.market_date desc, movers.symbol
        """,
        [],
    )


def latest_market_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    rows = con.execute("select max(market_date) from marts.fct_daily_movers").fetchall()
    value: dt.date | None = rows[0][0]
    return value


def session_close(con: duckdb.DuckDBPyConnection, day: dt.date) -> dt.time | None:
    """When the PSX session of ``day`` closes (Karachi time), from the ``psx_trading_hours`` seed
    as ``int_captures_phased`` reads it: the row in force that day for its weekday, a Ramadan row
    before a regular one. None when no row covers the day."""
    rows = con.execute(
        """
        select close_at
        from reference.psx_trading_hours
        where $day >= effective_from
            and (effective_to is null or $day <= effective_to)
            and days in (case when isodow($day) = 5 then 'fri' else 'mon-thu' end, 'mon-fri')
        order by case period when 'ramadan' then 0 else 1 end
        limit 1
        """,
        {"day": day},
    ).fetchall()
    return dt.time.fromisoformat(rows[0][0]) if rows else None
