"""``market-snapshots report`` (the day as an HTML file) and ``summary`` (in the terminal)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

from dagster_project.cli.options import add_command, add_setting_options, settings_from_options
from dagster_project.core.errors import NoMarketDateError
from dagster_project.settings import Settings


def _settings(args: argparse.Namespace) -> Settings:
    return settings_from_options(args, os.environ)


def _market_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from exc


def _no_market_date(warehouse: Path, outcome: str) -> int:
    """Say that nothing is loaded yet, and why (the captures' audit): not an error."""
    from dagster_project.core.warehouse.database import connect
    from dagster_project.report.build_summary import NO_MARKET_DATE, capture_lines

    with connect(warehouse, read_only=True) as con:
        lines = capture_lines(con)
    print(f"{NO_MARKET_DATE} in {warehouse}: {outcome}")
    print("\n".join(lines))
    return 0


def report(args: argparse.Namespace) -> int:
    """Write the day's HTML report and print where it went."""
    from dagster_project.report.format import short_date
    from dagster_project.report.page import write_report

    settings = _settings(args)
    out = Path(args.out).expanduser().resolve() if args.out else None
    try:
        written = write_report(settings.warehouse, args.date, out=out)
    except NoMarketDateError:
        return _no_market_date(settings.warehouse, "no report written")
    day = written.day
    print(f"report: {written.path}")
    print(
        f"market date: {short_date(day.market_date)}, {len(day.quotes)} symbols, "
        f"{len(day.indices)} indices ({written.size / 1024:.0f} KB, opens offline)"
    )
    return 0


def summary(args: argparse.Namespace) -> int:
    """Print the day's summary with rich tables, at most 80 columns wide."""
    from dagster_project.report.data import load_day
    from dagster_project.report.summary import print_summary

    settings = _settings(args)
    try:
        day = load_day(settings.warehouse, args.date)
    except NoMarketDateError:
        return _no_market_date(settings.warehouse, "nothing to summarise")
    print_summary(day)
    return 0


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--date",
        type=_market_date,
        help="market date as YYYY-MM-DD (default: the latest in the warehouse)",
    )
    add_setting_options(parser, ["warehouse"])


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``report [--date D] [--out FILE] [--warehouse W]`` and ``summary``."""
    report_parser = add_command(
        commands,
        "report",
        summary="write the day's market report as one self-contained HTML file",
        description="Write one market day of the published warehouse (the latest by default) as "
        "an HTML page with inline charts and no script or font to fetch: it opens offline, "
        "prints, and can be mailed as it is.",
        examples=[
            "market-snapshots report",
            "market-snapshots report --date 2024-10-18 --out day.html",
        ],
        settings=["warehouse"],
    )
    _add_common(report_parser)
    report_parser.add_argument(
        "--out",
        help="HTML file to write (default <warehouse dir>/reports/market-report-YYYY-MM-DD.html)",
    )
    report_parser.set_defaults(handler=report)
    summary_parser = add_command(
        commands,
        "summary",
        summary="print the day's market summary in the terminal",
        description="Print one market day of the published warehouse (the latest by default): "
        "the indices, the top movers, the sectors and what the captures gave.",
        examples=["market-snapshots summary", "market-snapshots summary --date 2024-10-18"],
        settings=["warehouse"],
    )
    _add_common(summary_parser)
    summary_parser.set_defaults(handler=summary)
