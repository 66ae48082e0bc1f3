"""The publish asset on a working database whose daily facts were never built: it refuses to
publish, says what is missing and how to build it, and leaves no warehouse behind."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from dagster_project.core.errors import WarehouseError
from dagster_project.core.warehouse.database import connect
from dagster_project.defs.resources import MarketResource
from dagster_project.defs.warehouse.assets import published_warehouse


def test_nothing_is_published_before_the_daily_facts_exist(tmp_path: Path) -> None:
    market = MarketResource(
        raw_dir=str(tmp_path / "raw"),
        warehouse=str(tmp_path / "warehouse" / "market.duckdb"),
        state_dir=str(tmp_path / "state"),
    )
    settings = market.settings()
    settings.work_db.parent.mkdir(parents=True)
    with connect(settings.work_db) as con:
        con.execute("create schema marts")
    with pytest.raises(WarehouseError, match="daily facts are not built yet") as raised:
        dg.materialize([published_warehouse], resources={"market": market})
    assert "marts.fct_daily_movers" in str(raised.value)
    assert "market-snapshots build" in str(raised.value)
    assert not settings.warehouse.exists()
