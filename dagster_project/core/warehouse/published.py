"""The publish step: a finished build's working database published, and what the file then holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dagster_project.core.errors import WarehouseError
from dagster_project.core.warehouse.database import connect, missing_relations, publish


@dataclass(frozen=True, slots=True)
class Published:
    """What a publish wrote: tables, bytes, captures by status, the latest market date."""

    tables: int
    size: int
    captures_by_status: pl.DataFrame
    latest_market_date: dt.date | None

    @property
    def latest_label(self) -> str:
        """The latest market date as shown to a person, or that none is loaded yet."""
        day = self.latest_market_date
        return str(day) if day else "none loaded yet"


def publish_build(work_db: Path, warehouse: Path, daily: Iterable[tuple[str, str]]) -> Published:
    """Publish ``work_db`` to ``warehouse`` once every daily relation in ``daily`` exists.

    Raises:
        WarehouseError: a daily relation is missing (no partition of the daily facts was ever
            built); nothing is published and the old warehouse stays.
    """
    with connect(work_db, read_only=True) as con:
        missing = missing_relations(con, daily)
    if missing:
        names = ", ".join(f"{schema}.{name}" for schema, name in missing)
        raise WarehouseError(
            f"the daily facts are not built yet ({names}): materialise a partition of "
            "build_market_dates first, or run `market-snapshots build`"
        )
    tables = publish(work_db, warehouse)
    with connect(warehouse, read_only=True) as con:
        statuses = con.sql(
            "select status, count(*) as captures from audit.captures "
            "group by status order by status"
        ).pl()
        latest = con.execute("select max(market_date) from marts.fct_daily_movers").fetchone()
    return Published(tables, warehouse.stat().st_size, statuses, latest[0] if latest else None)
