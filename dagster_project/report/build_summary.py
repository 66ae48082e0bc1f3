"""What a finished build tells its user, read from the published warehouse.

One block: the warehouse, the raw dir when it holds no capture, the captures by status with the
commonest reasons for rejecting them, the market dates, the rejected lines, and the queries that
list the rejections, so a folder where nothing loads explains itself::

    warehouse: /srv/bi/market.duckdb
    captures: 0 loaded, 20 rejected (20 "no date: the page shows no date bar and its …")
      list them: select source_path, reason from audit.captures where status = 'rejected'
      date them: rename each with its date (e.g. brecorder_2024-10-18T1630.txt), ...
    market dates: 0 (no market date loaded yet)
    rejected lines: 0
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from dagster_project.core.capture.text import printable
from dagster_project.core.raw.listing import CAPTURE_SUFFIXES, is_capture_name, raw_files

NO_MARKET_DATE = "no market date loaded yet"
REJECTED_CAPTURES_QUERY = "select source_path, reason from audit.captures where status = 'rejected'"
REJECTED_LINES_QUERY = "select capture_id, line_no, line, reason from audit.rejected_lines"
#: The order statuses are told in; ``loaded`` is always told, even as 0.
STATUS_ORDER = ("loaded", "rejected", "replay", "superseded")
REASON_WIDTH = 60
HOW_TO_DATE = (
    "rename each with its date (e.g. brecorder_2024-10-18T1630.txt), keep the fetch sidecar "
    "beside it, or build with --trust-file-times"
)


def _quoted(reason: str) -> str:
    text = " ".join(reason.split())
    if len(text) > REASON_WIDTH:
        text = text[: REASON_WIDTH - 1].rstrip() + "…"
    return f'"{text}"'


def rejection_reasons(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Each reason captures were rejected for, with how many, commonest first (ties A to Z)."""
    rows = con.execute(
        "select coalesce(reason, 'no reason given') as reason, count(*) as captures "
        "from audit.captures where status = 'rejected' group by all order by 2 desc, 1"
    ).fetchall()
    return [(str(reason), int(count)) for reason, count in rows]


def capture_lines(con: duckdb.DuckDBPyConnection, *, top: int = 5) -> list[str]:
    """``captures: 0 loaded, 20 rejected (20 "…")`` and, with rejections, the query to list them.

    The ``top`` commonest reasons are quoted with their counts; the rest are counted as "other".
    What came from outside (reasons, which may quote a file name or a line) is printed escaped.
    """
    counts = dict(
        con.execute("select status, count(*) from audit.captures group by status").fetchall()
    )
    if not counts:
        return ["captures: none"]
    statuses = [*STATUS_ORDER, *sorted(set(counts) - set(STATUS_ORDER))]
    parts = []
    for status in statuses:
        count = int(counts.get(status, 0))
        if not count and status != "loaded":
            continue
        part = f"{count} {status}"
        if status == "rejected":
            reasons = rejection_reasons(con)
            told = [f"{number} {_quoted(reason)}" for reason, number in reasons[:top]]
            if others := sum(number for _, number in reasons[top:]):
                told.append(f"{others} other")
            part += f" ({', '.join(told)})"
        parts.append(part)
    lines = [f"captures: {', '.join(parts)}"]
    if counts.get("rejected"):
        lines.append(f"  list them: {REJECTED_CAPTURES_QUERY}")
    if any(reason.startswith("no date:") for reason, _ in rejection_reasons(con)):
        lines.append(f"  date them: {HOW_TO_DATE}")
    dated = con.execute(
        "select dated_by, count(*) from audit.captures where status <> 'rejected' "
        "group by all order by 2 desc, 1"
    ).fetchall()
    if dated:
        lines.append("  dated by: " + ", ".join(f"{count} {source}" for source, count in dated))
    return [printable(line) for line in lines]


def raw_dir_note(raw_dir: Path) -> str | None:
    """A plain sentence when the raw dir holds no capture file, else None.

    The walk stops at the first capture, so a raw dir of years of captures costs next to nothing.
    """
    others = 0
    for _, entry in raw_files(raw_dir):
        if is_capture_name(entry.name):
            return None
        others += 1
    if not others:
        return f"raw dir {raw_dir} is empty: drop captures there"
    kinds = ", ".join(CAPTURE_SUFFIXES)
    return (
        f"raw dir {raw_dir} holds no capture ({kinds}): drop captures there "
        f"({others} other file(s) ignored)"
    )


def build_summary(con: duckdb.DuckDBPyConnection, *, warehouse: Path, raw_dir: Path) -> str:
    """The closing block of ``market-snapshots build`` (see the module docstring)."""
    lines = [printable(f"warehouse: {warehouse}")]
    if note := raw_dir_note(raw_dir):
        lines.append(printable(note))
    lines.extend(capture_lines(con))
    dates = con.execute(
        "select count(distinct market_date), min(market_date), max(market_date), count(*) "
        "from marts.fct_daily_movers"
    ).fetchone()
    if dates and dates[0]:
        lines.append(f"market dates: {dates[0]} ({dates[1]} … {dates[2]}), {dates[3]} daily quotes")
    else:
        lines.append(f"market dates: 0 ({NO_MARKET_DATE})")
    rejected = con.execute("select count(*) from audit.rejected_lines").fetchone()
    rejected_lines = int(rejected[0]) if rejected else 0
    lines.append(f"rejected lines: {rejected_lines}")
    if rejected_lines:
        lines.append(f"  list them: {REJECTED_LINES_QUERY}")
    return "\n".join(lines)
