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
from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from dagster_project.core.build.history import HistoryExtendedError
from dagster_project.core.errors import MarketSnapshotsError
from dagster_project.definitions import defs, ingest_captures_job
from dagster_project.defs.jobs import facts_run_config, plan_market_dates, range_tags
from dagster_project.defs.partitions import PARTITIONS_START, sessions_in
from dagster_project.defs.resources import resources_run_config
from dagster_project.defs.run_tags import CLI_TAG
from dagster_project.defs.warehouse.assets import PUBLISHED_WAREHOUSE
from dagster_project.settings import Settings

__all__ = ["BuildOutcome", "range_tags", "release_interrupted_runs", "run_backfill", "run_build"]

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
    first_session: dt.date | None = None
    """Set when a capture extended the history before the loaded partitions: the new first
    session (recorded); the build must continue in a process that loads the definitions again."""


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


def _run_config(settings: Settings, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run config for ``settings``: the resources point at them, the console logs at their level."""
    return {
        "loggers": {"console": {"config": {"log_level": settings.log_level}}},
        "resources": resources_run_config(settings),
        **(extra or {}),
    }


def _record(outcome: BuildOutcome, result: Any) -> bool:
    """Note a finished run in ``outcome``; True when it succeeded."""
    outcome.run_ids.append(result.run_id)
    outcome.failures, outcome.tracebacks = failure_messages(result)
    outcome.published = outcome.published or any(
        event.asset_key == PUBLISHED_WAREHOUSE
        for event in result.get_asset_materialization_events()
    )
    return bool(result.success)


def _ingest(settings: Settings, instance: dg.DagsterInstance, outcome: BuildOutcome) -> bool:
    if settings.workers > 1:
        # A process per step (the definitions' executor, from MARKET_WORKERS), so the normalise
        # batches run side by side; each process loads the job from the definitions module.
        ingest = dg.execute_job(
            dg.reconstructable(ingest_captures_job),
            instance=instance,
            raise_on_error=False,
            tags=_CLI_TAGS,
            run_config=_run_config(settings),
        )
        return _record(outcome, ingest)
    in_process = defs.resolve_job_def("ingest_captures").execute_in_process(
        instance=instance, raise_on_error=False, tags=_CLI_TAGS, run_config=_run_config(settings)
    )
    return _record(outcome, in_process)


def _build_dates(
    settings: Settings,
    instance: dg.DagsterInstance,
    outcome: BuildOutcome,
    *,
    window: tuple[dt.date, dt.date],
    run_config: dict[str, Any] | None = None,
) -> bool:
    result = defs.resolve_job_def("build_market_dates").execute_in_process(
        instance=instance,
        raise_on_error=False,
        tags={**_CLI_TAGS, **range_tags(list(window))},
        run_config=_run_config(settings, run_config),
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
    release_interrupted_runs(instance)
    outcome = BuildOutcome(success=False)
    if not _ingest(settings, instance, outcome):
        return outcome
    try:
        plan = plan_market_dates(settings)
    except HistoryExtendedError as extended:
        outcome.first_session = extended.day
        return outcome
    outcome.market_dates, outcome.full_refresh = plan.market_dates, plan.full_refresh
    if plan.window is not None:
        done = _build_dates(
            settings,
            instance,
            outcome,
            window=plan.window,
            run_config=facts_run_config(plan, settings.dbt_target),
        )
    else:
        result = defs.resolve_job_def("publish_warehouse").execute_in_process(
            instance=instance,
            raise_on_error=False,
            tags=_CLI_TAGS,
            run_config=_run_config(settings),
        )
        done = _record(outcome, result)
    outcome.success = done
    return outcome


def run_backfill(
    settings: Settings, *, instance: dg.DagsterInstance, start: dt.date, end: dt.date
) -> BuildOutcome:
    """Ingest, then rebuild every market date from ``start`` to ``end`` in one run, and publish.

    The range is narrowed to the PSX sessions in it (weekends and holidays are no partitions).
    """
    release_interrupted_runs(instance)
    outcome = BuildOutcome(success=False)
    if start > end:
        outcome.failures = [f"the range is empty: {start} is after {end}"]
        return outcome
    window = sessions_in(start, end)
    if window is None:
        outcome.failures = [
            f"no PSX session from {start} to {end} (partitions start at {PARTITIONS_START}, the "
            "first session built; never before MARKET_HISTORY_START)"
        ]
        return outcome
    if _ingest(settings, instance, outcome) and _build_dates(
        settings, instance, outcome, window=window
    ):
        outcome.success = True
    return outcome
