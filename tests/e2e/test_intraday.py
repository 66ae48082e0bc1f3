"""Several captures of one session: the intraday marts hold each at its time, the daily facts say
whether their values are the close, and a capture after the close becomes the day's close."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from dagster_project.settings import Settings
from dagster_project.tools.synth.captures import write_captures
from tests.captures import SAMPLE, write
from tests.e2e.conftest import Build, query
from tests.faults.builds import day_page

PKT = dt.timezone(dt.timedelta(hours=5))
MONDAY = dt.date(2024, 10, 21)


def add_capture(raw: Path, clock: str, offset: int) -> dt.datetime:
    """A Monday page taken at ``clock`` (named with its time), prices moved by ``offset`` paisa."""
    taken = dt.datetime.fromisoformat(f"{MONDAY.isoformat()}T{clock}").replace(tzinfo=PKT)
    name = f"brecorder_{MONDAY.isoformat()}T{clock.replace(':', '')}.txt"
    write(raw / "monday" / name, day_page(MONDAY, offset), captured_at=dt.datetime(2026, 12, 1))
    return taken


def intraday(settings: Settings) -> list[tuple[object, ...]]:
    return query(
        settings,
        "select captured_at, session_phase, count(*), bool_or(is_daily_value), "
        "max(price) filter (where symbol = 'HUBC') "
        "from marts.fct_intraday_quotes where market_date = ? group by 1, 2 order by 1",
        [MONDAY],
    )


def daily(settings: Settings, table: str = "fct_daily_movers") -> list[tuple[object, ...]]:
    return query(
        settings,
        f"select distinct value_kind, is_close, captured_at from marts.{table} "
        "where market_date = ?",
        [MONDAY],
    )


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    write(raw / "samples" / SAMPLE.name, SAMPLE.read_bytes(), captured_at=dt.datetime(2026, 12, 1))
    return raw


def test_a_session_of_captures_builds_intraday_and_then_its_close(raw: Path, build: Build) -> None:
    eleven = add_capture(raw, "11:00", 1)
    two = add_capture(raw, "14:00", 2)
    settings = build(raw)
    hubc = Decimal("101.70")
    assert intraday(settings) == [
        (eleven, "open", 30, False, hubc + Decimal("0.01")),
        (two, "open", 30, True, hubc + Decimal("0.02")),
    ]
    assert daily(settings) == [("intraday", False, two)]
    assert daily(settings, "fct_index_changes") == [("intraday", False, two)]
    # The sample's time is unknown (a fresh file time, a date-only name): no intraday rows.
    friday = query(
        settings,
        "select distinct value_kind from marts.fct_daily_movers where market_date = '2024-10-18'",
    )
    assert friday == [("unknown_time",)]
    assert query(
        settings, "select count(*) from marts.fct_intraday_quotes where market_date = '2024-10-18'"
    ) == [(0,)]

    # An earlier capture arrives: the daily value stays, the intraday rows gain it.
    ten = add_capture(raw, "10:00", 5)
    settings = build(raw)
    assert [row[0] for row in intraday(settings)] == [ten, eleven, two]
    assert daily(settings) == [("intraday", False, two)]

    # A capture after the close: it is the day's close, whatever came later in the day.
    close = add_capture(raw, "16:10", 3)
    settings = build(raw)
    assert intraday(settings)[-1] == (close, "post_close", 30, True, hubc + Decimal("0.03"))
    assert daily(settings) == [("close", True, close)]
    assert query(
        settings,
        "select close_price from marts.fct_daily_movers where market_date = ? and symbol = 'HUBC'",
        [MONDAY],
    ) == [(hubc + Decimal("0.03"),)]
    assert query(
        settings,
        "select count(*) from marts.fct_intraday_index_levels where market_date = ?",
        [MONDAY],
    ) == [(16,)]


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
