"""The day report: read the published warehouse read-only, render one self-contained HTML file.

``load_day`` (in ``report.data``) turns the warehouse into a typed :class:`DayReport`;
``render_html`` (in ``report.html``) turns that into a page with inline SVG charts and no script,
no font or stylesheet to fetch, so the file opens offline, prints, and can be mailed as it is.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from dagster_project.core.warehouse.database import connect
from dagster_project.report.build_summary import NO_MARKET_DATE, capture_lines
from dagster_project.report.data import DayReport, load_day, market_dates
from dagster_project.report.format import percent, price, short_date
from dagster_project.report.html import render_html

__all__ = [
    "DayReport",
    "LatestReport",
    "ReportFile",
    "day_figures",
    "default_report_path",
    "render_report",
    "report_latest_day",
    "write_report",
]


@dataclass(frozen=True, slots=True)
class ReportFile:
    """A written report and the day it shows."""

    path: Path
    day: DayReport
    size: int


@dataclass(frozen=True, slots=True)
class LatestReport:
    """What the report step made of the published warehouse: the latest day's report, or none
    when the warehouse holds no market date yet; the captures' audit in either case."""

    written: ReportFile | None
    captures: tuple[str, ...]

    @property
    def level(self) -> int:
        """A warning when there was nothing to report, information otherwise."""
        return logging.WARNING if self.written is None else logging.INFO

    @property
    def message(self) -> str:
        """One log line: where the report went, or why there is none and what was captured."""
        if self.written is None:
            return f"{NO_MARKET_DATE}; no report written. " + " ".join(self.captures)
        return f"wrote {self.written.path}"


def report_latest_day(warehouse: Path) -> LatestReport:
    """Write the latest market date's report beside ``warehouse``, unless it holds no date."""
    with connect(warehouse, read_only=True) as con:
        has_data = bool(market_dates(con))
        captures = tuple(capture_lines(con))
    return LatestReport(write_report(warehouse) if has_data else None, captures)


def default_report_path(warehouse: Path, market_date: dt.date) -> Path:
    """``<warehouse dir>/reports/market-report-YYYY-MM-DD.html``."""
    return warehouse.parent / "reports" / f"market-report-{market_date.isoformat()}.html"


def render_report(
    warehouse: Path,
    market_date: dt.date | None = None,
    *,
    generated_at: dt.datetime | None = None,
    top_n: int = 5,
) -> tuple[DayReport, str]:
    """The day's facts and its HTML page (the latest market date by default)."""
    day = load_day(warehouse, market_date, top_n=top_n)
    html = render_html(
        day,
        generated_at=generated_at or dt.datetime.now(dt.UTC),
        warehouse_name=warehouse.name,
    )
    return day, html


def write_report(
    warehouse: Path,
    market_date: dt.date | None = None,
    *,
    out: Path | None = None,
    generated_at: dt.datetime | None = None,
) -> ReportFile:
    """Render the day; write it atomically to ``out`` or the default path beside the warehouse."""
    day, html = render_report(warehouse, market_date, generated_at=generated_at)
    path = out or default_report_path(warehouse, day.market_date)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = html.encode("utf-8")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return ReportFile(path=path, day=day, size=len(data))


def day_figures(day: DayReport) -> dict[str, str]:
    """The day in a few figures (the report asset's metadata in the UI): its market date, the
    strip's advancers and decliners, the lead index, the top gainer and loser (when there are)."""
    breadth = day.breadth
    figures = {
        "market_date": short_date(day.market_date),
        "breadth": (
            f"{breadth.advancers} up / {breadth.decliners} down / {breadth.unchanged} unchanged"
            f" of the strip's {breadth.total} symbols"
        ),
    }
    if day.indices:
        head = day.indices[0]
        figures[head.index_code] = f"{price(head.level)} ({percent(head.change_pct)})"
    if day.gainers:
        figures["top_gainer"] = f"{day.gainers[0].symbol} {percent(day.gainers[0].change_pct)}"
    if day.losers:
        figures["top_loser"] = f"{day.losers[0].symbol} {percent(day.losers[0].change_pct)}"
    return figures
