"""Twelve synthetic captures a session, built end to end: the intraday marts hold each at its time,
with exactly the values its page printed, and the capture after the close is the day's close.

The rules one session's captures follow (is_daily_value, value_kind and is_close, a capture after
the close winning its date) are dbt unit tests beside their models (``_intraday__models.yml``,
``_marts__models.yml``, ``_selection__models.yml``); that a capture arriving for a date already
built rebuilds that date is ``tests/core/build/test_changes.py``."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

from dagster_project.core.dating.market_time import PKT
from dagster_project.tools.synth.captures import write_captures
from tests.builds import Build, query

#: A strip line as the synthetic pages print it, read without the normaliser.
LINE = re.compile(
    r"^(?P<code>[A-Z0-9]+) (?P<value>[\d,.]+) (?:Increased By|Decreased By|No Change) "
    r"(?:[▲▼] )?(?P<change>-?[\d.]+) \((?P<pct>-?[\d.]+)%\)$"
)


def in_utc(rows: list[tuple[object, ...]]) -> set[tuple[object, ...]]:
    """Rows with their capture time (column 2) in UTC, as a set."""
    found = set()
    for row in rows:
        taken = row[1]
        assert isinstance(taken, dt.datetime)
        found.add((row[0], taken.astimezone(dt.UTC), *row[2:]))
    return found


def strip_values(path: Path) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    """Every ticker line of a synthetic page: code -> (value, change, change_pct)."""
    found: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = LINE.match(line)
        if match:
            value = Decimal(match["value"].replace(",", ""))
            found[match["code"]] = (value, Decimal(match["change"]), Decimal(match["pct"]))
    return found


def test_twelve_synthetic_captures_a_session_are_each_in_the_intraday_marts(
    tmp_path: Path, build: Build
) -> None:
    raw = tmp_path / "raw"
    write_captures(
        raw,
        days=2,
        symbols=5,
        captures_per_day=12,
        seed=11,
        html_share=0,
        replay_share=0,
        duplicate_share=0,
        broken_share=0,
    )
    indices = set(json.loads((raw / "expected.json").read_text())["index_codes"])
    quotes: set[tuple[object, ...]] = set()
    levels: set[tuple[object, ...]] = set()
    for path in raw.rglob("brecorder_*.txt"):
        _, day, clock = path.stem.split("_")
        taken = dt.datetime.strptime(f"{day} {clock}", "%Y-%m-%d %H%M%S").replace(tzinfo=PKT)
        for code, values in strip_values(path).items():
            row = (dt.date.fromisoformat(day), taken.astimezone(dt.UTC), code, *values)
            (levels if code in indices else quotes).add(row)
    assert len(quotes) == 2 * 12 * 5
    settings = build(raw)
    columns = "market_date, captured_at, {code}, {value}, change, change_pct"
    got_quotes = query(
        settings,
        f"select {columns.format(code='symbol', value='price')} from marts.fct_intraday_quotes",
    )
    got_levels = query(
        settings,
        f"select {columns.format(code='index_code', value='level')} "
        "from marts.fct_intraday_index_levels",
    )
    assert in_utc(got_quotes) == quotes and len(got_quotes) == len(quotes)
    assert in_utc(got_levels) == levels and len(got_levels) == len(levels)
    # The last capture of each session is taken after the close: the daily value is the close.
    kinds = query(settings, "select distinct value_kind, is_close from marts.fct_daily_movers")
    assert kinds == [("close", True)]
