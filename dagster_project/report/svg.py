"""The report's charts as inline SVG: mover bars, a sector treemap, index and intraday sparklines.

Hand-written SVG instead of a JavaScript charting library: the charts are simple shapes, the
numbers stay real text in the page (selectable, searchable, testable), and the report needs no
script at all, so it opens instantly, prints, and shows in mail previews that block scripts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from html import escape

from dagster_project.report.data import IndexDay, Quote, SectorDay
from dagster_project.report.format import (
    DOWN,
    FLAT,
    UP,
    clock,
    day_month,
    level,
    percent,
    plural,
    price,
    sector_label,
    signed,
)
from dagster_project.report.intraday import low_high

UP_COLOUR = "#0a7a36"  # 5.5:1 on white
DOWN_COLOUR = "#c0182b"  # 6.2:1 on white
FLAT_COLOUR = "#57606a"
NEUTRAL_TILE = (236, 239, 243)
#: A sector moving this much (in %) or more gets the full colour of the treemap scale.
TREEMAP_SCALE = Decimal(3)

Rect = tuple[float, float, float, float]


def colour(value: Decimal) -> str:
    return UP_COLOUR if value > 0 else DOWN_COLOUR if value < 0 else FLAT_COLOUR


def _hex_rgb(code: str) -> tuple[int, int, int]:
    return int(code[1:3], 16), int(code[3:5], 16), int(code[5:7], 16)


def tile_colour(change_pct: Decimal) -> tuple[str, str]:
    """Fill and text colour of a treemap tile: grey at 0, full green or red at the scale."""
    share = float(min(abs(change_pct) / TREEMAP_SCALE, Decimal(1)))
    end = _hex_rgb(colour(change_pct)) if change_pct else NEUTRAL_TILE
    rgb = [round(a + (b - a) * share) for a, b in zip(NEUTRAL_TILE, end, strict=True)]
    linear = [(c / 255 / 12.92) if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#{:02x}{:02x}{:02x}".format(*rgb), "#1f2328" if luminance > 0.3 else "#ffffff"


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def squarify(values: Sequence[float], rect: Rect) -> list[Rect]:
    """Squarified treemap (Bruls, Huizing, van Wijk): one rectangle per value, sorted largest first.

    The rectangles tile ``rect`` exactly, each with an area proportional to its value.
    """
    x, y, width, height = rect
    total = sum(values)
    if total <= 0:
        return [(x, y, 0.0, 0.0) for _ in values]
    areas = [value * width * height / total for value in values]
    out: list[Rect] = []

    def worst(row: list[float], side: float) -> float:
        area = sum(row)
        return max(
            max(side * side * a / (area * area), area * area / (side * side * a)) for a in row
        )

    index = 0
    while index < len(areas):
        side = min(width, height)
        row = [areas[index]]
        index += 1
        while index < len(areas) and worst([*row, areas[index]], side) <= worst(row, side):
            row.append(areas[index])
            index += 1
        area = sum(row)
        if width >= height:
            column = area / height if height else 0.0
            top = y
            for a in row:
                out.append((x, top, column, a / column if column else 0.0))
                top += a / column if column else 0.0
            x, width = x + column, width - column
        else:
            band = area / width if width else 0.0
            left = x
            for a in row:
                out.append((left, y, a / band if band else 0.0, band))
                left += a / band if band else 0.0
            y, height = y + band, height - band
    return out


def _fit(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: max(chars - 1, 1)].rstrip() + "…"


def _wrap(text: str, chars: int, lines: int) -> list[str]:
    """Words into at most ``lines`` lines of ``chars`` characters, the last one cut with …."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= chars:
            line += " " + words.pop(0)
        out.append(line)
    if words:
        out[-1] = _fit(out[-1] + " " + " ".join(words), chars)
    return [_fit(line, chars) for line in out]


