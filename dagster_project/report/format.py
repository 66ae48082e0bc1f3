"""How the report and the terminal summary print numbers, dates and times (one place for both)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from dagster_project.core.dating.market_time import PKT

UP = "▲"
DOWN = "▼"
FLAT = "■"
_CENT = Decimal("0.01")


def short_date(day: dt.date) -> str:
    """``Fri 18 Oct 2024``."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def long_date(day: dt.date) -> str:
    """``Friday 18 October 2024``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def day_month(day: dt.date) -> str:
    """``18 Oct``."""
    return f"{day.day} {day:%b}"


def karachi_time(moment: dt.datetime) -> str:
    """``18 Oct 2024, 15:42 PKT`` (Pakistan time, which the PSX trades in)."""
    local = moment.astimezone(PKT)
    return f"{local.day} {local:%b %Y, %H:%M} PKT"


def clock(moment: dt.datetime) -> str:
    """``14:05``: the Pakistan time of day of a capture."""
    return f"{moment.astimezone(PKT):%H:%M}"


def level(value: Decimal) -> str:
    """An index level in few characters: ``85,250`` for 85250.00, ``85,585.30``."""
    return f"{value:,.2f}".removesuffix(".00")


def byline(section: str | None, source: str | None, published_at: dt.datetime | None) -> str:
    """``World · Reuters · published 18 Oct 2024, 20:37 PKT``: as much as an article shows."""
    parts = [part for part in (section, source) if part]
    if published_at is not None:
        parts.append(f"published {karachi_time(published_at)}")
    return " · ".join(parts)


def price(value: Decimal) -> str:
    """A PKR price or an index level: ``85,250.00``."""
    return f"{value:,.2f}"


def signed(value: Decimal) -> str:
    """A change with its sign: ``+4.90``, ``-335.30``, ``0.00``."""
    return f"{value:+,.2f}" if value else f"{abs(value):,.2f}"


def percent(value: Decimal) -> str:
    """A percentage change with its sign, half away from zero: ``+5.06%``, ``-5.87%``, ``0.00%``."""
    rounded = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    return f"{rounded:+.2f}%" if rounded else "0.00%"


def direction(value: Decimal) -> str:
    """``up``, ``down`` or ``flat``: the CSS class and rich style suffix of a change."""
    return "up" if value > 0 else "down" if value < 0 else "flat"


def arrow(value: Decimal) -> str:
    """▲, ▼ or ■, so that a change never relies on colour alone."""
    return UP if value > 0 else DOWN if value < 0 else FLAT


def sector_label(sector: str) -> str:
    """PSX's upper-case sector names in title case: ``Oil & Gas Exploration Companies``."""
    return sector.title() if sector.isupper() else sector


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    """``1 capture``, ``2 captures``."""
    return f"{count} {noun if count == 1 else plural_noun or noun + 's'}"
