"""The sensors: what a new state of the raw dir, and a finished ingest or close, start.

The raw-dir sensor runs on a temporary raw dir. The run-status sensor is given real finished
runs of stand-in jobs named like the monitored ones (an ingest job takes a dbt build), over the
small working database of ``tests/defs/test_jobs.py``; the full-refresh path after a model
change, with the real jobs, is ``tests/e2e/test_dev_sensors.py``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.core.build import planning
from dagster_project.defs.jobs import RANGE_END_TAG, RANGE_START_TAG
from dagster_project.defs.resources import MarketResource, market_resource
from dagster_project.defs.run_tags import CLI_TAG
from dagster_project.defs.sensors import (
    changed_market_dates_sensor,
    listing_signature,
    new_captures_sensor,
)
from dagster_project.settings import Settings
from tests.defs.work_db import FRI, THU, write_work_db


def _market(raw: Path, tmp_path: Path) -> MarketResource:
    return MarketResource(
        raw_dir=str(raw),
        warehouse=str(tmp_path / "warehouse" / "market.duckdb"),
        state_dir=str(tmp_path / "state"),
    )


def _tick(market: MarketResource, cursor: str | None) -> tuple[object, str | None]:
    context = dg.build_sensor_context(cursor=cursor, resources={"market": market})
    return new_captures_sensor(context), context.cursor


def test_a_missing_raw_dir_is_skipped(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    result, cursor = _tick(_market(raw, tmp_path), None)
    assert isinstance(result, dg.SkipReason)
    assert result.skip_message == f"raw dir {raw} does not exist"
    assert cursor is None


def test_each_new_state_of_the_raw_dir_requests_one_ingest(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    market = _market(raw, tmp_path)
    (raw / "a.txt").write_text("AGL 38.00 No Change ▼ 0.00 (0%)\n", encoding="utf-8")
    signature = listing_signature(market)
    assert signature == planning.raw_listing(raw).signature

    first, cursor = _tick(market, None)
    assert isinstance(first, dg.RunRequest)
    assert first.run_key == f"raw-{signature[:16]}"
    assert cursor == signature

    again, same = _tick(market, cursor)
    assert isinstance(again, dg.SkipReason)
    assert again.skip_message == "no new or changed captures"
    assert same == signature

    # A new file under a sub-folder is a new state; a touched file too.
    (raw / "fetched").mkdir()
    (raw / "fetched" / "b.html").write_text("<p>page</p>", encoding="utf-8")
    second, newer = _tick(market, cursor)
    assert isinstance(second, dg.RunRequest) and newer not in (None, signature)
    assert second.run_key == f"raw-{listing_signature(market)[:16]}"
    os.utime(raw / "a.txt", ns=(0, 1_000_000_000))
    third, newest = _tick(market, newer)
    assert isinstance(third, dg.RunRequest) and newest not in (newer, signature)


def test_hidden_folders_change_nothing(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("x", encoding="utf-8")
    market = _market(raw, tmp_path)
    _, cursor = _tick(market, None)
    (raw / ".git").mkdir()
    (raw / ".git" / "index").write_text("y", encoding="utf-8")
    result, _ = _tick(market, cursor)
    assert isinstance(result, dg.SkipReason)


@dg.op
def _done() -> None:
    """Stands in for the steps of a monitored job."""


def _finished(
    name: str, instance: dg.DagsterInstance, tags: dict[str, str] | None = None
) -> dg.ExecuteInProcessResult:
    job = dg.GraphDefinition(name=name, node_defs=[_done]).to_job(name=name)
    result = job.execute_in_process(instance=instance, tags=tags)
    assert result.success
    return result


def _after(
    run: dg.ExecuteInProcessResult, settings: Settings, instance: dg.DagsterInstance
) -> object:
    context = dg.build_run_status_sensor_context(
        sensor_name=changed_market_dates_sensor.name,
        dagster_instance=instance,
        dagster_run=run.dagster_run,
        dagster_event=run.get_run_success_event(),
        resources={"market": market_resource(settings)},
    )
    return changed_market_dates_sensor(context)


def test_the_sensors_start_their_jobs_and_run_by_default() -> None:
    assert new_captures_sensor.job_name == "ingest_captures"
    assert new_captures_sensor.minimum_interval_seconds == 30
    assert {target.job_name for target in changed_market_dates_sensor.targets} == {
        "build_market_dates",
        "publish_warehouse",
    }
    for sensor in (new_captures_sensor, changed_market_dates_sensor):
        assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
        assert sensor.required_resource_keys == {"market"}


def test_a_cli_run_is_left_to_the_cli(tmp_path: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    settings = write_work_db(tmp_path, loaded={FRI: "c-fri"}, built={})
    run = _finished("ingest_captures", instance, tags={CLI_TAG: "build"})
    result = _after(run, settings, instance)
    assert isinstance(result, dg.SkipReason)
    assert result.skip_message == "make build runs its own market dates"


def test_an_ingest_that_changed_dates_requests_their_range(tmp_path: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    settings = write_work_db(
        tmp_path, loaded={THU: "c-thu-later", FRI: "c-fri"}, built={THU: "c-thu", FRI: "c-fri"}
    )
    run = _finished("ingest_captures", instance)
    request = _after(run, settings, instance)
    assert isinstance(request, dg.RunRequest)
    assert request.job_name == "build_market_dates"
    assert request.run_key == f"dates-{run.dagster_run.run_id}"
    assert request.tags == {RANGE_START_TAG: "2024-10-17", RANGE_END_TAG: "2024-10-18"}
    assert request.run_config == {
        "ops": {"market_dbt_daily_facts": {"config": {"full_refresh": False}}}
    }


@pytest.mark.parametrize(("job", "publishes"), [("ingest_captures", True), ("daily_close", False)])
def test_no_changed_date_publishes_after_an_ingest_only(
    tmp_path: Path, job: str, publishes: bool
) -> None:
    instance = dg.DagsterInstance.ephemeral()
    loaded = {THU: "c-thu", FRI: "c-fri"}
    settings = write_work_db(tmp_path, loaded=loaded, built=loaded)
    run = _finished(job, instance)
    result = _after(run, settings, instance)
    if publishes:
        assert isinstance(result, dg.RunRequest)
        assert result.job_name == "publish_warehouse"
        assert result.run_key == f"publish-{run.dagster_run.run_id}"
        assert not result.tags and not result.run_config
    else:
        assert isinstance(result, dg.SkipReason)
        assert result.skip_message == "the daily close built and published every changed date"


def test_a_first_build_with_nothing_loaded_builds_the_empty_facts(tmp_path: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    settings = write_work_db(tmp_path, loaded={}, built={}, stamp="never built")
    request = _after(_finished("ingest_captures", instance), settings, instance)
    assert isinstance(request, dg.RunRequest) and request.job_name == "build_market_dates"
    start, end = request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]
    assert start == end and dt.date.fromisoformat(start) >= FRI
    config = request.run_config["ops"]["market_dbt_daily_facts"]["config"]
    assert config["full_refresh"] is True and len(config["facts_fingerprint"]) == 32
