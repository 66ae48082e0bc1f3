"""``market-snapshots``: build the warehouse from the command line (the UI's Dagster job)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from dagster_project.cli import build as build_commands
from dagster_project.cli import export as export_commands
from dagster_project.cli import report as report_commands
from dagster_project.cli.options import add_setting_options, settings_from_options
from dagster_project.cli.synth import add_parser as add_synth_parser
from dagster_project.core.errors import MarketSnapshotsError
from dagster_project.settings import Settings, export_settings


def _settings_from(args: argparse.Namespace) -> Settings:
    settings = settings_from_options(args, os.environ)
    export_settings(settings)
    return settings


def build(args: argparse.Namespace) -> int:
    """Ingest new captures, rebuild the market dates they changed, publish."""
    return build_commands.run(_settings_from(args), "build")


def backfill(args: argparse.Namespace) -> int:
    """Ingest, then rebuild every market date of a range in one run, publish."""
    return build_commands.run(_settings_from(args), "backfill", start=args.start, end=args.end)


def dev(args: argparse.Namespace) -> int:
    """Start the Dagster UI on the same definitions and the same instance as ``build``."""
    settings = _settings_from(args)
    build_commands.prepare_dagster_home(settings)
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


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="market-snapshots", description=__doc__)
    commands = main_parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser(
        "build", help="build and publish the warehouse from the raw dir"
    )
    add_setting_options(build_parser)
    build_parser.set_defaults(handler=build)
    backfill_parser = commands.add_parser(
        "backfill", help="rebuild the facts of a range of market dates (one Dagster run)"
    )
    add_setting_options(backfill_parser)
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
    add_setting_options(dev_parser)
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
