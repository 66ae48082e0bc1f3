"""The jobs an operator launches (and schedules and sensors request), and how a run is asked for.

:func:`plan_market_dates` is the one planner of the Dagster side: ``make build``, the sensor after
an ingest and the sensor after the daily close all call it (it wraps
:func:`dagster_project.core.build.planning.plan_facts`).
"""

import datetime as dt
import hashlib
from typing import Any

import dagster as dg

from dagster_project.core.build import planning
from dagster_project.core.build.history import record_first_session
from dagster_project.defs.landing.assets import capture_files
from dagster_project.defs.landing.fetch import fetched_pages
from dagster_project.defs.normalised.assets import normalised_captures
from dagster_project.defs.partitions import check_in_history, empty_window
from dagster_project.defs.reports.assets import market_report
from dagster_project.defs.run_tags import NORMALISE_TAG
from dagster_project.defs.transform.dbt import (
    DAILY_FACTS_OP,
    DAILY_MODELS,
    market_dbt_daily_facts,
    market_dbt_models,
)
from dagster_project.defs.warehouse.assets import published_warehouse
from dagster_project.settings import (
    DBT_PROJECT_DIR,
    HOLIDAYS_SEED,
    INDEX_CODES_SEED,
    Settings,
)

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
_NORMALISES = {NORMALISE_TAG: "lake"}

INGEST_SELECTION = dg.AssetSelection.assets(capture_files, normalised_captures, market_dbt_models)
PUBLISH_SELECTION = dg.AssetSelection.assets(published_warehouse, market_report)
DAILY_SELECTION = dg.AssetSelection.assets(market_dbt_daily_facts) | PUBLISH_SELECTION
FETCH_SELECTION = dg.AssetSelection.assets(fetched_pages)

ingest_captures_job = dg.define_asset_job(
    "ingest_captures",
    tags=_NORMALISES,
    selection=INGEST_SELECTION,
    description="Inventory the raw dir, normalise new captures, build the base dbt models.",
)
build_market_dates_job = dg.define_asset_job(
    "build_market_dates",
    selection=DAILY_SELECTION,
    description="Rebuild the daily facts of the selected market dates and publish the warehouse.",
)
fetch_pages_job = dg.define_asset_job(
    "fetch_pages",
    tags=_NORMALISES,
    selection=FETCH_SELECTION | INGEST_SELECTION,
    description="Fetch the configured pages into the raw dir, then ingest them.",
)
daily_close_job = dg.define_asset_job(
    "daily_close",
    tags=_NORMALISES,
    selection=FETCH_SELECTION | INGEST_SELECTION | DAILY_SELECTION,
    description="After the close: fetch today's pages, ingest, build today's facts, publish.",
)
publish_job = dg.define_asset_job(
    "publish_warehouse",
    selection=PUBLISH_SELECTION,
    description="Publish the working database's marts and audit as the warehouse file.",
)

jobs = [ingest_captures_job, build_market_dates_job, fetch_pages_job, daily_close_job, publish_job]


def facts_fingerprint(dbt_target: str = "dev") -> str:
    """The fingerprint of the dbt project and the normaliser the running code is made of, and of
    the engine (the facts one engine built are not the other's: a switch rebuilds them)."""
    fingerprint = planning.facts_fingerprint(
        dbt_project_dir=DBT_PROJECT_DIR,
        holidays_seed=HOLIDAYS_SEED,
        index_codes_seed=INDEX_CODES_SEED,
    )
    if dbt_target == "dev":
        return fingerprint
    return hashlib.md5(f"{fingerprint}:{dbt_target}".encode(), usedforsecurity=False).hexdigest()


def plan_market_dates(settings: Settings) -> planning.FactsPlan:
    """What the daily facts need now: the changed market dates, a full refresh, or nothing.

    A full refresh follows any change to the dbt project or the normaliser since the facts were
    last rebuilt from scratch (the fingerprint in the state dir).

    A plan that builds market dates records the first of them as the first session (the
    partitions' start when the definitions load next: ``core/build/history.py``).

    Raises:
        ConfigError: a market date to build lies before the history start.
        HistoryExtendedError: it lies before the first partition of the loaded definitions.
    """
    fingerprint = facts_fingerprint(settings.dbt_target)
    plan = planning.plan_facts_at(
        settings.work_db,
        daily=DAILY_MODELS,
        empty_window=empty_window(),
        models_changed=planning.models_changed(settings.state_dir, fingerprint),
    )
    if plan.window is not None:
        if plan.market_dates and plan.window[0] >= settings.history_start:
            record_first_session(settings.state_dir, plan.window[0], full_rebuild=plan.full_refresh)
        check_in_history(plan.window)
    return plan


def range_tags(dates: list[dt.date]) -> dict[str, str]:
    """Run tags selecting the partition range that covers ``dates``."""
    return {RANGE_START_TAG: min(dates).isoformat(), RANGE_END_TAG: max(dates).isoformat()}


def facts_run_config(plan: planning.FactsPlan, dbt_target: str = "dev") -> dict[str, Any]:
    """The ``ops`` run config of a daily-facts run of ``plan``.

    A full refresh carries the facts fingerprint: the daily-facts step records it in the state
    dir once dbt succeeded, so the next plan knows the facts match the code.
    """
    config: dict[str, Any] = {"full_refresh": plan.full_refresh}
    if plan.full_refresh:
        config["facts_fingerprint"] = facts_fingerprint(dbt_target)
    return {"ops": {DAILY_FACTS_OP: {"config": config}}}
