"""Period movers end to end: on the synthetic sessions (with their corporate actions) every
week, month, quarter and year return equals the ground truth; a new day rebuilds exactly the
periods it falls in. The rule's cases are the dbt unit tests beside the models
(``dbt/models/marts/periods/_periods__models.yml``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb

from dagster_project.core.dating.market_time import PKT
from dagster_project.settings import Settings
from dagster_project.tools.synth.truth import expected_period_movers
from tests.builds import copy_build, query
from tests.captures import day_page, write
from tests.support import run_cli


def test_period_returns_equal_the_ground_truth(synthetic_build: Settings) -> None:
    truth = json.loads((synthetic_build.raw_dir / "synth" / "expected.json").read_text())
    expected = expected_period_movers(truth)
    rows = query(
        synthetic_build,
        "select period_kind, period_start, symbol, first_market_date, last_market_date, "
        "first_adjusted_close, last_adjusted_close, sessions_observed, return_pct "
        "from marts.fct_period_movers",
    )
    found = {tuple(row[:3]): tuple(row[3:]) for row in rows}
    assert found.keys() == expected.keys()
    for key, values in found.items():
        # Exactly: the warehouse rounds its doubles as exact arithmetic does (round_exact).
        assert values == expected[key], key
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
