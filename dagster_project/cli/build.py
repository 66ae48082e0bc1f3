"""``market-snapshots build`` and ``backfill``: the Dagster instance, the no-op check, failures.

Nothing here imports Dagster until a build has something to do: a build whose inputs equal the
stamp of the last successful one (:mod:`dagster_project.core.build.stamp`) stops after listing
the raw dir and hashing the code.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dagster_project.cli.lock import build_lock
from dagster_project.core.capture.text import printable
from dagster_project.core.disk import disk_full_line, is_disk_full
from dagster_project.core.errors import ConfigError
from dagster_project.defs.run_tags import NORMALISE_TAG
from dagster_project.settings import (
    DBT_PROJECT_DIR,
    HOLIDAYS_SEED,
    INDEX_CODES_SEED,
    PACKAGE_DIR,
    UV_LOCK,
    Settings,
)

if TYPE_CHECKING:
    from dagster_project.cli.runs import BuildOutcome
    from dagster_project.core.build.stamp import BuildInputs

#: Asset events written per transaction (see ``defs/dagster_private/event_storage.py``).
_EVENT_BATCH_SIZE = "5000"
_MANAGED = "# Written by market-snapshots; remove this line to keep your own edits.\n"
_DAGSTER_YAML = (
    _MANAGED
    + "telemetry:\n  enabled: false\n"
    # One writer at a time on the working DuckDB file: steps of concurrent runs queue.
    + "concurrency:\n  pools:\n    default_limit: 1\n"
    # One normalising run at a time: its batch steps write the lake outside the pools.
    + f"  runs:\n    tag_concurrency_limits:\n      - key: {NORMALISE_TAG}\n        limit: 1\n"
    # Runs whose process died are marked failed (and free their pool slots) by the daemon.
    + "run_monitoring:\n  enabled: true\n  poll_interval_seconds: 30\n"
    # Dagster's SQLite storage, writing each step's asset events in one transaction.
    + "storage:\n  custom:\n    module: dagster_project.defs.dagster_private\n"
    + "    class: BatchedSqliteStorage\n    config:\n      base_dir:\n        env: DAGSTER_HOME\n"
)


def prepare_dagster_home(settings: Settings) -> Path:
    """A persistent DAGSTER_HOME in the state directory, shared with ``make dev``."""
    home = Path(os.environ.get("DAGSTER_HOME") or settings.dagster_home)
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or (
        config.read_text().startswith(_MANAGED) and config.read_text() != _DAGSTER_YAML
    ):
        config.write_text(_DAGSTER_YAML)
    os.environ["DAGSTER_HOME"] = str(home)
    # Dagster batches a step's per-partition asset events only when this is set.
    os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", _EVENT_BATCH_SIZE)
    return home


_INSTANCE_STORAGE = ("history", "schedules", "storage")


def open_instance(settings: Settings) -> Any:
    """The Dagster instance in DAGSTER_HOME; damaged run storage is moved aside and recreated.

    Dagster's run history is state like the working database: losing it loses history, never
    data, so a storage file that is not a database does not stop the build.
    """
    import dagster as dg
    import sqlalchemy.exc

    home = Path(os.environ["DAGSTER_HOME"])
    for attempt in (1, 2):
        try:
            instance = dg.DagsterInstance.get()
            instance.get_runs(limit=1)
            instance.event_log_storage.get_concurrency_keys()
        except (sqlite3.DatabaseError, sqlalchemy.exc.DatabaseError) as exc:
            if attempt == 2:
                raise
            aside = home / f"damaged-{int(time.time())}"
            aside.mkdir()
            for name in _INSTANCE_STORAGE:
                if (home / name).exists():
                    os.replace(home / name, aside / name)
            print(
                f"market-snapshots: Dagster storage in {home} was unreadable ({exc}); "
                f"moved to {aside}, starting a new run history",
                file=sys.stderr,
            )
            continue
        return instance
    raise AssertionError("unreachable")


def _summary(settings: Settings) -> str:
    from dagster_project.core.warehouse.database import connect
    from dagster_project.report.build_summary import build_summary

    with connect(settings.warehouse, read_only=True) as con:
        return build_summary(con, warehouse=settings.warehouse, raw_dir=settings.raw_dir)


def _check_raw_dir(raw_dir: Path) -> None:
    """A missing raw dir is a mistake in the command, told in one line before anything runs."""
    if not raw_dir.exists():
        raise ConfigError(
            f"raw dir {raw_dir} does not exist: create it and drop captures there, "
            "or point --raw-dir (MARKET_RAW_DIR) at your captures"
        )
    if not raw_dir.is_dir():
        raise ConfigError(f"raw dir {raw_dir} is not a directory")


def _places(settings: Settings) -> dict[str, Path]:
    """Where a build writes, by the name a user knows it by (for a full disk's message)."""
    return {
        "state directory": settings.state_dir,
        "lake": settings.lake,
        "warehouse directory": settings.warehouse.parent,
    }


def _report_failure(action: str, settings: Settings, outcome: BuildOutcome) -> None:
    """Each failing step and its error in one line; for a bug, its traceback, step named first.

    A full disk is said first, naming the disk; it is no bug, so no traceback follows.
    """
    warehouse = (
        "the warehouse was published, but a later step failed"
        if outcome.published
        else "the previously published warehouse is unchanged"
    )
    full = [message for message in outcome.failures if is_disk_full(message)]
    if full:
        line = disk_full_line(full[0], _places(settings), warehouse_changed=outcome.published)
        print(f"{action} failed: {printable(line)}.", file=sys.stderr)
    else:
        print(f"{action} failed; {warehouse}.", file=sys.stderr)
    for message in outcome.failures:  # may quote a file name or page text: escaped
        print(f"  {printable(message)}", file=sys.stderr)
    for traceback in [] if full else outcome.tracebacks:
        print("\n".join(map(printable, traceback.splitlines())), file=sys.stderr)


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def _build_inputs(settings: Settings) -> BuildInputs:
    """What a build of ``settings`` would be made from (the raw dir is listed, not read)."""
    from dagster_project.core.build.stamp import build_inputs

    return build_inputs(
        settings.raw_dir,
        options=settings.build_options(),
        dbt_project_dir=DBT_PROJECT_DIR,
        holidays_seed=HOLIDAYS_SEED,
        index_codes_seed=INDEX_CODES_SEED,
        package_dir=PACKAGE_DIR,
        extra_files=[UV_LOCK] if UV_LOCK.is_file() else [],
    )


def run(
    settings: Settings,
    action: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    verbose: bool = False,
) -> int:
    """Run a build or a backfill in this process, holding the build lock; the exit status.

    A build first compares what it would be made from with the stamp of the last successful
    one: when nothing changed it says so and stops, before Dagster or dbt are even imported.
    Otherwise the stamp is removed first and written again only once the build succeeded. A
    full disk is told in one line (which disk, and that the warehouse is unchanged), exit 1.
    """

    _check_raw_dir(settings.raw_dir)
    published = _signature(settings.warehouse)
    try:
        return _run_locked(settings, action, start=start, end=end, verbose=verbose)
    except Exception as exc:
        if not is_disk_full(exc):
            raise
        changed = _signature(settings.warehouse) != published
        line = disk_full_line(str(exc), _places(settings), warehouse_changed=changed)
        print(f"{action} failed: {printable(line)}.", file=sys.stderr)
        print(f"  {printable(' '.join(str(exc).split()))}", file=sys.stderr)
        return 1


def _build_again(first_session: dt.date, *, verbose: bool) -> int:
    """Continue a build whose captures reach before the loaded partitions, in a new process: it
    loads the definitions again, from the first session now recorded. Everything landed and
    normalised is kept, so it goes straight to the daily facts. The settings are the same (this
    command exported them to the environment)."""
    print(
        f"history: a capture reaches back to {first_session}; continuing with the partitions "
        "from there"
    )
    command = [sys.executable, "-m", "dagster_project.cli", "build"]
    done = subprocess.run([*command, "--verbose"] if verbose else command, check=False)
    return done.returncode


def _run_locked(
    settings: Settings,
    action: str,
    *,
    start: dt.date | None,
    end: dt.date | None,
    verbose: bool,
) -> int:
    from dagster_project.core.build.stamp import (
        clear_stamp,
        unchanged_since_last_build,
        write_stamp,
    )

    prepare_dagster_home(settings)
    with build_lock(settings):
        inputs = _build_inputs(settings)
        last = unchanged_since_last_build(
            settings.state_dir, inputs, warehouse=settings.warehouse, work_db=settings.work_db
        )
        if action == "build" and last is not None:
            print(last.describe(settings.warehouse))
            print(_summary(settings))
            return 0
        clear_stamp(settings.state_dir)
        from dagster_project.cli.progress import shown_build
        from dagster_project.cli.runs import run_backfill, run_build

        with (
            shown_build(settings.state_dir, verbose=verbose) as log,
            open_instance(settings) as instance,
        ):
            if action == "build":
                outcome = run_build(settings, instance=instance)
            else:
                assert start is not None and end is not None
                outcome = run_backfill(settings, instance=instance, start=start, end=end)
        if outcome.success and action == "build":
            write_stamp(
                settings.state_dir,
                inputs,
                warehouse=settings.warehouse,
                work_db=settings.work_db,
                built_at=dt.datetime.now(dt.UTC),
            )
    if outcome.first_session is not None:
        return _build_again(outcome.first_session, verbose=verbose)
    if not outcome.success:
        _report_failure(action, settings, outcome)
        print(f"the build's full log: {log}", file=sys.stderr)
        return 1
    print(_summary(settings))
    print(f"log: {log}")
    return 0
