"""The day report as one self-contained HTML page: no script, no external URL, system fonts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import escape

from dagster_project.report.data import CaptureRow, DayReport, IndexDay, Quote
from dagster_project.report.format import (
    arrow,
    clock,
    day_month,
    direction,
    karachi_time,
    level,
    long_date,
    percent,
    plural,
    price,
    sector_label,
    short_date,
    signed,
)
from dagster_project.report.headlines_html import headlines_section
from dagster_project.report.periods_html import periods_section
from dagster_project.report.style import CSS
from dagster_project.report.svg import (
    DOWN_COLOUR,
    FLAT_COLOUR,
    TREEMAP_SCALE,
    UP_COLOUR,
    intraday_sparkline,
    mover_bars,
    sparkline,
    tile_colour,
    treemap,
)


def _move(value: Decimal, pct: Decimal) -> str:
    return (
        f'<p class="move {direction(value)}"><span class="chg">{arrow(value)} '
        f'{signed(value)}</span> <span class="pct">({percent(pct)})</span></p>'
    )


def _card(index: IndexDay) -> str:
    chart = sparkline(index)
    if chart:
        (first, _), (last, _) = index.history[0], index.history[-1]
        chart += (
            f'<p class="nohist">{day_month(first)} – {day_month(last)}, '
            f"{len(index.history)} sessions</p>"
        )
    else:
        chart = (
            f'<p class="nohist">No trend line yet: {plural(len(index.history), "session")} '
            "captured.</p>"
        )
    if line := intraday_sparkline(index):
        opening, latest = index.intraday[0], index.intraday[-1]
        chart += (
            f'<div class="intraday" data-intraday="{escape(index.index_code)}">{line}'
            f'<p class="nohist">Intraday, {len(index.intraday)} captures: '
            f"{clock(opening.captured_at)} {level(opening.level)} → {clock(latest.captured_at)} "
            f"{level(latest.level)} PKT</p></div>"
        )
    return (
        f'<article class="card {direction(index.change)}" data-index="{escape(index.index_code)}">'
        f"<h3>{escape(index.index_code)}</h3>"
        f'<p class="level">{price(index.level)}</p>{_move(index.change, index.change_pct)}'
        f'<p class="prev">previous {price(index.prev_level)}</p>{chart}</article>'
    )


def _lead(day: DayReport) -> str:
    """One sentence a reader can stop at: the main index, breadth, and who led."""
    sentences = []
    if day.indices:
        head = day.indices[0]
        moved = f" {price(abs(head.change))} points ({percent(head.change_pct)}) to"
        verb = (
            "rose" + moved
            if head.change > 0
            else "fell" + moved
            if head.change < 0
            else ("was unchanged at")
        )
        sentences.append(f"{escape(head.index_code)} {verb} {price(head.level)}.")
    b = day.breadth
    sentences.append(
        f"Of the {plural(b.total, 'symbol')} on Business Recorder's ticker strip, "
        f"{b.advancers} advanced, {b.decliners} declined and "
        f"{b.unchanged} {'was' if b.unchanged == 1 else 'were'} unchanged."
    )
    leaders = [
        f"{escape(quotes[0].symbol)} led the {kind} ({percent(quotes[0].change_pct)})"
        for kind, quotes in (("gainers", day.gainers), ("losers", day.losers))
        if quotes
    ]
    if leaders:
        sentences.append("; ".join(leaders) + ".")
    return f'<p class="lead">{" ".join(sentences)}</p>'


def _breadth(day: DayReport) -> str:
    b = day.breadth
    segments = [
        ("advancers", b.advancers, UP_COLOUR, "advancing"),
        ("unchanged", b.unchanged, FLAT_COLOUR, "unchanged"),
        ("decliners", b.decliners, DOWN_COLOUR, "declining"),
    ]
    total = b.total or 1
    bar = "".join(
        f'<span style="flex:{count} 1 0;background:{fill}" title="{count} {label}">'
        f"{count if count / total >= 0.08 else ''}</span>"
        for _, count, fill, label in segments
        if count
    )
    marks = {"advancers": "▲", "unchanged": "■", "decliners": "▼"}
    styles = {"advancers": "up", "unchanged": "flat", "decliners": "down"}
    legend = "".join(
        f'<span class="{styles[key]}" data-breadth="{key}">{marks[key]} <b>{count}</b> '
        f"{label}</span>"
        for key, count, _, label in segments
    )
    ratio = f"{b.advancers / b.decliners:.2f}" if b.decliners else "n/a"
    rising = sum(1 for sector in day.sectors if sector.avg_change_pct > 0)
    return (
        '<article class="panel"><h2>Breadth of the ticker strip</h2>'
        f'<div class="breadth" role="img" '
        f'aria-label="{b.advancers} advancing, {b.unchanged} unchanged, {b.decliners} declining">'
        f'{bar}</div><div class="legend">{legend}</div><p class="note" style="margin-top:8px">'
        f"The {plural(b.total, 'symbol')} of Business Recorder's ticker strip that day, not "
        f"the whole PSX (the indices cover their own constituents); advance/decline ratio {ratio}. "
        f"{rising} of {plural(len(day.sectors), 'sector')} rose on average.</p></article>"
    )


def _audit(day: DayReport) -> str:
    audit = day.audit
    rows = [
        ("loaded", "Captures loaded", audit.count("loaded")),
        ("replay", "Replays (page showing an earlier session)", audit.count("replay")),
        ("superseded", "Superseded by a later capture", audit.count("superseded")),
        ("rejected", "Captures rejected", audit.count("rejected")),
        ("rejected_lines", "Ticker lines rejected", audit.rejected_lines),
    ]
    if audit.undated_rejected:
        rows.append(("undated", "Undated captures rejected (any day)", audit.undated_rejected))
    items = "".join(
        f'<dt>{label}</dt><dd data-audit="{key}">{count}</dd>' for key, label, count in rows
    )
    return (
        f'<article class="panel"><h2>Capture audit</h2><dl>{items}</dl>'
        f'<p class="note" style="margin-top:8px">One capture supplies the day\'s facts; the '
        f"others are kept for the record in <code>audit.captures</code>.</p></article>"
    )


def _movers(title: str, quotes: tuple[Quote, ...], kind: str, scale: Decimal) -> str:
    verb = "gained" if kind == "gainers" else "lost"
    body = (
        f'<div class="scroll">{mover_bars(quotes, scale=scale, kind=kind)}</div>'
        if quotes
        else f'<p class="note">No symbol {verb} on the day.</p>'
    )
    return f'<article class="panel" data-panel="{kind}"><h2>{title}</h2>{body}</article>'


def _symbol_move(symbol: str | None, moves: dict[str, Decimal]) -> str:
    if symbol is None:
        return ""
    move = moves.get(symbol)
    shown = "" if move is None else f" <span class='{direction(move)}'>{percent(move)}</span>"
    return f"{escape(symbol)}{shown}"


def _sectors(day: DayReport) -> str:
    if not day.sectors:
        return '<section class="panel"><h2>Sectors</h2><p class="note">No sectors.</p></section>'
    moves = {quote.symbol: quote.change_pct for quote in day.quotes}
    members = {s.sector: day.members(s.sector) for s in day.sectors}
    rows = "".join(
        f'<tr data-sector="{escape(s.sector)}"><td>{escape(sector_label(s.sector))}</td>'
        f"<td>{s.symbol_count}</td><td class='up'>{s.advancers}</td>"
        f"<td class='down'>{s.decliners}</td><td class='flat'>{s.unchanged}</td>"
        f'<td class="{direction(s.avg_change_pct)} avg">{percent(s.avg_change_pct)}</td>'
        f"<td>{_symbol_move(s.best_symbol, moves)}</td>"
        f"<td>{_symbol_move(s.worst_symbol, moves)}</td></tr>"
        for s in day.sectors
    )
    steps = [-TREEMAP_SCALE, -TREEMAP_SCALE / 2, Decimal(0), TREEMAP_SCALE / 2, TREEMAP_SCALE]
    swatches = "".join(f'<i style="background:{tile_colour(v)[0]}"></i>' for v in steps)
    return (
        '<section class="panel"><h2>Sectors</h2><p class="note">Each tile is a sector, sized by '
        "its number of symbols on the ticker and coloured by their equal-weighted average change; "
        f"▲ advancers, ▼ decliners, ■ unchanged.</p>"
        f'<div class="scroll">{treemap(day.sectors, members)}</div>'
        f'<div class="scale">-{TREEMAP_SCALE}% or worse {swatches} '
        f"+{TREEMAP_SCALE}% or better</div>"
        '<div class="scroll"><table><thead><tr><th>Sector</th><th>Symbols</th>'
        "<th>▲</th><th>▼</th><th>■</th>"
        "<th>Avg change</th><th>Best</th><th>Worst</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div></section>"
    )


_SOURCES = {"page": "date bar", "sidecar": "fetch record", "file_name": "file name"}


def _taken(row: CaptureRow) -> str:
    """When the page was taken and what dated it, with their sources."""
    dated = f"dated by its {_SOURCES.get(row.dated_by or '', 'file time')}" if row.dated_by else ""
    if row.captured_at is None:
        taken = "capture time unknown"
    else:
        source = _SOURCES.get(row.captured_at_source, "file time")
        taken = f"captured {karachi_time(row.captured_at)} (by its {source})"
    return f"{taken}, {dated}" if dated else taken


def _footer(day: DayReport, *, generated_at: dt.datetime, warehouse_name: str) -> str:
    captures = "".join(
        f"<li><code>{escape(row.source_path)}</code> — {_taken(row)}"
        f" — {escape(row.status)}{': ' + escape(row.reason) if row.reason else ''}</li>"
        for row in day.audit.captures
    )
    return (
        "<footer><p>Source: Business Recorder (brecorder.com) ticker strip captures, as printed on "
        "the page. Prices in PKR, index levels in points, changes against the previous session. "
        f"Read from <code>marts</code> and <code>audit</code> in <code>{escape(warehouse_name)}"
        f"</code>. Captures of this session:</p><ul>{captures}</ul>"
        f"<p>Generated {karachi_time(generated_at)} by market-snapshots.</p></footer>"
    )


def render_html(day: DayReport, *, generated_at: dt.datetime, warehouse_name: str) -> str:
    """The whole page for one market day."""
    title = f"PSX market report — {short_date(day.market_date)}"
    movers = [*day.gainers, *day.losers]
    scale = max((abs(quote.change_pct) for quote in movers), default=Decimal(0))
    cards = "".join(_card(index) for index in day.indices) or (
        '<p class="note">No index levels were captured for this session.</p>'
    )
    subtitle = (
        f"Pakistan Stock Exchange, session of {long_date(day.market_date)} · "
        f"{plural(len(day.quotes), 'symbol')} and {plural(len(day.indices), 'index', 'indices')} "
        "from the Business Recorder ticker"
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body><main>"
        f'<h1>{escape(title)}</h1><p class="sub">{subtitle}</p>{_lead(day)}'
        f'<section class="cards" aria-label="Indices">{cards}</section>'
        f'<section class="two">{_breadth(day)}{_audit(day)}</section>'
        f'<section class="two">{_movers("Top gainers", day.gainers, "gainers", scale)}'
        f"{_movers('Top losers', day.losers, 'losers', scale)}</section>"
        f"{periods_section(day)}{headlines_section(day)}{_sectors(day)}</main>"
        f"{_footer(day, generated_at=generated_at, warehouse_name=warehouse_name)}</body></html>\n"
    )
