"""Transform: the dbt project, each model an asset and each dbt test an asset check.

Two asset definitions share one manifest: the base models (seeds, staging, intermediate,
``dim_symbol``, audit) are unpartitioned; the daily facts (dbt tag ``daily``) are partitioned by
market date, and a run passes its partition window to dbt in the environment
(``MARKET_MIN_MARKET_DATE``, ``MARKET_MAX_MARKET_DATE``: see ``dbt/macros/market_date_window.sql``),
not as ``--vars``, which would make dbt parse the whole project again at every new window.
"""

import datetime as dt
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliInvocation, DbtProject, dbt_assets

from dagster_project.core.build import planning
from dagster_project.core.build.dbt_manifest import daily_models, dated_facts, read_manifest
from dagster_project.core.build.dbt_parse import ensure_manifest, shared_parse
from dagster_project.defs.dagster_private import MarketDbtCliResource
from dagster_project.defs.deployment import DEPLOYMENT
from dagster_project.defs.partitions import WORK_DB_POOL, market_date_partitions
from dagster_project.defs.resources import MarketResource
from dagster_project.defs.transform.daily_metadata import with_daily_metadata
from dagster_project.defs.transform.spark import SPARK_TARGET, check_engine, served_by_duckdb
from dagster_project.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, Settings

DAILY_SELECTOR = "tag:daily"
DAILY_FACTS_OP = "market_dbt_daily_facts"
#: ``dbt build`` as the assets run it: dbt's unit tests check the SQL against fixed inputs, not the
#: data, so they run once in ``make test`` (``tests/e2e/test_sample_build.py``) rather than in
#: every build (their cost is in ``docs/performance.md``); dagster-dbt reports none of them.
DBT_BUILD = ("build", "--exclude-resource-type", "unit_test")
#: The environment variables that carry a run's window to dbt, by the dbt var they stand for.
WINDOW_ENV = {
    "min_market_date": "MARKET_MIN_MARKET_DATE",
    "max_market_date": "MARKET_MAX_MARKET_DATE",
}


class MarketDbtTranslator(DagsterDbtTranslator):
    """Keys models as ``[schema, relation]`` (``marts/fct_daily_movers``) and groups by layer.

    The daily facts' tables are partitioned by market date; the views over them (``latest_*``,
    ``bi_*``) are not: a view is one object whatever the dates, so a run records one
    materialisation of it rather than one per partition of its window (a ten-year rebuild: 6
    views x 2,500 partitions of events fewer).
    """

    def get_partitions_def(
        self, dbt_resource_props: Mapping[str, Any]
    ) -> dg.PartitionsDefinition | None:
        config = dbt_resource_props.get("config", {})
        if "daily" in dbt_resource_props.get("tags", []) and config.get("materialized") != "view":
            return market_date_partitions
        return None

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


# The manifest must exist before the asset definitions below read it: it is made (once, and
# again only after a change to the dbt project) when this module is first imported.
dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target_path=DEPLOYMENT.dbt_target_dir,
)


def parsed_project(settings: Settings) -> Path:
    """The manifest in ``settings``' dbt target dir, parsed (or copied from the shared parse of
    the same project: ``core/build/dbt_parse.py``) when it is missing or stale."""
    return ensure_manifest(
        dbt_executable=DBT_EXECUTABLE,
        project_dir=DBT_PROJECT_DIR,
        profiles_dir=DBT_PROJECT_DIR,
        target_path=settings.dbt_target_dir,
        source_files=planning.dbt_source_files(DBT_PROJECT_DIR),
        env=settings.as_env(),
    )


def project_parse(settings: Settings) -> Path | None:
    """The shared parse of the project's current files, for dbt run in this process."""
    return shared_parse(
        project_dir=DBT_PROJECT_DIR,
        source_files=planning.dbt_source_files(DBT_PROJECT_DIR),
        env=settings.as_env(),
    )


DBT_MANIFEST = parsed_project(DEPLOYMENT)
# The daily models (tag ``daily``): the partitioned asset, the planner and the metadata read them.
DAILY_MODELS = daily_models(read_manifest(DBT_MANIFEST))
FACTS = {f"{model.schema}__{model.name}": model.name for model in dated_facts(DAILY_MODELS)}
"""The fact tables of one row per market date and key by the name of their dbt asset's output
(``marts__fct_daily_movers``); the period facts (by period) get no per-date metadata."""


@contextmanager
def _dbt_env(settings: Settings, window: Mapping[str, str] | None = None) -> Iterator[None]:
    """Give dbt this run's settings (its profile's working database, its logs, the history start)
    and its market-date window; without a window, none (every date), whatever the caller's
    environment says."""
    bounds = window or {}
    wanted = settings.as_env() | {env: bounds.get(var, "") for var, env in WINDOW_ENV.items()}
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


def _build(
    dbt: MarketDbtCliResource,
    args: list[str],
    context: dg.AssetExecutionContext,
    settings: Settings,
) -> DbtCliInvocation:
    """``dbt build`` as both asset definitions run it: in this process on DuckDB, from the shared
    parse, in the base models' target dir (the window is no part of what dbt parses, so both runs
    share one partial-parse state: one parse after a model change, not two)."""
    return dbt.invoke(
        args,
        context=context,
        target_path=settings.dbt_target_dir,
        in_process=settings.dbt_target != SPARK_TARGET,
        parse=project_parse(settings),
    )


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    exclude=DAILY_SELECTOR,
    name="market_dbt_models",
    dagster_dbt_translator=MarketDbtTranslator(),
    pool=WORK_DB_POOL,
)
def market_dbt_models(
    context: dg.AssetExecutionContext, dbt: MarketDbtCliResource, market: MarketResource
) -> Iterator[Any]:
    """Build and test the base dbt models: seeds, staging, intermediate, dim_symbol and audit."""
    settings = market.settings()
    check_engine(settings)
    with _dbt_env(settings):
        invocation = _build(dbt, list(DBT_BUILD), context, settings)
        yield from served_by_duckdb(invocation.stream(), settings, context, daily=False)


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
    # The partitions come from the translator (the tables, not the views); one run per window.
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=WORK_DB_POOL,
)
def market_dbt_daily_facts(
    context: dg.AssetExecutionContext,
    dbt: MarketDbtCliResource,
    market: MarketResource,
    config: DailyFactsConfig,
) -> Iterator[Any]:
    """Rebuild the daily facts (movers, sectors, indices) for the run's market dates."""
    settings = market.settings()
    check_engine(settings)
    dbt_vars = partition_window_vars(context)
    context.log.info(f"dbt window: {dbt_vars['min_market_date']} … {dbt_vars['max_market_date']}")
    args = [*DBT_BUILD, "--full-refresh"] if config.full_refresh else list(DBT_BUILD)
    with _dbt_env(settings, dbt_vars):
        invocation = _build(dbt, args, context, settings)
        events = served_by_duckdb(invocation.stream(), settings, context, daily=True)
        yield from with_daily_metadata(events, settings=settings, dbt_vars=dbt_vars, facts=FACTS)
    if config.full_refresh and config.facts_fingerprint and invocation.is_successful():
        planning.write_facts_stamp(settings.state_dir, config.facts_fingerprint)


def daily_relations() -> list[tuple[str, str]]:
    """``(schema, relation)`` of every daily model (dbt tag ``daily``), as dbt names them."""
    return [(model.schema, model.name) for model in DAILY_MODELS]
