"""Period movers end to end: on the synthetic sessions (with their corporate actions) every
week, month, quarter and year return equals the ground truth; a new day rebuilds exactly the
periods it falls in. The rule's cases are the dbt unit tests beside the models
(``dbt/models/marts/periods/_periods__models.yml``)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb

from dagster_project.core.dating.market_time import PKT
from dagster_project.settings import Settings
from tests.builds import copy_build, query
from tests.captures import day_page, write
from tests.support import run_cli

KINDS = ("week", "month", "quarter", "year")
FOUR = Decimal("0.0001")


def period_start(kind: str, day: dt.date) -> dt.date:
    if kind == "week":
        return day - dt.timedelta(days=day.weekday())
    if kind == "month":
        return day.replace(day=1)
    if kind == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


def expected_periods(truth_path: Path) -> dict[tuple[str, dt.date, str], tuple[object, ...]]:
    """(kind, start, symbol) → first and last date, first adjusted and last close, closes
    observed and return, from ``expected.json`` alone."""
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    actions: dict[str, list[tuple[dt.date, Decimal]]] = {}
    for action in truth["corporate_actions"]:
        ratio = Decimal(action["prev_close_printed"]) / Decimal(action["close_before"])
        actions.setdefault(action["symbol"], []).append(
            (dt.date.fromisoformat(action["market_date"]), ratio)
        )
    closes: dict[tuple[str, dt.date, str], list[tuple[dt.date, Decimal]]] = {}
    for day_text, values in truth["market_dates"].items():
        day = dt.date.fromisoformat(day_text)
        for symbol, (close, _change, _pct) in values["quotes"].items():
            for kind in KINDS:
                key = (kind, period_start(kind, day), symbol)
                closes.setdefault(key, []).append((day, Decimal(close.replace(",", ""))))
    expected = {}
    for key, rows in closes.items():
        (first_day, first), (last_day, last) = min(rows), max(rows)
        factor = Decimal(1)
        for when, ratio in actions.get(key[2], []):
            factor *= ratio if first_day < when <= last_day else 1
        first_adjusted = (first * factor).quantize(FOUR, rounding=ROUND_HALF_UP)
        change = (100 * (last / first_adjusted - 1)).quantize(FOUR, rounding=ROUND_HALF_UP)
        expected[key] = (first_day, last_day, first_adjusted, last, len(rows), change)
    return expected


def test_period_returns_equal_the_ground_truth(synthetic_build: Settings) -> None:
    expected = expected_periods(synthetic_build.raw_dir / "synth" / "expected.json")
    rows = query(
        synthetic_build,
        "select period_kind, period_start, symbol, first_market_date, last_market_date, "
        "first_adjusted_close, last_adjusted_close, sessions_observed, return_pct "
        "from marts.fct_period_movers",
    )
    found = {tuple(row[:3]): tuple(row[3:]) for row in rows}
    assert found.keys() == expected.keys()
    for key, (*values, change) in found.items():
        *truth, truth_change = expected[key]
        assert values == truth, key
        # The warehouse divides in doubles: the last of four decimals may round the other way.
        assert abs(change - truth_change) <= FOUR, key
    # The synthetic week of 14 Oct 2024 has four sessions; its symbols are seen on all four.
    assert query(
        synthetic_build,
        "select distinct sessions_in_period, sessions_observed, gainer_rank is null "
        "and loser_rank is null from marts.fct_period_movers where period_kind = 'week' "
        "and return_pct != 0",
    ) == [(4, 4, False)]
    indices = query(
        synthetic_build,
        "select index_code, first_level, last_level, change from marts.fct_index_period_changes "
        "where period_kind = 'week' order by index_code",
    )
    truth = json.loads((synthetic_build.raw_dir / "synth" / "expected.json").read_text())
    days = sorted(truth["market_dates"])
    first, last = truth["market_dates"][days[0]], truth["market_dates"][days[-1]]
    assert [(code, str(a), str(b)) for code, a, b, _ in indices] == [
        (
            code,
            f"{first['indices'][code][0].replace(',', '')}.00",
            f"{last['indices'][code][0].replace(',', '')}.00",
        )
        for code in sorted(first["indices"])
    ]


def test_a_new_day_rebuilds_only_the_periods_it_falls_in(
    synthetic_build: Settings, tmp_path: Path
) -> None:
    """Rows of untouched periods are left as they are (a mark put on one stays), rows of the
    periods holding the new day are written again (a mark put on one is gone)."""
    settings = copy_build(synthetic_build, tmp_path)
    work = settings.state_dir / "work.duckdb"
    mark = "update marts.fct_period_movers set return_pct = 999 where period_kind = ? "
    with duckdb.connect(str(work)) as con:
        con.execute(mark + "and period_start = date '2024-10-14'", ["week"])
        con.execute(mark + "and period_start = date '2024-10-01'", ["month"])
    monday = dt.date(2024, 10, 21)
    write(
        settings.raw_dir / "days" / "2024-10-21.txt",
        day_page(monday, 1),
        captured_at=dt.datetime.combine(monday, dt.time(16, 30), PKT),
    )
    done = run_cli(
        "build", "--raw-dir", str(settings.raw_dir), "--warehouse", str(settings.warehouse)
    )
    assert done.returncode == 0, done.stderr[-3000:]
    marked = query(
        settings,
        "select period_kind, count(*) filter (where return_pct = 999), count(*) "
        "from marts.fct_period_movers group by period_kind order by period_kind",
    )
    counts = {kind: (marks, rows) for kind, marks, rows in marked}
    assert counts["week"][0] == 30  # the week of the 14th: not rebuilt, still marked
    assert counts["month"][0] == 0  # October holds the new day: rebuilt
    assert query(
        settings,
        "select count(*) from marts.fct_period_movers "
        "where period_kind = 'week' and period_start = date '2024-10-21'",
    ) == [
        (
            query(
                settings,
                "select count(*) from marts.fct_daily_movers where market_date = date '2024-10-21'",
            )[0][0],
        )
    ]