def treemap(sectors: Sequence[SectorDay], members: Mapping[str, Sequence[Quote]]) -> str:
    """Sectors as tiles sized by member count and coloured by their average change."""
    width, height = 1000.0, 380.0
    ordered = sorted(sectors, key=lambda s: (-s.symbol_count, -s.avg_change_pct, s.sector))
    rects = squarify([float(s.symbol_count) for s in ordered], (0.0, 0.0, width, height))
    tiles = []
    for number, (sector, (x, y, w, h)) in enumerate(zip(ordered, rects, strict=True)):
        fill, ink = tile_colour(sector.avg_change_pct)
        name = sector_label(sector.sector)
        quotes = ", ".join(f"{q.symbol} {percent(q.change_pct)}" for q in members[sector.sector])
        tip = (
            f"{name}: average {percent(sector.avg_change_pct)} over "
            f"{plural(sector.symbol_count, 'symbol')}; {sector.advancers} up, "
            f"{sector.decliners} down, {sector.unchanged} unchanged. {quotes}"
        )
        lines = (
            _wrap(name, int((w - 12) / 7.9), 3 if h >= 150 else 2 if h >= 78 else 1)
            if w >= 40
            else []
        )
        texts = [
            f'<text x="{_num(x + 6)}" y="{_num(y + 17 + 15 * i)}" class="t-name">{escape(line)}'
            "</text>"
            for i, line in enumerate(lines)
        ]
        base = y + 17 + 15 * len(lines) + 4
        if h >= base - y + 14 and w >= 56:
            texts.append(
                f'<text x="{_num(x + 6)}" y="{_num(base + 12)}" class="t-pct">'
                f"{percent(sector.avg_change_pct)}</text>"
            )
        if h >= base - y + 30 and w >= 80:
            texts.append(
                f'<text x="{_num(x + 6)}" y="{_num(base + 29)}" class="t-ad">{UP}{sector.advancers}'
                f" {DOWN}{sector.decliners} {FLAT}{sector.unchanged}</text>"
            )
        box = f'x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}"'
        tiles.append(
            f'<g class="tile" data-sector="{escape(sector.sector)}" fill="{ink}">'
            f'<title>{escape(tip)}</title><clipPath id="tile-{number}"><rect {box}/></clipPath>'
            f'<rect {box} fill="{fill}" stroke="#ffffff" stroke-width="2"/>'
            f'<g clip-path="url(#tile-{number})">{"".join(texts)}</g></g>'
        )
    return (
        f'<svg class="treemap" viewBox="0 0 {_num(width)} {_num(height)}" role="img" '
        f'aria-label="Sectors sized by member count, coloured by average change">'
        f"{''.join(tiles)}</svg>"
    )


def mover_bars(quotes: Sequence[Quote], *, scale: Decimal, kind: str) -> str:
    """Horizontal bars of % change, one row per symbol, with close and change printed beside,
    and the symbol's headline of the day under its row when it has one."""
    row_height, news_height, width = 30, 16, 500
    bar_x, bar_room = 74, 230
    rows = [
        f'<text x="440" y="14" class="b-head" text-anchor="end">Close (PKR)</text>'
        f'<text x="{width}" y="14" class="b-head" text-anchor="end">Change</text>'
    ]
    y = 24
    for quote in quotes:
        length = max(float(abs(quote.change_pct) / scale) * bar_room, 2.0) if scale else 2.0
        tip = f"{quote.symbol} · {quote.company_name or 'company not in the seed'} · " + (
            sector_label(quote.sector)
        )
        news = ""
        if quote.headline:
            tip += f" · in the news: {quote.headline}"
            news = (
                f'<text x="{bar_x}" y="{y + 38}" class="b-news headline">'
                f"{escape(_fit(quote.headline, 66))}</text>"
            )
        rows.append(
            f'<g class="mover" data-symbol="{escape(quote.symbol)}" data-kind="{kind}">'
            f"<title>{escape(tip)}</title>"
            f'<text x="0" y="{y + 19}" class="b-sym">{escape(quote.symbol)}</text>'
            f'<rect x="{bar_x}" y="{y + 6}" width="{_num(length)}" height="18" rx="2" '
            f'fill="{colour(quote.change_pct)}"/>'
            f'<text x="{_num(bar_x + length + 6)}" y="{y + 19}" class="b-pct pct" '
            f'fill="{colour(quote.change_pct)}">{percent(quote.change_pct)}</text>'
            f'<text x="440" y="{y + 19}" class="b-num close" text-anchor="end">'
            f"{price(quote.close_price)}</text>"
            f'<text x="{width}" y="{y + 19}" class="b-num chg" text-anchor="end" '
            f'fill="{colour(quote.change)}">{signed(quote.change)}</text>{news}</g>'
        )
        y += row_height + (news_height if news else 0)
    height = y + 4
    return (
        f'<svg class="bars" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Top {kind} by percentage change">{"".join(rows)}</svg>'
    )


