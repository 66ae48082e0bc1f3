"""``market-snapshots synth``: its arguments and its handler."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from dagster_project.cli.options import add_command
from dagster_project.tools.synth.captures import EXPECTED_FILE, write_captures


def _synth(args: argparse.Namespace) -> int:
    """The ``synth`` sub-command's handler."""
    summary = write_captures(
        Path(args.out),
        days=args.days,
        symbols=args.symbols,
        captures_per_day=args.captures_per_day,
        seed=args.seed,
        start=args.start,
        html_share=args.html_share,
        replay_share=args.replay_share,
        broken_share=args.broken_share,
        duplicate_share=args.duplicate_share,
        action_share=args.action_share,
        expected_path=Path(args.expected) if args.expected else None,
    )
    print(
        f"wrote {summary.files} capture files ({summary.total_bytes / 1e6:.1f} MB) to "
        f"{summary.out_dir}: {summary.sessions} sessions {summary.first_session} … "
        f"{summary.last_session}, {summary.html_files} HTML, {summary.replay_files} replays, "
        f"{summary.duplicate_files} duplicates, {summary.broken_lines} broken lines\n"
        f"ground truth: {summary.expected_path}"
    )
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``market-snapshots synth`` on the CLI's sub-command set."""
    synth = add_command(
        commands,
        "synth",
        summary="write synthetic captures (for tests and benchmarks) and expected.json",
        description="Write PSX sessions in the site's exact text format (some as HTML, with "
        "replays, duplicates and broken lines, and headlines naming strip companies), plus "
        "expected.json: the closes the warehouse should show and the symbols each day's "
        "headlines name.",
        examples=[
            "market-snapshots synth --days 250 --captures-per-day 12 --out /tmp/raw --seed 1",
            "market-snapshots build --raw-dir /tmp/raw --warehouse /tmp/wh/market.duckdb",
        ],
    )
    synth.add_argument("--days", type=int, required=True, help="number of PSX sessions")
    synth.add_argument("--symbols", type=int, default=30, help="stocks on the strip (default 30)")
    synth.add_argument(
        "--captures-per-day", type=int, default=1, help="captures per session (default 1)"
    )
    synth.add_argument("--out", required=True, help="new or empty directory to write into")
    synth.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    synth.add_argument(
        "--start",
        type=dt.date.fromisoformat,
        default=dt.date(2015, 1, 1),
        help="first day (YYYY-MM-DD); sessions start on or after it (default 2015-01-01)",
    )
    for kind, default, what in (
        ("html", 0.05, "captures written as HTML"),
        ("replay", 0.05, "sessions followed by a replay page"),
        ("broken", 0.02, "captures with a broken ticker line"),
        ("duplicate", 0.01, "captures also written as an exact duplicate file"),
        ("action", 0.0, "stock-sessions after a corporate action (bonus issue or split)"),
    ):
        synth.add_argument(
            f"--{kind}-share", type=float, default=default, help=f"share of {what} ({default})"
        )
    synth.add_argument(
        "--expected", help=f"where to write the ground truth (default OUT/{EXPECTED_FILE})"
    )
    synth.set_defaults(handler=_synth)
