"""Write captures in the site's exact text format, for end-to-end tests."""

from __future__ import annotations

import datetime as dt
import os
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

SAMPLE = (
    Path(__file__).resolve().parent.parent / "raw" / "samples" / "brecorder_2024-10-18_ticker.txt"
)
ARTICLE = "World\n\nA headline about something else\n\nReuters Published 18 Oct, 2024 08:37pm\n"


def _pct(change: Decimal, prev: Decimal) -> str:
    pct = (change / prev * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{pct:f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def stock_line(symbol: str, close: str, change: str) -> str:
    """``HUBC 101.70 Increased By ▲ 4.90 (5.06%)``, the way the strip prints a stock."""
    price, delta = Decimal(close), Decimal(change)
    phrase = "Increased By ▲" if delta > 0 else "Decreased By ▼" if delta < 0 else "No Change ▼"
    return f"{symbol} {price:,.2f} {phrase} {delta:.2f} ({_pct(delta, price - delta)}%)"


def index_line(code: str, level: str, change: str) -> str:
    """``KSE100 85,250 Decreased By -335.3 (-0.39%)``: no arrow."""
    value, delta = Decimal(level), Decimal(change)
    phrase = "Increased By" if delta > 0 else "Decreased By" if delta < 0 else "No Change"
    return f"{code} {value:,f} {phrase} {delta:f} ({_pct(delta, value - delta)}%)"


def page(day: dt.date, lines: list[str], *, article: str = ARTICLE) -> str:
    """A whole text capture: ticker lines, the header date line, then an article."""
    header = f"{day:%b} {day.day}, {day.year} اردو PRINT EDITION ► BR MARKETS ► Dollar to PKR ►"
    return "\n".join([*lines, header, article])


def sample_ticker_lines() -> list[str]:
    text = SAMPLE.read_text(encoding="utf-8")
    return text.split("\nOct 18, 2024")[0].splitlines()


def write(path: Path, content: str | bytes, *, captured_at: dt.datetime) -> Path:
    """Write a capture and set its modification time (= ``captured_at``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    stamp = captured_at.timestamp()
    os.utime(path, (stamp, stamp))
    return path


def day_page(day: dt.date, offset: int, *, extra_lines: tuple[str, ...] = ()) -> str:
    """The sample's symbols and indices with prices moved by ``offset`` cents, dated ``day``."""
    lines: list[str] = []
    for line in sample_ticker_lines():
        symbol, price, *_ = line.split(" ")
        number = Decimal(price.replace(",", ""))
        change = Decimal(line.split("(")[0].split(" ")[-2])
        if "▲" in line or "▼" in line:
            delta = Decimal(offset) / 100
            lines.append(stock_line(symbol, str(number + delta), str(change + delta)))
        else:
            lines.append(index_line(symbol, str(number + offset), str(change + offset)))
    return page(day, [*lines, *extra_lines])
