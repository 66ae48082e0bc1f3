"""The daily models as dbt's manifest names them (``core/dbt_manifest.py``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dagster_project.core.dbt_manifest import (
    DailyModel,
    capture_facts,
    daily_facts,
    daily_models,
    ensure_manifest,
    read_manifest,
)
from dagster_project.core.errors import ConfigError
from dagster_project.core.planning import dbt_source_files
from dagster_project.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, make_settings


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
        "model.p.bi_a": node("bi_a", "bi", "view", ["daily"], "market_date", "capture_id"),
        "model.p.dim": node("dim", "marts", "table", [], "symbol"),
        "test.p.t": {"resource_type": "test", "tags": ["daily"]},
    }
}


def test_the_daily_tag_names_the_models_and_the_facts() -> None:
    models = daily_models(MANIFEST)
    assert [model.relation for model in models] == ["bi.bi_a", "marts.fct_a", "marts.fct_b"]
    assert [model.name for model in daily_facts(MANIFEST)] == ["fct_a", "fct_b"]
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


def test_the_real_project_parses_once_and_names_its_daily_facts(tmp_path: Path) -> None:
    """A real ``dbt parse``; a second call with nothing changed does not parse again."""
    settings = make_settings(warehouse=tmp_path / "market.duckdb")
    arguments = {
        "dbt_executable": DBT_EXECUTABLE,
        "project_dir": DBT_PROJECT_DIR,
        "profiles_dir": DBT_PROJECT_DIR,
        "target_path": tmp_path / "target",
        "source_files": dbt_source_files(DBT_PROJECT_DIR),
        "env": settings.as_env(),
    }
    manifest = ensure_manifest(**arguments)
    parsed_at = manifest.stat().st_mtime_ns
    assert ensure_manifest(**arguments) == manifest
    assert manifest.stat().st_mtime_ns == parsed_at
    facts = {model.name for model in daily_facts(read_manifest(manifest))}
    assert {"fct_daily_movers", "fct_sector_daily", "fct_index_changes"} <= facts
    assert not any(name.startswith(("latest_", "bi_")) for name in facts)
    # A damaged file is parsed again.
    manifest.write_text("{", encoding="utf-8")
    os.utime(manifest, ns=(parsed_at, parsed_at))
    ensure_manifest(**arguments)
    assert json.loads(manifest.read_bytes())["nodes"]
