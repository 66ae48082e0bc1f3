"""The report's "Week and month" section: the period's top movers (adjusted, with the actions
adjusted for named), the indices' changes, and the day's corporate actions."""

from __future__ import annotations

import datetime as dt
from html import escape

from dagster_project.report.data import DayReport
from dagster_project.report.format import direction, percent, price
from dagster_project.report.periods import PeriodMover, PeriodView
from dagster_project.report.periods_summary import period_title


def _rows(movers: tuple[PeriodMover, ...]) -> str:
    if not movers:
        return '<tr><td colspan="3" class="note">none ranked</td></tr>'
    return "".join(
        f'<tr data-symbol="{escape(mover.symbol)}"><td>{escape(mover.symbol)}</td>'
        f'<td class="{direction(mover.return_pct)}">{percent(mover.return_pct)}</td>'
        f'<td class="note">{escape(", ".join(action.label for action in mover.actions))}</td>'
        "</tr>"
        for mover in movers
    )


def _period(view: PeriodView, day: dt.date) -> str:
    indices = " · ".join(
        f'{escape(code)} <span class="{direction(pct)}">{percent(pct)}</span>'
        for code, _change, pct in view.indices
    )
    head = "<thead><tr><th>{}</th><th>Return</th><th>Adjusted for</th></tr></thead>"
    return (
        f'<div data-period="{view.kind}"><h3>{escape(period_title(view, day))}</h3>'
        f'<p class="note">Indices: {indices or "none captured"}</p>'
        f'<div class="scroll"><table>{head.format("Top gainers")}<tbody>{_rows(view.gainers)}'
        f"</tbody></table><table>{head.format('Top losers')}<tbody>{_rows(view.losers)}</tbody>"
        "</table></div></div>"
    )


def periods_section(day: DayReport) -> str:
    """The section, or nothing for a warehouse without the period facts or a close in them."""
    periods = day.periods
    if periods is None:
        return ""
    views = [view for view in (periods.week, periods.month) if view is not None]
    if not views and not periods.actions:
        return ""
    actions = "".join(
        f'<li data-symbol="{escape(action.symbol)}">{escape(action.symbol)}: previous close '
        f"{price(action.close_before)} adjusted to {price(action.prev_close_printed)} "
        f"({escape(action.label)}, {escape(action.kind.replace('_', ' '))})</li>"
        for action in periods.actions
    )
    listed = f"<h3>Corporate actions today</h3><ul>{actions}</ul>" if actions else ""
    return (
        '<section class="panel" data-panel="periods"><h2>Week and month</h2><p class="note">'
        "Returns from each symbol's first to its last close of the period, adjusted for the "
        "bonus issues and splits in between (read from the strip's own change, which the "
        "exchange measures against the adjusted previous close); ranked among the symbols "
        "quoted on at least half the period's sessions.</p>"
        f"{''.join(_period(view, day.market_date) for view in views)}{listed}</section>"
    )
