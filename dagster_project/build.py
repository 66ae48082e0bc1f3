"""One build, as ``make build`` and the raw-dir sensor run it: two Dagster runs on one instance.

1. ``ingest_captures``: inventory the raw dir, normalise new captures, build the base dbt models.
2. ``build_market_dates`` over the partition range of the market dates whose loaded capture
   changed (nothing else is rebuilt), then publish; or ``publish_warehouse`` alone when no market
   date changed. After a change to the models or the normaliser, every date is rebuilt from scratch.
"""

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from dagster_project.core.changes import affected_market_dates, all_market_dates
from dagster_project.core.fingerprint import files_fingerprint
from dagster_project.core.warehouse import connect, table_exists
from dagster_project.defs.normalise.assets import normaliser_version
from dagster_project.defs.transform.dbt import dbt_source_files
from dagster_project.settings import Settings

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
DAILY_FACTS_OP = "market_dbt_daily_facts"
CLI_TAG = "market/launched_by"
_CLI_TAGS = {CLI_TAG: "market-snapshots"}


@dataclass
class BuildOutcome:
    """What a build did."""

    success: bool
    run_ids: list[str] = field(default_factory=list)
    market_dates: list[dt.date] = field(default_factory=list)
    full_refresh: bool = False
    failures: list[str] = field(default_factory=list)


def facts_fingerprint() -> str:
    """Changes when the dbt project or the normaliser changes: the facts must then be rebuilt."""
    return files_fingerprint(dbt_source_files()) + normaliser_version()


def failure_messages(result: Any) -> list[str]:
    """The root error of each failed step, without Dagster's wrapping."""
    messages = []
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        while error is not None and error.cause is not None and "Dagster" in error.cls_name:
            error = error.cause
        detail = error.message.strip() if error is not None else "failed"
        messages.append(f"{event.step_key}: {detail}")
    return messages


def range_tags(dates: list[dt.date]) -> dict[str, str]:
    """Run tags selecting the partition range that covers ``dates``."""
    return {RANGE_START_TAG: min(dates).isoformat(), RANGE_END_TAG: max(dates).isoformat()}


def _plan(settings: Settings) -> tuple[list[dt.date], bool]:
    stamp = settings.state_dir / "facts.fingerprint"
    with connect(settings.work_db, read_only=True) as con:
        built = table_exists(con, "marts", "fct_daily_movers")
        changed = built and (not stamp.exists() or stamp.read_text() != facts_fingerprint())
        dates = all_market_dates(con) if changed else affected_market_dates(con)
    return dates, changed


def _run_config(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run config with the console log level of ``MARKET_LOG_LEVEL`` (default INFO)."""
    level = os.environ.get("MARKET_LOG_LEVEL", "INFO").upper()
    return {"loggers": {"console": {"config": {"log_level": level}}}, **(extra or {})}


def _ingest(instance: dg.DagsterInstance, outcome: BuildOutcome) -> bool:
    from dagster_project.definitions import defs

    ingest = defs.resolve_job_def("ingest_captures").execute_in_process(
        instance=instance, raise_on_error=False, tags=_CLI_TAGS, run_config=_run_config()
    )
    outcome.run_ids.append(ingest.run_id)
    outcome.failures = failure_messages(ingest)
    return ingest.success


def _build_dates(
    instance: dg.DagsterInstance, outcome: BuildOutcome, *, start: dt.date, end: dt.date
) -> bool:
    from dagster_project.definitions import defs

    result = defs.resolve_job_def("build_market_dates").execute_in_process(
        instance=instance,
        raise_on_error=False,
        tags={**_CLI_TAGS, **range_tags([start, end])},
        run_config=_run_config(
            {"ops": {DAILY_FACTS_OP: {"config": {"full_refresh": outcome.full_refresh}}}}
        ),
    )
    outcome.run_ids.append(result.run_id)
    outcome.failures = failure_messages(result)
    return result.success


def release_interrupted_runs(instance: dg.DagsterInstance) -> list[str]:
    """Fail the CLI runs a killed build left "started", and free their concurrency slots.

    The caller holds the build lock, so no other CLI build is running: a CLI run still marked
    in progress died with its process (SIGKILL, power loss) and would otherwise hold the work
    database's pool slot forever, making the next build wait.
    """
    stale = instance.get_runs(
        filters=dg.RunsFilter(
            statuses=[dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED],
            tags={CLI_TAG: _CLI_TAGS[CLI_TAG]},
        )
    )
    for run in stale:
        instance.report_run_failed(run, "the build process ended while this run was in progress")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
    return [run.run_id for run in stale]


def run_build(settings: Settings, *, instance: dg.DagsterInstance) -> BuildOutcome:
    """Run the ingest and the daily-facts runs; the warehouse is published only if both succeed.

    The caller must hold the build lock (``market-snapshots build`` does).
    """
    from dagster_project.definitions import defs

    release_interrupted_runs(instance)
    outcome = BuildOutcome(success=False)
    if not _ingest(instance, outcome):
        return outcome
    outcome.market_dates, outcome.full_refresh = _plan(settings)
    if outcome.market_dates:
        done = _build_dates(
            instance, outcome, start=min(outcome.market_dates), end=max(outcome.market_dates)
        )
    else:
        result = defs.resolve_job_def("publish_warehouse").execute_in_process(
            instance=instance, raise_on_error=False, tags=_CLI_TAGS, run_config=_run_config()
        )
        outcome.run_ids.append(result.run_id)
        outcome.failures = failure_messages(result)
        done = result.success
    if done:
        (settings.state_dir / "facts.fingerprint").write_text(facts_fingerprint())
    outcome.success = done
    return outcome


def run_backfill(
    settings: Settings, *, instance: dg.DagsterInstance, start: dt.date, end: dt.date
) -> BuildOutcome:
    """Ingest, then rebuild every market date from ``start`` to ``end`` in one run, and publish."""
    release_interrupted_runs(instance)
    outcome = BuildOutcome(success=False)
    if start > end:
        outcome.failures = [f"the range is empty: {start} is after {end}"]
        return outcome
    if _ingest(instance, outcome) and _build_dates(instance, outcome, start=start, end=end):
        outcome.success = True
    return outcome
