"""The summary's "Week so far" and "Month so far" tables and the day's corporate actions."""

from __future__ import annotations

import datetime as dt

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from dagster_project.core.capture.text import printable
from dagster_project.report.data import DayReport
from dagster_project.report.format import direction, percent, plural, price, short_date
from dagster_project.report.periods import PeriodMover, PeriodView

_STYLES = {"up": "bold green", "down": "bold red", "flat": "dim"}
TITLES = {"week": "Week", "month": "Month"}


def period_title(view: PeriodView, day: dt.date) -> str:
    """``Week so far: from Mon 14 Oct 2024, 4 sessions``: through ``day``, or ``to …`` the
    period's last market date when the warehouse holds later ones than ``day``."""
    name = TITLES[view.kind]
    last = view.last_market_date
    to = "so far" if last == day else f"to {short_date(last)}"
    return f"{name} {to}: from {short_date(view.start)}, {plural(view.sessions, 'session')}"


def _side(title: str, movers: tuple[PeriodMover, ...]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", expand=True)
    table.add_column("Symbol", no_wrap=True)
    table.add_column("%", justify="right", no_wrap=True)
    table.add_column("Adjusted for", no_wrap=True, style="dim")
    for mover in movers:
        table.add_row(
            Text(printable(mover.symbol), style="bold"),
            Text(percent(mover.return_pct), style=_STYLES[direction(mover.return_pct)]),
            ", ".join(f"×{a.adjustment_factor:.2f} {a.market_date:%d %b}" for a in mover.actions),
        )
    if not movers:
        table.add_row(Text("none ranked", style="dim"), "", "")
    return table


def _period(view: PeriodView, day: dt.date) -> RenderableType:
    sides = Table.grid(expand=True, padding=(0, 2))
    sides.add_column(ratio=1)
    sides.add_column(ratio=1)
    sides.add_row(_side("Gainers (adjusted)", view.gainers), _side("Losers", view.losers))
    indices = Text("Indices: ", style="dim")
    for code, _change, change_pct in view.indices:
        indices.append(f"{code} ")
        indices.append(f"{percent(change_pct)}  ", style=_STYLES[direction(change_pct)])
    return Group(Text(period_title(view, day), style="bold"), sides, indices)


def periods_summary(day: DayReport) -> RenderableType | None:
    """The week, the month and the day's actions; None for a warehouse without the period facts
    or without a close in them."""
    periods = day.periods
    if periods is None:
        return None
    parts: list[RenderableType] = [
        _period(view, day.market_date) for view in (periods.week, periods.month) if view is not None
    ]
    if periods.actions:
        lines = Text("Corporate actions today", style="bold")
        for action in periods.actions:
            lines.append(
                f"\n{printable(action.symbol)}: previous close {price(action.close_before)}, "
                f"adjusted to {price(action.prev_close_printed)} ({action.label}, "
                f"{action.kind.replace('_', ' ')})"
            )
        parts.append(lines)
    return Group(*parts) if parts else None
