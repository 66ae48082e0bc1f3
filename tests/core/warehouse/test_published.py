"""``core/warehouse/published.py``: a build is published only once its daily facts exist, and
the publish says what the warehouse then holds (tables, captures by status, latest date)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from dagster_project.core.errors import WarehouseError
from dagster_project.core.warehouse.database import connect
from dagster_project.core.warehouse.published import publish_build

DAILY = [("marts", "fct_daily_movers")]


def work_db(tmp_path: Path, *, market_dates: list[dt.date]) -> Path:
    """A working database with the movers (these dates) and three captures' audit rows."""
    path = tmp_path / "work.duckdb"
    with connect(path) as con:
        con.execute(
            "create schema marts; create table marts.fct_daily_movers (market_date date);"
            "create schema audit; create table audit.captures (status varchar);"
            "insert into audit.captures values ('loaded'), ('rejected'), ('loaded')"
        )
        for day in market_dates:
            con.execute("insert into marts.fct_daily_movers values (?)", [day])
    return path


def test_a_build_is_published_with_its_latest_date_and_captures(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse" / "market.duckdb"
    days = [dt.date(2024, 10, 17), dt.date(2024, 10, 18)]
    published = publish_build(work_db(tmp_path, market_dates=days), warehouse, DAILY)
    assert published.tables == 2
    assert published.size == warehouse.stat().st_size > 0
    assert published.captures_by_status.equals(
        pl.DataFrame(
            {"status": ["loaded", "rejected"], "captures": [2, 1]},
            schema={"status": pl.String, "captures": pl.Int64},
        )
    )
    assert (published.latest_market_date, published.latest_label) == (days[1], "2024-10-18")


def test_a_build_without_a_market_date_says_none_is_loaded(tmp_path: Path) -> None:
    warehouse = tmp_path / "market.duckdb"
    published = publish_build(work_db(tmp_path, market_dates=[]), warehouse, DAILY)
    assert (published.latest_market_date, published.latest_label) == (None, "none loaded yet")


def test_nothing_is_published_before_the_daily_facts_exist(tmp_path: Path) -> None:
    work = tmp_path / "work.duckdb"
    warehouse = tmp_path / "warehouse" / "market.duckdb"
    with connect(work) as con:
        con.execute("create schema marts")
    with pytest.raises(WarehouseError, match="daily facts are not built yet") as raised:
        publish_build(work, warehouse, DAILY)
    assert "marts.fct_daily_movers" in str(raised.value)
    assert "market-snapshots build" in str(raised.value)
    assert not warehouse.exists()
