"""The daily models as dbt's manifest names them (``core/build/dbt_manifest.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.core.build.dbt_manifest import (
    DailyModel,
    capture_facts,
    daily_facts,
    daily_models,
    dated_facts,
    read_manifest,
)
from dagster_project.core.errors import ConfigError


def node(
    name: str, schema: str, materialized: str, tags: list[str], *columns: str
) -> dict[str, object]:
    return {
        "resource_type": "model",
        "name": name,
        "alias": name,
        "schema": schema,
        "config": {"materialized": materialized},
        "tags": tags,
        "columns": {column: {} for column in columns},
    }


MANIFEST = {
    "nodes": {
        "model.p.fct_a": node(
            "fct_a", "marts", "incremental", ["daily"], "market_date", "capture_id"
        ),
        "model.p.fct_b": node("fct_b", "marts", "incremental", ["daily"], "market_date"),
        "model.p.fct_p": node("fct_p", "marts", "incremental", ["daily"], "period_start"),
        "model.p.bi_a": node("bi_a", "bi", "view", ["daily"], "market_date", "capture_id"),
        "model.p.dim": node("dim", "marts", "table", [], "symbol"),
        "test.p.t": {"resource_type": "test", "tags": ["daily"]},
    }
}


def test_the_daily_tag_names_the_models_and_the_facts() -> None:
    models = daily_models(MANIFEST)
    assert [model.relation for model in models] == [
        "bi.bi_a",
        "marts.fct_a",
        "marts.fct_b",
        "marts.fct_p",
    ]
    assert [model.name for model in daily_facts(MANIFEST)] == ["fct_a", "fct_b", "fct_p"]
    # A period fact (no market_date) is rebuilt with the daily facts but not by market date.
    assert [model.name for model in dated_facts(models)] == ["fct_a", "fct_b"]
    # Only the tables that record their capture are compared with the captures to load.
    assert capture_facts(models) == ["marts.fct_a"]
    assert models[0] == DailyModel("bi", "bi_a", False, frozenset({"market_date", "capture_id"}))


def test_a_damaged_manifest_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "manifest.json"
    broken.write_text('{"nodes": ', encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read the dbt manifest"):
        read_manifest(broken)
    broken.write_text("[]", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a JSON object"):
        read_manifest(broken)