def _spark(
    shares: Sequence[float], levels: Sequence[float], *, tip: str, end: str, kind: str
) -> str:
    """A small line of ``levels`` at ``shares`` (0 to 1) of the width, its last point in ``end``."""
    width, height, pad = 160.0, 40.0, 4.0
    low, high = min(levels), max(levels)
    span = high - low
    xy = [
        (
            pad + share * (width - 2 * pad),
            height - pad - (value - low) / span * (height - 2 * pad) if span else height / 2,
        )
        for share, value in zip(shares, levels, strict=True)
    ]
    line = " ".join(f"{_num(x)},{_num(y)}" for x, y in xy)
    area = (
        f"M{_num(pad)},{_num(height)} L{line.replace(' ', ' L')} L{_num(xy[-1][0])},{_num(height)}Z"
    )
    dots = (
        "".join(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="1.5" fill="#57606a"/>' for x, y in xy)
        if kind == "intraday"
        else ""
    )
    end_x, end_y = xy[-1]
    return (
        f'<svg class="spark {kind}" viewBox="0 0 {_num(width)} {_num(height)}" role="img" '
        f'aria-label="{escape(tip)}"><title>{escape(tip)}</title>'
        f'<path d="{area}" fill="#57606a" fill-opacity="0.08"/>'
        f'<polyline points="{line}" fill="none" stroke="#57606a" stroke-width="1.5" '
        f'stroke-linejoin="round"/>{dots}'
        f'<circle cx="{_num(end_x)}" cy="{_num(end_y)}" r="3" fill="{end}"/></svg>'
    )


def sparkline(index: IndexDay) -> str:
    """The index level over the last sessions, oldest to newest; empty with under two sessions."""
    points: Sequence[tuple[dt.date, Decimal]] = index.history
    if len(points) < 2:
        return ""
    levels_exact = [value for _, value in points]
    first, last = points[0], points[-1]
    tip = (
        f"{index.index_code} over {len(points)} sessions: {day_month(first[0])} "
        f"{price(first[1])} → {day_month(last[0])} {price(last[1])}; "
        f"low {price(min(levels_exact))}, high {price(max(levels_exact))}"
    )
    shares = [position / (len(points) - 1) for position in range(len(points))]
    levels = [float(value) for value in levels_exact]
    return _spark(shares, levels, tip=tip, end=colour(index.change), kind="trend")


def intraday_sparkline(index: IndexDay) -> str:
    """The index level at each capture of the session, placed by time; empty under two captures."""
    points = index.intraday
    if len(points) < 2:
        return ""
    times = [point.captured_at.timestamp() for point in points]
    total = times[-1] - times[0]
    shares = [
        (moment - times[0]) / total if total else position / (len(points) - 1)
        for position, moment in enumerate(times)
    ]
    low, high = low_high(points)
    steps = " → ".join(f"{clock(point.captured_at)} {level(point.level)}" for point in points)
    tip = (
        f"{index.index_code} through the session, {plural(len(points), 'capture')}: {steps}; "
        f"low {level(low.level)} at {clock(low.captured_at)}, "
        f"high {level(high.level)} at {clock(high.captured_at)} (Pakistan time)"
    )
    levels = [float(point.level) for point in points]
    end = colour(points[-1].level - index.prev_level)
    return _spark(shares, levels, tip=tip, end=end, kind="intraday")
