"""Transform: the dbt project, each model an asset and each dbt test an asset check.

Two asset definitions share one manifest: the base models (seeds, staging, intermediate,
``dim_symbol``, audit) are unpartitioned; the daily facts (dbt tag ``daily``) are partitioned by
market date, and a run passes its partition window to dbt as ``--vars``.
"""

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from dagster_project.core import planning
from dagster_project.core.errors import ConfigError
from dagster_project.defs.partitions import WORK_DB_POOL, market_date_partitions
from dagster_project.defs.resources import MarketResource
from dagster_project.defs.transform.daily_metadata import with_daily_metadata
from dagster_project.settings import DBT_PROJECT_DIR, Settings, load_settings

# dbt is installed beside this interpreter (the project's .venv), whether or not it is on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
DAILY_SELECTOR = "tag:daily"
DAILY_FACTS_OP = "market_dbt_daily_facts"


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
        if dbt_resource_props.get("schema") == "bi":  # the BI-typed views: a stage of their own
            return "bi"
        fqn: list[str] = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else None


def _loads_as_json(path: Path) -> bool:
    """False for a manifest cut short or damaged (a killed ``dbt parse``, a full disk)."""
    try:
        json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False
    return True


def ensure_manifest(project: DbtProject, settings: Settings) -> Path:
    """Run ``dbt parse`` only when the manifest is missing, damaged or older than the dbt sources.

    dbt runs in a child process with the settings' environment; this process's ``os.environ`` is
    left as it is.
    """
    manifest = project.manifest_path
    newest = max(path.stat().st_mtime for path in planning.dbt_source_files(project.project_dir))
    if not manifest.exists() or manifest.stat().st_mtime < newest or not _loads_as_json(manifest):
        command = [DBT_EXECUTABLE, "parse", "--quiet", "--project-dir", str(project.project_dir)]
        command += ["--profiles-dir", str(project.profiles_dir)]
        command += ["--target-path", str(project.target_path)]
        done = subprocess.run(
            command,
            env={**os.environ, **settings.as_env()},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            output = (done.stdout + done.stderr).strip()[-3000:]
            raise ConfigError(
                f"dbt parse of {project.project_dir} failed (exit {done.returncode}):\n{output}"
            )
    return manifest


# The manifest must exist before the asset definitions below read it: it is made (once, and
# again only after a change to the dbt project) when this module is first imported.
_settings = load_settings()
dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target_path=_settings.dbt_target_dir,
)
ensure_manifest(dbt_project, _settings)


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
    exclude=DAILY_SELECTOR,
    name="market_dbt_models",
    dagster_dbt_translator=MarketDbtTranslator(),
    pool=WORK_DB_POOL,
)
def market_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, market: MarketResource
) -> Iterator[Any]:
    """Build and test the base dbt models: seeds, staging, intermediate, dim_symbol and audit."""
    settings = market.settings()
    with _dbt_env(settings):
        yield from dbt.cli(["build"], context=context, target_path=settings.dbt_target_dir).stream()


class DailyFactsConfig(dg.Config):
    """Options of a daily-facts run."""

    full_refresh: bool = False
    """Rebuild the fact tables from scratch (after a model or seed change)."""
    facts_fingerprint: str = ""
    """With ``full_refresh``: the code fingerprint to record once dbt succeeded (set by the
    planner, so the next plan knows the facts match the code)."""


def partition_window_vars(context: dg.AssetExecutionContext) -> dict[str, str]:
    """The run's market-date window as dbt vars (inclusive ISO dates)."""
    window = context.partition_time_window
    first_day = window.start.date()
    last_day = max((window.end - dt.timedelta(days=1)).date(), first_day)
    return {"min_market_date": first_day.isoformat(), "max_market_date": last_day.isoformat()}


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=DAILY_SELECTOR,
    name="market_dbt_daily_facts",
    dagster_dbt_translator=MarketDbtTranslator(),
    partitions_def=market_date_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=WORK_DB_POOL,
)
def market_dbt_daily_facts(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    market: MarketResource,
    config: DailyFactsConfig,
) -> Iterator[Any]:
    """Rebuild the daily facts (movers, sectors, indices) for the run's market dates."""
    settings = market.settings()
    dbt_vars = partition_window_vars(context)
    context.log.info(f"dbt window: {dbt_vars['min_market_date']} … {dbt_vars['max_market_date']}")
    args = ["build", "--vars", json.dumps(dbt_vars)]
    if config.full_refresh:
        args.append("--full-refresh")
    with _dbt_env(settings):
        # A target dir of its own: the window vars change with every run and would otherwise
        # spoil dbt's partial parsing for the base models' runs too.
        target = settings.dbt_target_dir / "daily"
        invocation = dbt.cli(args, context=context, target_path=target)
        yield from with_daily_metadata(invocation.stream(), settings=settings, dbt_vars=dbt_vars)
    if config.full_refresh and config.facts_fingerprint and invocation.is_successful():
        planning.write_facts_stamp(settings.state_dir, config.facts_fingerprint)


def daily_relations() -> list[tuple[str, str]]:
    """``(schema, relation)`` of every daily-fact model (dbt tag ``daily``), as dbt names them."""
    return sorted((key.path[0], key.path[-1]) for key in market_dbt_daily_facts.keys)
