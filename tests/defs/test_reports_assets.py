"""The report asset wires ``report/page.py::report_latest_day`` to the market resource: on a
warehouse that holds no market date it writes no report, warns, and says so in its metadata."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from dagster_project.core.warehouse.database import connect
from dagster_project.defs.reports.assets import MARKET_REPORT, market_report
from dagster_project.defs.resources import MarketResource


def test_a_warehouse_without_a_market_date_gets_a_note_not_a_report(tmp_path: Path) -> None:
    market = MarketResource(
        raw_dir=str(tmp_path / "raw"),
        warehouse=str(tmp_path / "warehouse" / "market.duckdb"),
        state_dir=str(tmp_path / "state"),
    )
    warehouse = market.settings().warehouse
    warehouse.parent.mkdir(parents=True)
    with connect(warehouse) as con:
        con.execute(
            "create schema marts; create table marts.fct_daily_movers (market_date date);"
            "create schema audit; create table audit.captures (status varchar, dated_by varchar,"
            " reason varchar, source_path varchar)"
        )
    result = dg.materialize([market_report], resources={"market": market})
    [event] = result.get_asset_materialization_events()
    assert event.asset_key == MARKET_REPORT
    assert event.materialization.metadata["note"] == dg.MetadataValue.text(
        "no market date loaded yet; no report written"
    )
    assert not (warehouse.parent / "reports").exists()
