"""The day report in the terminal: coloured rich tables that fit 80 columns."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from dagster_project.core.capture.text import printable
from dagster_project.report.data import DayReport, IndexDay, Quote
from dagster_project.report.format import (
    DOWN,
    FLAT,
    UP,
    arrow,
    byline,
    clock,
    direction,
    level,
    percent,
    plural,
    price,
    sector_label,
    short_date,
    signed,
)
from dagster_project.report.intraday import low_high
from dagster_project.report.periods_summary import periods_summary

WIDTH = 80
STYLES = {"up": "bold green", "down": "bold red", "flat": "dim"}
_TICKS = "▁▂▃▄▅▆▇█"
_TABLE: dict[str, Any] = {"show_edge": False, "title_style": "bold"}


def _coloured(text: str, value: Decimal) -> Text:
    return Text(text, style=STYLES[direction(value)])


def _scraped(text: str, style: str = "") -> Text:
    """What came from a page or a file name: printed as text (never rich markup), on one line,
    every control character escaped (:func:`printable`)."""
    return Text(printable(text), style=style)


def spark(levels: Sequence[Decimal]) -> str:
    """Levels as block characters, oldest first (``▁▃▅█``); empty with under two levels."""
    if len(levels) < 2:
        return ""
    low, high = min(levels), max(levels)
    span = (high - low) or Decimal(1)
    return "".join(_TICKS[round((level - low) / span * (len(_TICKS) - 1))] for level in levels)


def _indices(indices: Sequence[IndexDay]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, title="Indices", title_justify="left", expand=True, **_TABLE)
    for name in ("Index", "Level", "Change", "Change %", "Previous"):
        table.add_column(name, justify="left" if name == "Index" else "right", no_wrap=True)
    table.add_column("Trend", no_wrap=True, overflow="crop", max_width=20)
    for index in indices:
        table.add_row(
            _scraped(index.index_code, "bold"),
            price(index.level),
            _coloured(f"{arrow(index.change)} {signed(index.change)}", index.change),
            _coloured(percent(index.change_pct), index.change_pct),
            price(index.prev_level),
            Text(trend, style=STYLES[direction(index.change)].removeprefix("bold "))
            if (trend := spark([value for _, value in index.history[-20:]]))
            else Text("—", style="dim"),
        )
    return table


def intraday_line(index: IndexDay, *, width: int = WIDTH) -> str:
    """``KSE100 intraday: 11:00 85,410 → 14:00 85,300 → 16:10 85,250 (3 captures)``; when every
    capture does not fit, the first and the last with a spark line between them (and the low and
    the high when they fit too)."""
    points = index.intraday
    if len(points) < 2:
        return ""
    head = f"{index.index_code} intraday: "
    count = f"({plural(len(points), 'capture')})"
    line = head + " → ".join(f"{clock(p.captured_at)} {level(p.level)}" for p in points)
    if len(line) + 1 + len(count) <= width:
        return f"{line} {count}"
    first, last = points[0], points[-1]
    line = (
        f"{head}{clock(first.captured_at)} {level(first.level)} "
        f"{spark([p.level for p in points])} {clock(last.captured_at)} {level(last.level)}"
    )
    low, high = low_high(points)
    extremes = f"{count[:-1]}, low {level(low.level)}, high {level(high.level)})"
    return f"{line} {extremes if len(line) + 1 + len(extremes) <= width else count}"


def _intraday(indices: Sequence[IndexDay]) -> Text:
    lines = [(index, line) for index in indices if (line := intraday_line(index))]
    text = Text()
    for number, (index, line) in enumerate(lines):
        code, rest = line.split(" ", 1)
        text.append(("\n" if number else "") + code, style="bold")
        text.append(
            " " + rest, style=STYLES[direction(index.intraday[-1].level - index.prev_level)]
        )
    return text


def _movers(title: str, quotes: Sequence[Quote]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", expand=True, **_TABLE)
    table.add_column("Symbol", no_wrap=True)
    table.add_column("Close", justify="right", no_wrap=True)
    table.add_column("Chg", justify="right", no_wrap=True)
    table.add_column("%", justify="right", no_wrap=True)
    for quote in quotes:
        table.add_row(
            _scraped(quote.symbol, "bold"),
            price(quote.close_price),
            _coloured(signed(quote.change), quote.change),
            _coloured(percent(quote.change_pct), quote.change_pct),
        )
    if not quotes:
        table.add_row(Text("none", style="dim"), "", "", "")
    return table


def _sectors(day: DayReport) -> Table:
    table = Table(box=box.SIMPLE_HEAD, title="Sectors", title_justify="left", expand=True, **_TABLE)
    table.add_column("Sector", overflow="ellipsis", no_wrap=True, ratio=1)
    table.add_column("n", justify="right", no_wrap=True)
    table.add_column(UP, justify="right", no_wrap=True, style="green")
    table.add_column(DOWN, justify="right", no_wrap=True, style="red")
    table.add_column(FLAT, justify="right", no_wrap=True, style="dim")
    table.add_column("Avg %", justify="right", no_wrap=True)
    table.add_column("Best", no_wrap=True)
    table.add_column("Worst", no_wrap=True)
    for sector in day.sectors:
        table.add_row(
            _scraped(sector_label(sector.sector)),
            str(sector.symbol_count),
            str(sector.advancers),
            str(sector.decliners),
            str(sector.unchanged),
            _coloured(percent(sector.avg_change_pct), sector.avg_change_pct),
            _scraped(sector.best_symbol),
            _scraped(sector.worst_symbol),
        )
    return table


def _breadth(day: DayReport) -> Text:
    b = day.breadth
    line = Text()
    line.append("Breadth   ", style="bold")
    line.append(f"{UP} {b.advancers} advancing", style=STYLES["up"])
    line.append("   ")
    line.append(f"{DOWN} {b.decliners} declining", style=STYLES["down"])
    line.append("   ")
    line.append(f"{FLAT} {b.unchanged} unchanged", style="bold")
    if b.total:
        bar = Text("\n" + " " * 10)
        cells = 40
        for count, style in ((b.advancers, "green"), (b.unchanged, "grey50"), (b.decliners, "red")):
            bar.append("█" * round(count / b.total * cells), style=style)
        line.append_text(bar)
    return line


def _in_the_news(day: DayReport) -> Group | None:
    """The top movers' headlines, each beside its symbol and move."""
    movers = [quote for quote in (*day.gainers, *day.losers) if quote.headline]
    if not movers:
        return None
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, justify="right")
    table.add_column(ratio=1)
    for quote in movers:
        table.add_row(
            _scraped(quote.symbol, "bold"),
            _coloured(f"{arrow(quote.change_pct)} {percent(quote.change_pct)}", quote.change_pct),
            _scraped(quote.headline or ""),
        )
    return Group(Text("Top movers in the news", style="bold"), table)


