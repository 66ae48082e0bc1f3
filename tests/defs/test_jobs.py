"""The jobs, and how a daily-facts run is asked for: its range tags, run config and plan.

:func:`plan_market_dates` runs here on a small working database written with SQL: the loaded
captures of ``intermediate.int_captures_classified`` and daily tables that name the captures
they were built from, which is all the planner reads (the full build: tests/e2e).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.core.build import planning
from dagster_project.core.build.history import recorded_first_session
from dagster_project.core.errors import ConfigError
from dagster_project.definitions import defs
from dagster_project.defs.jobs import (
    RANGE_END_TAG,
    RANGE_START_TAG,
    facts_fingerprint,
    facts_run_config,
    plan_market_dates,
    range_tags,
)
from dagster_project.defs.transform.dbt import DAILY_FACTS_OP, DAILY_MODELS
from dagster_project.settings import (
    DBT_PROJECT_DIR,
    HOLIDAYS_SEED,
    INDEX_CODES_SEED,
)
from tests.defs.work_db import FRI, THU, write_work_db


def test_range_tags_cover_the_dates_in_any_order() -> None:
    days = [FRI, dt.date(2024, 10, 14), THU]
    assert range_tags(days) == {RANGE_START_TAG: "2024-10-14", RANGE_END_TAG: "2024-10-18"}
    assert range_tags([THU]) == {RANGE_START_TAG: "2024-10-17", RANGE_END_TAG: "2024-10-17"}
    assert RANGE_START_TAG == "dagster/asset_partition_range_start"
    assert RANGE_END_TAG == "dagster/asset_partition_range_end"


def test_an_incremental_run_carries_no_fingerprint() -> None:
    plan = planning.FactsPlan(market_dates=[FRI], full_refresh=False, window=(FRI, FRI))
    assert facts_run_config(plan) == {
        "ops": {"market_dbt_daily_facts": {"config": {"full_refresh": False}}}
    }
    assert DAILY_FACTS_OP == "market_dbt_daily_facts"


def test_a_full_refresh_carries_the_fingerprint_of_the_running_code() -> None:
    plan = planning.FactsPlan(market_dates=[THU, FRI], full_refresh=True, window=(THU, FRI))
    config = facts_run_config(plan)
    expected = planning.facts_fingerprint(
        dbt_project_dir=DBT_PROJECT_DIR,
        holidays_seed=HOLIDAYS_SEED,
        index_codes_seed=INDEX_CODES_SEED,
    )
    assert facts_fingerprint() == expected and len(expected) == 32
    assert config == {
        "ops": {
            "market_dbt_daily_facts": {
                "config": {"full_refresh": True, "facts_fingerprint": expected}
            }
        }
    }
    # The config is valid for both jobs that build the daily facts.
    for name in ("build_market_dates", "daily_close"):
        validated = dg.validate_run_config(defs.resolve_job_def(name), config)
        assert validated["ops"][DAILY_FACTS_OP]["config"] == config["ops"][DAILY_FACTS_OP]["config"]
    bogus = {"ops": {DAILY_FACTS_OP: {"config": {"full_refresh": True, "fingerprint": "x"}}}}
    with pytest.raises(dg.DagsterInvalidConfigError):
        dg.validate_run_config(defs.resolve_job_def("build_market_dates"), bogus)


def test_each_job_selects_its_stage() -> None:
    def selected(name: str) -> set[str]:
        job = defs.resolve_job_def(name)
        return {key.to_user_string() for key in job.asset_layer.selected_asset_keys}

    daily = {f"{model.schema}/{model.name}" for model in DAILY_MODELS}
    publish = {"warehouse/published", "reports/market_report"}
    assert selected("publish_warehouse") == publish
    assert selected("build_market_dates") == daily | publish
    ingest = selected("ingest_captures")
    assert {"landing/capture_files", "normalised/quotes", "audit/captures"} <= ingest
    assert not ingest & (daily | publish | {"landing/fetched_pages"})
    assert selected("fetch_pages") == ingest | {"landing/fetched_pages"}
    assert selected("daily_close") == selected("fetch_pages") | daily | publish
    partitioned = {
        name
        for name in ("ingest_captures", "build_market_dates", "fetch_pages", "daily_close")
        if defs.resolve_job_def(name).partitions_def is not None
    }
    assert partitioned == {"build_market_dates", "daily_close"}


def test_only_the_dates_whose_capture_changed_are_planned(tmp_path: Path) -> None:
    loaded = {THU: "c-thu", FRI: "c-fri"}
    built = write_work_db(tmp_path / "built", loaded=loaded, built=loaded)
    assert plan_market_dates(built) == planning.FactsPlan(
        market_dates=[], full_refresh=False, window=None
    )
    # Friday's capture is not in the facts yet: Friday alone.
    new_friday = write_work_db(tmp_path / "new", loaded=loaded, built={THU: "c-thu"})
    assert plan_market_dates(new_friday) == planning.FactsPlan(
        market_dates=[FRI], full_refresh=False, window=(FRI, FRI)
    )


def test_a_changed_date_rebuilds_the_next_one_too(tmp_path: Path) -> None:
    settings = write_work_db(
        tmp_path, loaded={THU: "c-thu-later", FRI: "c-fri"}, built={THU: "c-thu", FRI: "c-fri"}
    )
    assert plan_market_dates(settings) == planning.FactsPlan(
        market_dates=[THU, FRI], full_refresh=False, window=(THU, FRI)
    )


def test_another_codes_facts_are_rebuilt_from_scratch(tmp_path: Path) -> None:
    settings = write_work_db(
        tmp_path,
        loaded={THU: "c-thu", FRI: "c-fri"},
        built={THU: "c-thu", FRI: "c-fri"},
        stamp="the models of an older checkout",
    )
    plan = plan_market_dates(settings)
    assert plan == planning.FactsPlan(market_dates=[THU, FRI], full_refresh=True, window=(THU, FRI))
    assert facts_run_config(plan)["ops"][DAILY_FACTS_OP]["config"]["full_refresh"] is True


def test_a_plan_records_its_first_date_as_the_first_session(tmp_path: Path) -> None:
    settings = write_work_db(tmp_path, loaded={THU: "c-thu", FRI: "c-fri"}, built={})
    assert plan_market_dates(settings).window == (THU, FRI)
    assert recorded_first_session(settings.state_dir) == THU
    nothing = write_work_db(tmp_path / "none", loaded={}, built={})
    plan_market_dates(nothing)
    assert recorded_first_session(nothing.state_dir) is None, "no date built, none recorded"


def test_a_date_before_the_history_start_is_refused(tmp_path: Path) -> None:
    old = dt.date(2014, 12, 31)
    settings = write_work_db(tmp_path, loaded={old: "c-old", FRI: "c-fri"}, built={FRI: "c-fri"})
    with pytest.raises(ConfigError, match="MARKET_HISTORY_START=2014-12-31"):
        plan_market_dates(settings)
    assert recorded_first_session(settings.state_dir) is None, "a refused date is not recorded"
