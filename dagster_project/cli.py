"""``market-snapshots``: build the warehouse from the command line (the UI's Dagster job)."""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import os
import sqlite3
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dagster_project.commands import export as export_commands
from dagster_project.commands import report as report_commands
from dagster_project.core.errors import BuildLockedError, ConfigError, MarketSnapshotsError
from dagster_project.core.synth import add_parser as add_synth_parser
from dagster_project.settings import Settings, export_settings, load_settings

if TYPE_CHECKING:
    from dagster_project.build import BuildOutcome

_MANAGED = "# Written by market-snapshots; remove this line to keep your own edits.\n"
_DAGSTER_YAML = (
    _MANAGED
    + "telemetry:\n  enabled: false\n"
    # One writer at a time on the working DuckDB file: steps of concurrent runs queue.
    + "concurrency:\n  pools:\n    default_limit: 1\n"
    # Runs whose process died are marked failed (and free their pool slots) by the daemon.
    + "run_monitoring:\n  enabled: true\n  poll_interval_seconds: 30\n"
)


@contextmanager
def build_lock(settings: Settings) -> Iterator[None]:
    """Hold the state directory's build lock; fail fast if another build holds it."""
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    with settings.build_lock.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildLockedError(
                f"another build is running on {settings.state_dir} (lock {settings.build_lock}); "
                "try again when it has finished"
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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


def _settings_from(args: argparse.Namespace) -> Settings:
    env = dict(os.environ)
    for option, variable in (
        ("raw_dir", "MARKET_RAW_DIR"),
        ("warehouse", "MARKET_WAREHOUSE"),
        ("state_dir", "MARKET_STATE_DIR"),
    ):
        value = getattr(args, option, None)
        if value:
            env[variable] = value
    if getattr(args, "trust_file_times", False):
        env["MARKET_TRUST_FILE_TIMES"] = "1"
    settings = load_settings(env)
    export_settings(settings)
    return settings


def _summary(settings: Settings) -> str:
    from dagster_project.core.build_summary import build_summary
    from dagster_project.core.warehouse import connect

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


def _report_failure(action: str, outcome: BuildOutcome) -> None:
    """Each failing step and its error in one line; for a bug, its traceback, step named first."""
    warehouse = (
        "the warehouse was published, but a later step failed"
        if outcome.published
        else "the previously published warehouse is unchanged"
    )
    print(f"{action} failed; {warehouse}.", file=sys.stderr)
    for message in outcome.failures:
        print(f"  {message}", file=sys.stderr)
    for traceback in outcome.tracebacks:
        print(traceback, file=sys.stderr)


def _run(args: argparse.Namespace, action: str) -> int:
    """Run a build or a backfill in this process, holding the build lock."""
    settings = _settings_from(args)
    _check_raw_dir(settings.raw_dir)
    prepare_dagster_home(settings)
    with build_lock(settings):
        from dagster_project.build import run_backfill, run_build

        with open_instance(settings) as instance:
            if action == "build":
                outcome = run_build(settings, instance=instance)
            else:
                outcome = run_backfill(settings, instance=instance, start=args.start, end=args.end)
    if not outcome.success:
        _report_failure(action, outcome)
        return 1
    print(_summary(settings))
    return 0


def build(args: argparse.Namespace) -> int:
    """Ingest new captures, rebuild the market dates they changed, publish."""
    return _run(args, "build")


def backfill(args: argparse.Namespace) -> int:
    """Ingest, then rebuild every market date of a range in one run, publish."""
    return _run(args, "backfill")


def dev(args: argparse.Namespace) -> int:
    """Start the Dagster UI on the same definitions and the same instance as ``build``."""
    settings = _settings_from(args)
    prepare_dagster_home(settings)
    port = str(args.port or os.environ.get("DAGSTER_PORT") or 3000)
    dagster = Path(sys.executable).with_name("dagster")
    command = [
        str(dagster),
        "dev",
        "-m",
        "dagster_project.definitions",
        "-h",
        args.host,
        "-p",
        port,
    ]
    print(f"Dagster UI on http://{args.host}:{port} (DAGSTER_HOME={os.environ['DAGSTER_HOME']})")
    os.execv(command[0], command)
    return 0  # pragma: no cover - execv does not return


def _add_path_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--raw-dir", help="captures to read (default $MARKET_RAW_DIR or raw/)")
    command.add_argument(
        "--warehouse", help="published file (default $MARKET_WAREHOUSE or warehouse/market.duckdb)"
    )
    command.add_argument(
        "--state-dir",
        help="working files (default $MARKET_STATE_DIR or .state beside the warehouse)",
    )
    command.add_argument(
        "--trust-file-times",
        action="store_true",
        help="date a capture that shows no date, has no fetch sidecar and no date in its name by "
        "its file's modification time (default $MARKET_TRUST_FILE_TIMES or off)",
    )


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="market-snapshots", description=__doc__)
    commands = main_parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser(
        "build", help="build and publish the warehouse from the raw dir"
    )
    _add_path_options(build_parser)
    build_parser.set_defaults(handler=build)
    backfill_parser = commands.add_parser(
        "backfill", help="rebuild the facts of a range of market dates (one Dagster run)"
    )
    _add_path_options(backfill_parser)
    backfill_parser.add_argument(
        "--from", dest="start", type=dt.date.fromisoformat, required=True, help="YYYY-MM-DD"
    )
    backfill_parser.add_argument(
        "--to", dest="end", type=dt.date.fromisoformat, required=True, help="YYYY-MM-DD"
    )
    backfill_parser.set_defaults(handler=backfill)
    dev_parser = commands.add_parser(
        "dev", help="open the Dagster UI (dagster dev) on this project"
    )
    _add_path_options(dev_parser)
    dev_parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    dev_parser.add_argument("--port", type=int, help="port (default $DAGSTER_PORT or 3000)")
    dev_parser.set_defaults(handler=dev)
    report_commands.add_parser(commands)
    export_commands.add_parser(commands)
    add_synth_parser(commands)
    return main_parser


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except MarketSnapshotsError as exc:
        print(f"market-snapshots: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
