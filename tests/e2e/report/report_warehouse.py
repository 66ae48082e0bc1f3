"""The warehouse the report tests read: the sample and captures of the sessions before it."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb

from dagster_project.core.dating.market_time import PKT
from tests.builds import build_with_cli
from tests.captures import SAMPLE, index_line, page, stock_line, write

OCT_18 = dt.date(2024, 10, 18)
#: KSE100 over the three sessions before the sample; 17 Oct closes at the sample's previous level.
KSE100_BEFORE = {
    dt.date(2024, 10, 15): ("85900", "310.5"),
    dt.date(2024, 10, 16): ("86100", "200"),
    dt.date(2024, 10, 17): ("85585.3", "-514.7"),
}
OCT_17 = dt.date(2024, 10, 17)
#: Two captures of 17 Oct taken during the session (the 16:05 one after the close wins the day).
KSE100_INTRADAY = {dt.time(11, 0): ("85900", "-200"), dt.time(14, 0): ("85700", "-400")}
PRL_HEADLINE = "July-September: Pakistan Refinery sustains Rs2.4bn in losses"
KSE_HEADLINE = "KSE-100 closes 335 points lower as profit-taking persists"
_STOCK = re.compile(r"^(\S+) ([\d,]+\.\d\d) .*?(-?[\d.]+) \(")


def history_page(day: dt.date, step: int, kse100: tuple[str, str] | None = None) -> str:
    """A capture of an earlier session: the sample's symbols at other prices, other index levels."""
    lines = []
    for position, line in enumerate(SAMPLE.read_text(encoding="utf-8").splitlines()):
        if "▲" not in line and "▼" not in line:
            break
        match = _STOCK.match(line)
        assert match, line
        close = Decimal(match.group(2).replace(",", "")) * (1 + Decimal(step) / 100)
        change = (close * Decimal((position + step) % 5 - 2) / 100).quantize(Decimal("0.01"))
        lines.append(stock_line(match.group(1), f"{close:.2f}", f"{change}"))
    level, move = kse100 or KSE100_BEFORE[day]
    lines.append(index_line("KSE100", level, move))
    lines.append(index_line("KSE30", str(26900 + 10 * step), "12"))
    return page(day, lines)


def build_report_warehouse(root: Path) -> Path:
    """The sample (18 Oct 2024) plus captures of 15, 16 and 17 Oct, so indices have a history;
    17 Oct also has two captures taken during its session, so its indices have intraday lines.
    Built with ``market-snapshots build``, as a user runs it."""
    raw = root / "raw"
    raw.mkdir()
    shutil.copy2(SAMPLE, raw / SAMPLE.name)
    for step, day in enumerate(sorted(KSE100_BEFORE), start=1):
        at = dt.datetime.combine(day, dt.time(16, 5), tzinfo=PKT)
        write(raw / f"history-{day}.txt", history_page(day, step), captured_at=at)
    for time, kse100 in KSE100_INTRADAY.items():
        at = dt.datetime.combine(OCT_17, time, tzinfo=PKT)
        write(
            raw / f"intraday-{OCT_17}.{time:%H%M}.txt",
            history_page(OCT_17, 3, kse100),
            captured_at=at,
        )
    return build_with_cli(raw, root / "wh" / "market.duckdb")


def query(
    warehouse: Path, sql: str, params: list[object] | None = None
) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
