"""``market-snapshots``: build the warehouse from the command line (the UI's Dagster job)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from dagster_project.cli import build as build_commands
from dagster_project.cli import docs as docs_commands
from dagster_project.cli import export as export_commands
from dagster_project.cli import fetch as fetch_commands
from dagster_project.cli import report as report_commands
from dagster_project.cli.options import add_command, add_setting_options, settings_from_options
from dagster_project.cli.synth import add_parser as add_synth_parser
from dagster_project.core.errors import MarketSnapshotsError
from dagster_project.settings import Settings, export_settings

DESCRIPTION = """\
Turn captures of Business Recorder pages (text or HTML) into a DuckDB warehouse of Pakistan
Stock Exchange market facts: daily movers, sectors, index changes, intraday values and
headlines linked to symbols. Each command has its own --help with examples and the
environment variables it honours."""
EPILOG = """\
examples:
  market-snapshots build --raw-dir raw/ --warehouse warehouse/market.duckdb
  market-snapshots summary
  market-snapshots fetch && market-snapshots build

docs: README.md (querying, operating), docs/configuration.md (every setting)."""


def _settings_from(args: argparse.Namespace) -> Settings:
    settings = settings_from_options(args, os.environ)
    export_settings(settings)
    return settings


def build(args: argparse.Namespace) -> int:
    """Ingest new captures, rebuild the market dates they changed, publish."""
    return build_commands.run(_settings_from(args), "build", verbose=args.verbose)


def backfill(args: argparse.Namespace) -> int:
    """Ingest, then rebuild every market date of a range in one run, publish."""
    return build_commands.run(
        _settings_from(args), "backfill", start=args.start, end=args.end, verbose=args.verbose
    )


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


def versions() -> str:
    """The package's version and those of the engines it runs (read without importing them)."""
    from importlib import metadata

    parts = [f"market-snapshots {metadata.version('market-snapshots')}"]
    for package in ("dagster", "dagster-dbt", "dbt-core", "dbt-duckdb", "duckdb", "polars"):
        try:
            parts.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package} (not installed)")
    return parts[0] + " (" + ", ".join(parts[1:]) + ")"


class _Version(argparse.Action):
    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the versions and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        print(versions())
        parser.exit()


def _add_verbose(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--verbose",
        action="store_true",
        help="show the full Dagster and dbt log instead of the progress (it always goes to "
        "<state dir>/logs/build-<time>.log; its level: MARKET_LOG_LEVEL)",
    )


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="market-snapshots",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    main_parser.add_argument("--version", action=_Version)
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build_parser = add_command(
        commands,
        "build",
        summary="build and publish the warehouse from the raw dir",
        description="Land the captures of the raw dir, normalise the new ones, rebuild the "
        "market dates they change and publish the warehouse file atomically; with nothing new "
        "since the last build it does nothing and says so. Exit 0 when the warehouse was "
        "published, 1 when a step failed (the previous warehouse stays), 2 on a usage error.",
        examples=[
            "market-snapshots build",
            "market-snapshots build --raw-dir ~/captures --warehouse ~/psx/market.duckdb",
            "MARKET_TRUST_FILE_TIMES=1 market-snapshots build",
        ],
        settings=None,
    )
    add_setting_options(build_parser)
    _add_verbose(build_parser)
    build_parser.set_defaults(handler=build)
    backfill_parser = add_command(
        commands,
        "backfill",
        summary="rebuild the facts of a range of market dates (one Dagster run)",
        description="Land and normalise as build does, then rebuild every PSX session from "
        "--from to --to in one run and publish (weekends and holidays are no sessions).",
        examples=["market-snapshots backfill --from 2024-10-01 --to 2024-10-31"],
        settings=None,
    )
    add_setting_options(backfill_parser)
    backfill_parser.add_argument(
        "--from", dest="start", type=dt.date.fromisoformat, required=True, help="YYYY-MM-DD"
    )
    backfill_parser.add_argument(
        "--to", dest="end", type=dt.date.fromisoformat, required=True, help="YYYY-MM-DD"
    )
    _add_verbose(backfill_parser)
    backfill_parser.set_defaults(handler=backfill)
    dev_parser = add_command(
        commands,
        "dev",
        summary="open the Dagster UI (dagster dev) on this project",
        description="Start the Dagster UI on the same definitions and the same Dagster instance "
        "as build, so its runs, assets and checks are the ones the command line made.",
        examples=["market-snapshots dev", "market-snapshots dev --port 3001"],
        settings=None,
    )
    add_setting_options(dev_parser)
    dev_parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    dev_parser.add_argument("--port", type=int, help="port (default $DAGSTER_PORT or 3000)")
    dev_parser.set_defaults(handler=dev)
    fetch_commands.add_parser(commands)
    report_commands.add_parser(commands)
    export_commands.add_parser(commands)
    docs_commands.add_parser(commands)
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
