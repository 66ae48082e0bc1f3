"""One build, as ``make build`` and the raw-dir sensor run it: two Dagster runs on one instance.

1. ``ingest_captures``: inventory the raw dir, normalise new captures, build the base dbt models.
2. ``build_market_dates`` over the partition range of the market dates whose loaded capture
   changed (nothing else is rebuilt), then publish; or ``publish_warehouse`` alone when no market
   date changed. After a change to the models or the normaliser, or while the daily facts do not
   exist yet, every date is rebuilt from scratch; with no date loaded at all, that is one run over
   the latest partition, which builds the facts empty, so a raw dir where nothing loads still
   publishes its marts and its audit.
"""

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any

import dagster as dg
import duckdb

from dagster_project.core.changes import affected_market_dates, all_market_dates
from dagster_project.core.errors import MarketSnapshotsError
from dagster_project.core.fingerprint import files_fingerprint
from dagster_project.core.warehouse import connect, missing_relations
from dagster_project.defs.normalise.assets import normaliser_version
from dagster_project.defs.partitions import market_date_partitions
from dagster_project.defs.publish.assets import PUBLISHED_WAREHOUSE
from dagster_project.defs.transform.dbt import daily_relations, dbt_source_files
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
    tracebacks: list[str] = field(default_factory=list)
    """The stack of each failure that is a bug rather than an expected error, step named first."""
    published: bool = False
    """The warehouse file was replaced (a step after publishing may still have failed)."""


@dataclass(frozen=True)
class FactsPlan:
    """What the daily facts need after an ingest."""

    market_dates: list[dt.date]
    """The market dates whose facts are rebuilt (every loaded date after a full refresh)."""
    full_refresh: bool
    window: tuple[dt.date, dt.date] | None
    """The partition range to rebuild, or None when no date changed (publish only)."""


def facts_fingerprint() -> str:
    """Changes when the dbt project or the normaliser changes: the facts must then be rebuilt."""
    return files_fingerprint(dbt_source_files()) + normaliser_version()


def _expected_error_names() -> set[str]:
    """Class names of the errors raised on purpose: they need a message, not a traceback."""
    names, pending = set(), [MarketSnapshotsError]
    while pending:
        cls = pending.pop()
        names.add(cls.__name__)
        pending.extend(cls.__subclasses__())
    return names


def failure_messages(result: Any) -> tuple[list[str], list[str]]:
    """The root error of each failed step, without Dagster's wrapping, and the tracebacks of bugs.

    An error of ours (a ``MarketSnapshotsError``) or of Dagster and dbt (e.g. a failed dbt test)
    is expected and told in one line; any other error is a bug, so its traceback is kept too,
    headed by the failing step.
    """
    messages, tracebacks = [], []
    expected = _expected_error_names()
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        while error is not None and error.cause is not None and "Dagster" in error.cls_name:
            error = error.cause
        detail = error.message.strip() if error is not None else "failed"
        messages.append(f"{event.step_key}: {detail}")
        if error is not None and error.cls_name not in expected and "Dagster" not in error.cls_name:
            stack = "".join(error.stack).rstrip()
            tracebacks.append(
                f"step {event.step_key} failed: Traceback (most recent call last):\n{stack}\n"
                f"{detail}"
            )
    return messages, tracebacks


def range_tags(dates: list[dt.date]) -> dict[str, str]:
    """Run tags selecting the partition range that covers ``dates``."""
    return {RANGE_START_TAG: min(dates).isoformat(), RANGE_END_TAG: max(dates).isoformat()}


def empty_window() -> tuple[dt.date, dt.date]:
    """The partition range that builds the daily facts when no market date is loaded: the latest.

    Any window would do (no date has a loaded capture, so every window is empty); the latest
    partition is the one the next scheduled run materialises anyway.
    """
    day = dt.date.fromisoformat(market_date_partitions.get_last_partition_key() or "2000-01-03")
    return day, day


def plan_facts(con: duckdb.DuckDBPyConnection, *, models_changed: bool = False) -> FactsPlan:
    """Which market dates to rebuild, given the working database after an ingest.

    Normally only the dates whose loaded capture changed, incrementally. Every loaded date, from
    scratch, when the models changed or a daily-fact relation is missing (a first build); and when
    that leaves no date at all, the facts are still built, empty, over :func:`empty_window`.
    """
    rebuild = models_changed or bool(missing_relations(con, daily_relations()))
    dates = all_market_dates(con) if rebuild else affected_market_dates(con)
    if dates:
        return FactsPlan(market_dates=dates, full_refresh=rebuild, window=(dates[0], dates[-1]))
    if rebuild:
        return FactsPlan(market_dates=[], full_refresh=True, window=empty_window())
    return FactsPlan(market_dates=[], full_refresh=False, window=None)


def _plan(settings: Settings) -> FactsPlan:
    stamp = settings.state_dir / "facts.fingerprint"
    changed = not stamp.exists() or stamp.read_text() != facts_fingerprint()
    with connect(settings.work_db, read_only=True) as con:
        return plan_facts(con, models_changed=changed)


def full_refresh_config(full_refresh: bool) -> dict[str, Any]:
    """The ``ops`` run config that passes ``full_refresh`` to the daily-facts dbt step."""
    return {"ops": {DAILY_FACTS_OP: {"config": {"full_refresh": full_refresh}}}}


def _run_config(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run config with the console log level of ``MARKET_LOG_LEVEL`` (default INFO)."""
    level = os.environ.get("MARKET_LOG_LEVEL", "INFO").upper()
    return {"loggers": {"console": {"config": {"log_level": level}}}, **(extra or {})}


def _record(outcome: BuildOutcome, result: Any) -> bool:
    """Note a finished run in ``outcome``; True when it succeeded."""
    outcome.run_ids.append(result.run_id)
    outcome.failures, outcome.tracebacks = failure_messages(result)
    outcome.published = outcome.published or any(
        event.asset_key == PUBLISHED_WAREHOUSE
        for event in result.get_asset_materialization_events()
    )
    return bool(result.success)


def _ingest(instance: dg.DagsterInstance, outcome: BuildOutcome) -> bool:
    from dagster_project.definitions import defs

    ingest = defs.resolve_job_def("ingest_captures").execute_in_process(
        instance=instance, raise_on_error=False, tags=_CLI_TAGS, run_config=_run_config()
    )
    return _record(outcome, ingest)


def _build_dates(
    instance: dg.DagsterInstance, outcome: BuildOutcome, *, start: dt.date, end: dt.date
) -> bool:
    from dagster_project.definitions import defs

    result = defs.resolve_job_def("build_market_dates").execute_in_process(
        instance=instance,
        raise_on_error=False,
        tags={**_CLI_TAGS, **range_tags([start, end])},
        run_config=_run_config(full_refresh_config(outcome.full_refresh)),
    )
    return _record(outcome, result)


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
    plan = _plan(settings)
    outcome.market_dates, outcome.full_refresh = plan.market_dates, plan.full_refresh
    if plan.window is not None:
        done = _build_dates(instance, outcome, start=plan.window[0], end=plan.window[1])
    else:
        result = defs.resolve_job_def("publish_warehouse").execute_in_process(
            instance=instance, raise_on_error=False, tags=_CLI_TAGS, run_config=_run_config()
        )
        done = _record(outcome, result)
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
