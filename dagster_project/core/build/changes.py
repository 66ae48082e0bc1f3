"""Which market dates a build must rebuild: those whose captures changed.

After landing, normalising and the dbt base models, ``intermediate.int_captures_classified`` names
the capture loaded for every market date and the other captures of its session with a known
time; the facts record the captures they were built from (the daily facts the loaded one, the
intraday facts every timed one) and when each was taken. A market date is affected when the two
differ (a new or better capture arrived, one disappeared, or one is now dated at another time: the
same bytes under a new file time or name), so adding one day rebuilds one day however long the
history.
The market date after an affected one is affected too: its movers may carry a headline of the
evening before (a capture of the previous session taken after its close).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence

import duckdb

from dagster_project.core.warehouse.database import table_exists

_LOADED = (
    "select market_date, capture_id from intermediate.int_captures_classified "
    "where status = 'loaded'"
)
# The captures the facts should hold: the loaded one of each date, and every capture of a
# session with a known time (the intraday facts).
_WINNERS = (
    "select market_date, capture_id, captured_at from intermediate.int_captures_classified "
    "where status = 'loaded' or (status = 'superseded' and captured_at is not null)"
)


def _built(con: duckdb.DuckDBPyConnection, facts: Sequence[str]) -> str | None:
    """The (market_date, capture_id, captured_at) the facts hold, or None when one of them is
    missing; ``timed`` says whether the fact records ``captured_at`` (null in it otherwise)."""
    relations = [fact.split(".", 1) for fact in facts]
    if not relations or not all(table_exists(con, schema, table) for schema, table in relations):
        return None
    timed = {
        (schema, table)
        for schema, table in con.execute(
            "select schema_name, table_name from duckdb_columns() where column_name = 'captured_at'"
        ).fetchall()
    }
    return " union ".join(
        "select distinct market_date, capture_id, "
        + (
            "captured_at, true"
            if (schema, table) in timed
            else "null::timestamptz as captured_at, false"
        )
        + f" as timed from {schema}.{table}"
        for schema, table in relations
    )


def affected_market_dates(con: duckdb.DuckDBPyConnection, facts: Sequence[str]) -> list[dt.date]:
    """Market dates whose facts are missing, stale or orphaned, oldest first.

    Args:
        con: The working database.
        facts: ``schema.table`` of the facts that name their capture (``capture_id``): see
            :func:`dagster_project.core.build.dbt_manifest.capture_facts`.
    """
    built = _built(con, facts)
    if built is None:
        rows = con.execute(f"select distinct market_date from ({_WINNERS}) order by 1").fetchall()
        return [row[0] for row in rows]
    rows = con.execute(
        f"""
        with winners as ({_WINNERS}), built as ({built})
        select distinct coalesce(winners.market_date, built.market_date) as market_date
        from winners
        full outer join built
            on winners.market_date = built.market_date
            and winners.capture_id = built.capture_id
            and (not built.timed or winners.captured_at is not distinct from built.captured_at)
        where winners.capture_id is null or built.capture_id is null
        order by 1
        """
    ).fetchall()
    return _with_next_dates(con, [row[0] for row in rows])


def _with_next_dates(con: duckdb.DuckDBPyConnection, dates: list[dt.date]) -> list[dt.date]:
    """``dates`` and, for each, the next market date with a loaded capture, oldest first."""
    if not dates:
        return dates
    loaded = all_market_dates(con)
    following = {
        loaded[index]
        for index in (bisect.bisect_right(loaded, day) for day in dates)
        if index < len(loaded)
    }
    return sorted(set(dates) | following)


def all_market_dates(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    """Every market date with a loaded capture, oldest first."""
    rows = con.execute(f"select distinct market_date from ({_LOADED}) order by 1").fetchall()
    return [row[0] for row in rows]
