"""Transform: the dbt project, each model an asset and each dbt test an asset check."""

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from dagster_project.defs.resources import MarketResource
from dagster_project.settings import DBT_PROJECT_DIR, Settings, export_settings, load_settings

# dbt is installed beside this interpreter (the project's .venv), whether or not it is on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
_DBT_SOURCES = ("models", "macros", "seeds", "tests", "dbt_project.yml", "profiles.yml")


class MarketDbtTranslator(DagsterDbtTranslator):
    """Keys models as ``[schema, relation]`` (``marts/fct_daily_movers``) and groups by layer."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        meta = dbt_resource_props.get("config", {}).get("meta", {}) or {}
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot") and not meta.get(
            "dagster", {}
        ).get("asset_key"):
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["alias"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn: list[str] = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else None


def _newest_source_mtime(project_dir: Path) -> float:
    newest = 0.0
    for name in _DBT_SOURCES:
        path = project_dir / name
        candidates = path.rglob("*") if path.is_dir() else [path]
        for candidate in candidates:
            if candidate.is_file():
                newest = max(newest, candidate.stat().st_mtime)
    return newest


def ensure_manifest(project: DbtProject) -> Path:
    """Run ``dbt parse`` only when the manifest is missing or older than the dbt sources."""
    manifest = project.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime(
        project.project_dir
    ):
        DbtCliResource(project_dir=project, dbt_executable=DBT_EXECUTABLE).cli(
            ["parse", "--quiet"], target_path=project.target_path
        ).wait()
    return manifest


def _startup_settings() -> Settings:
    settings = load_settings()
    export_settings(settings)
    return settings


dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target_path=_startup_settings().dbt_target_dir,
)
ensure_manifest(dbt_project)


@contextmanager
def _dbt_env(settings: Settings) -> Iterator[None]:
    """Point dbt's profile and logs at this run's working database and state directory."""
    wanted = {key: settings.as_env()[key] for key in ("MARKET_WORK_DB", "DBT_LOG_PATH")}
    saved = {key: os.environ.get(key) for key in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=MarketDbtTranslator(),
)
def market_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, market: MarketResource
) -> Iterator[Any]:
    """Build and test the dbt models (staging → intermediate → marts and audit) in DuckDB."""
    settings = market.settings()
    with _dbt_env(settings):
        yield from dbt.cli(["build"], context=context, target_path=settings.dbt_target_dir).stream()