def _headlines(day: DayReport) -> RenderableType | None:
    """The day's headlines, the article first, each with the symbols it names."""
    if day.headlines is None:
        return None
    title = Text("Headlines", style="bold")
    if not day.headlines:
        return Text.assemble(title, ("  none captured for this session", "dim"))
    moves = {quote.symbol: quote.change_pct for quote in day.quotes}
    moves |= {index.index_code: index.change_pct for index in day.indices}
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    for headline in day.headlines:
        text = _scraped(headline.headline, "bold" if headline.is_article else "")
        by = byline(headline.section, headline.news_source, headline.published_at)
        if headline.is_article and by:
            text.append(f" — {printable(by)}", style="dim")
        for link in headline.links:
            move = moves.get(link.symbol)
            text.append(f"  {printable(link.symbol)}", style="bold cyan")
            if move is not None:
                text.append(f" {arrow(move)} {percent(move)}", style=STYLES[direction(move)])
        table.add_row("▸" if headline.is_article else "•", text)
    return Group(title, table)


def _audit(day: DayReport) -> Text:
    audit = day.audit
    parts = [
        f"{audit.count('loaded')} loaded",
        plural(audit.count("replay"), "replay"),
        f"{audit.count('superseded')} superseded",
        f"{audit.count('rejected')} rejected",
        f"{plural(audit.rejected_lines, 'line')} rejected",
    ]
    text = Text()
    text.append("Captures  ", style="bold")
    text.append(" · ".join(parts))
    if audit.undated_rejected:
        text.append(f" · {audit.undated_rejected} undated rejected (any day)", style="yellow")
    for row in audit.captures:
        dated = f" (dated by {printable(row.dated_by)})" if row.dated_by else ""
        text.append(f"\n  {row.status:<10} {printable(row.source_path)}{dated}", style="dim")
    return text


def summary(day: DayReport) -> RenderableType:
    """Everything ``market-snapshots summary`` prints for one day."""
    movers = Table.grid(expand=True, padding=(0, 2))
    movers.add_column(ratio=1)
    movers.add_column(ratio=1)
    movers.add_row(_movers("Top gainers", day.gainers), _movers("Top losers", day.losers))
    title = Text(f"PSX market report — {short_date(day.market_date)}", style="bold")
    title.append(
        f"\n{plural(len(day.quotes), 'symbol')} of Business Recorder's ticker strip (not all "
        f"of PSX), {plural(len(day.indices), 'PSX index', 'PSX indices')}",
        style="dim",
    )
    indices: RenderableType = _indices(day.indices)
    if intraday := _intraday(day.indices):
        indices = Group(indices, intraday)
    parts = (
        _breadth(day),
        indices,
        movers,
        periods_summary(day),
        _in_the_news(day),
        _headlines(day),
        _sectors(day),
        _audit(day),
    )
    return Group(title, *(item for part in parts if part is not None for item in ("", part)))


def print_summary(day: DayReport, console: Console | None = None) -> None:
    """Print the summary, at most 80 columns wide."""
    console = console or Console()
    if console.width > WIDTH:
        console.width = WIDTH
    console.print(summary(day))
