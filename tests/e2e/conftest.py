"""Real Dagster materialisations of the whole asset graph into temporary warehouses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_dbt import DbtCliResource

from dagster_project.definitions import defs
from dagster_project.defs.resources import MarketResource
from dagster_project.defs.transform.dbt import DBT_EXECUTABLE, dbt_project
from dagster_project.settings import Settings, make_settings

Build = Callable[..., Settings]


def materialize_all(raw_dir: Path, root: Path, *, expect_success: bool = True) -> Settings:
    """Materialise every asset (landing → normalise → dbt → publish) like ``make build``."""
    settings = make_settings(raw_dir=raw_dir, warehouse=root / "warehouse" / "market.duckdb")
    market = MarketResource(
        raw_dir=str(settings.raw_dir),
        warehouse=str(settings.warehouse),
        state_dir=str(settings.state_dir),
    )
    assets = list(defs.assets or [])
    result = dg.materialize(
        assets,  # type: ignore[arg-type]
        resources={
            "market": market,
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
        },
        raise_on_error=False,
    )
    assert result.success is expect_success, [
        str(event.step_failure_data.error) for event in result.get_step_failure_events()
    ]
    return settings


@pytest.fixture
def build(tmp_path: Path) -> Build:
    def _build(raw_dir: Path, *, root: Path | None = None, expect_success: bool = True) -> Settings:
        return materialize_all(raw_dir, root or tmp_path, expect_success=expect_success)

    return _build


def query(
    settings: Settings, sql: str, params: list[object] | None = None
) -> list[tuple[object, ...]]:
    """Rows from the published warehouse, opened read-only the way a BI tool would."""
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
