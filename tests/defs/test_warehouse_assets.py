"""The publish asset wires ``core/warehouse/published.py`` (whose rules its tests show) to the
market resource: it publishes the working database and shows what it holds, or stops the run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.core.errors import WarehouseError
from dagster_project.core.warehouse.database import connect
from dagster_project.defs.resources import MarketResource
from dagster_project.defs.transform.dbt import DAILY_MODELS
from dagster_project.defs.warehouse.assets import PUBLISHED_WAREHOUSE, published_warehouse


@pytest.fixture
def market(tmp_path: Path) -> MarketResource:
    market = MarketResource(
        raw_dir=str(tmp_path / "raw"),
        warehouse=str(tmp_path / "warehouse" / "market.duckdb"),
        state_dir=str(tmp_path / "state"),
    )
    market.settings().work_db.parent.mkdir(parents=True)
    return market


def test_the_published_warehouse_shows_its_tables_and_latest_date(market: MarketResource) -> None:
    settings = market.settings()
    with connect(settings.work_db) as con:
        con.execute("create schema audit; create table audit.captures (status varchar)")
        con.execute("insert into audit.captures values ('loaded')")
        for model in DAILY_MODELS:
            con.execute(f"create schema if not exists {model.schema}")
            con.execute(f"create table {model.relation} (market_date date)")
            con.execute(f"insert into {model.relation} values (?)", [dt.date(2024, 10, 18)])
    result = dg.materialize([published_warehouse], resources={"market": market})
    [event] = result.get_asset_materialization_events()
    assert event.asset_key == PUBLISHED_WAREHOUSE
    metadata = event.materialization.metadata
    assert metadata["path"] == dg.MetadataValue.path(str(settings.warehouse))
    assert metadata["tables"] == dg.MetadataValue.int(len(DAILY_MODELS) + 1)
    assert metadata["latest_market_date"] == dg.MetadataValue.text("2024-10-18")
    assert "| loaded | 1 |" in str(metadata["captures_by_status"].value)
    assert settings.warehouse.exists()


def test_a_missing_daily_fact_stops_the_run_and_publishes_nothing(market: MarketResource) -> None:
    settings = market.settings()
    with connect(settings.work_db) as con:
        con.execute("create schema marts")
    with pytest.raises(WarehouseError, match="daily facts are not built yet"):
        dg.materialize([published_warehouse], resources={"market": market})
    assert not settings.warehouse.exists()
