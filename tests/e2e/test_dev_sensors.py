"""Under ``make dev``: after a model change, the next capture rebuilds every market date.

The sensors of the Dagster UI plan with the same planner as ``make build``. Here an ingest run
of the daemon (no CLI tag) follows a change of the models since the facts were built (the facts
fingerprint in the state dir no longer matches); the run-status sensor must ask for every
partition from scratch, and that run must rebuild every date.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg

from dagster_project.core.build import planning
from dagster_project.definitions import defs
from dagster_project.defs.jobs import RANGE_END_TAG, RANGE_START_TAG
from dagster_project.defs.resources import MarketResource, resources_run_config
from dagster_project.defs.sensors import changed_market_dates_sensor
from dagster_project.settings import Settings, export_settings
from dagster_project.tools.synth.captures import write_captures
from tests.builds import materialize_all, query


def _market(settings: Settings) -> MarketResource:
    return MarketResource(
        raw_dir=str(settings.raw_dir),
        warehouse=str(settings.warehouse),
        state_dir=str(settings.state_dir),
    )


def test_a_model_change_then_a_new_capture_rebuilds_every_date(tmp_path: Path) -> None:
    captures = tmp_path / "captures"
    write_captures(captures, days=3, symbols=5, captures_per_day=1, seed=7, replay_share=0)
    files = sorted(captures.rglob("*.txt"), key=lambda path: path.name)
    days = sorted({path.name.split("_")[1] for path in files})
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in files:
        if path.name.split("_")[1] != days[-1]:
            shutil.copy2(path, raw / path.name)
    settings = materialize_all(raw, tmp_path)
    stamp = settings.state_dir / planning.FACTS_STAMP
    built_with = stamp.read_text()
    stamp.write_text("the models of an older checkout")  # the models changed since
    for path in files:
        if path.name.split("_")[1] == days[-1]:
            shutil.copy2(path, raw / path.name)

    saved = dict(os.environ)
    export_settings(settings)
    try:
        instance = dg.DagsterInstance.ephemeral()
        # A run of this deployment: its resources point at these settings (``dagster dev``'s
        # definitions would have loaded with them).
        resources = {"resources": resources_run_config(settings)}
        ingest = defs.resolve_job_def("ingest_captures").execute_in_process(
            instance=instance, run_config=resources
        )
        assert ingest.success
        context = dg.build_run_status_sensor_context(
            sensor_name=changed_market_dates_sensor.name,
            dagster_instance=instance,
            dagster_run=ingest.dagster_run,
            dagster_event=ingest.get_run_success_event(),
            resources={"market": _market(settings)},
        )
        request = changed_market_dates_sensor(context)
        assert isinstance(request, dg.RunRequest)
        assert request.job_name == "build_market_dates"
        assert (request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]) == (days[0], days[-1])
        config = request.run_config["ops"]["market_dbt_daily_facts"]["config"]
        assert config == {"full_refresh": True, "facts_fingerprint": built_with}
        rebuilt = defs.resolve_job_def("build_market_dates").execute_in_process(
            instance=instance, tags=request.tags, run_config={**request.run_config, **resources}
        )
        assert rebuilt.success
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert stamp.read_text() == built_with
    dates = query(
        settings, "select distinct cast(market_date as varchar) from marts.fct_daily_movers"
    )
    assert sorted(str(row[0]) for row in dates) == days
    materialised = instance.get_materialized_partitions(dg.AssetKey(["marts", "fct_daily_movers"]))
    assert materialised == set(days)
