"""A raw dir where no capture loads still builds: empty marts, the full audit, a plain summary.

Every build here is the real CLI (``market-snapshots build``), as a new user runs it.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.core.build import planning
from dagster_project.core.build.planning import plan_facts
from dagster_project.core.dating.market_time import PKT
from dagster_project.defs.jobs import facts_run_config, plan_market_dates
from dagster_project.defs.partitions import empty_window
from dagster_project.defs.reports.assets import market_report
from dagster_project.defs.resources import MarketResource
from dagster_project.defs.transform.dbt import DAILY_MODELS
from dagster_project.report.build_summary import NO_MARKET_DATE, REJECTED_CAPTURES_QUERY
from dagster_project.settings import make_settings
from tests.captures import SAMPLE, index_line, stock_line, write
from tests.support import run_cli

MARTS = (
    "dim_symbol",
    "fct_daily_movers",
    "fct_sector_daily",
    "fct_index_changes",
    "fct_intraday_quotes",
    "fct_intraday_index_levels",
    "fct_headlines",
    "bridge_headline_symbol",
    "latest_daily_movers",
    "latest_sector_daily",
    "latest_index_changes",
)
FACTS = tuple(name for name in MARTS if name != "dim_symbol")
#: Names without a date in them, so nothing but the page could date these captures.
UNDATED = ("capture-a.txt", "capture-b.txt", "capture-c.txt", "capture-d.txt", "capture-e.txt")
#: Not a capture at all: rejected with its own reason beside the undated ones.
JUNK = "notes.txt"


def rows(warehouse: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows of the published warehouse, opened read-only as a BI client would."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def columns(warehouse: Path) -> list[tuple[object, ...]]:
    """Every public relation's columns with their types and comments."""
    return rows(
        warehouse,
        "select schema_name, table_name, column_name, data_type, comment from duckdb_columns() "
        "where schema_name in ('marts', 'audit') order by all",
    )


def build(raw: Path, warehouse: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("build", "--raw-dir", str(raw), "--warehouse", str(warehouse))


def closing_block(done: subprocess.CompletedProcess[str]) -> str:
    """The build's closing summary: stdout from its ``warehouse:`` line on."""
    assert "warehouse: " in done.stdout, done.stdout[-2000:]
    return done.stdout[done.stdout.rindex("warehouse: ") :]


def assert_empty_marts(warehouse: Path) -> None:
    """Every mart exists, the daily facts hold no row, and every column keeps its comment."""
    relations = {
        row[0]
        for row in rows(
            warehouse,
            "select table_name from duckdb_tables() where schema_name = 'marts' "
            "union all select view_name from duckdb_views() where schema_name = 'marts'",
        )
    }
    assert set(MARTS) <= relations
    for name in FACTS:
        assert rows(warehouse, f"select count(*) from marts.{name}") == [(0,)], name
    uncommented = [row for row in columns(warehouse) if not row[4]]
    assert uncommented == []
    assert rows(warehouse, "select count(*) from duckdb_tables() where comment is null") == [(0,)]


def undated_strip(position: int) -> str:
    """Ticker lines as the site prints them, but no date bar below them."""
    lines = [
        stock_line("HUBC", f"{100 + position}.00", "1.00"),
        stock_line("PRL", "26.40", "-0.10"),
        index_line("KSE100", "85585", "150"),
    ]
    return "\n".join(lines) + "\n"


def test_an_empty_raw_dir_publishes_empty_marts(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    warehouse = tmp_path / "wh" / "market.duckdb"
    done = build(raw, warehouse)
    assert done.returncode == 0, done.stderr[-3000:]
    summary = closing_block(done)
    assert f"raw dir {raw} is empty: drop captures there" in summary
    assert "captures: none" in summary
    assert NO_MARKET_DATE in summary
    assert "Traceback" not in done.stderr
    assert_empty_marts(warehouse)
    assert rows(warehouse, "select count(*) from audit.captures") == [(0,)]
    assert rows(warehouse, "select count(*) from audit.rejected_lines") == [(0,)]

    for command in ("summary", "report"):
        told = run_cli(command, "--warehouse", str(warehouse))
        assert told.returncode == 0, told.stderr[-2000:]
        assert NO_MARKET_DATE in told.stdout
        assert "Traceback" not in told.stderr
    assert not (warehouse.parent / "reports").exists()


def test_a_missing_raw_dir_is_a_one_line_error(tmp_path: Path) -> None:
    missing = tmp_path / "no such dir"
    warehouse = tmp_path / "wh" / "market.duckdb"
    done = build(missing, warehouse)
    assert done.returncode != 0
    assert f"raw dir {missing} does not exist" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert not warehouse.exists()


@dataclass(frozen=True)
class FirstBuild:
    """The undated folder's first build, observed before a later test adds to its raw dir."""

    raw: Path
    warehouse: Path
    done: subprocess.CompletedProcess[str]
    audit: list[tuple[object, ...]]
    columns: list[tuple[object, ...]]
    report: dict[str, object]
    """The report asset's metadata on this warehouse (``market_report`` in process)."""


@pytest.fixture(scope="module")
def undated(tmp_path_factory: pytest.TempPathFactory) -> FirstBuild:
    root = tmp_path_factory.mktemp("undated")
    raw = root / "raw"
    for position, name in enumerate(UNDATED):
        at = dt.datetime(2024, 10, 18, 11 + position, tzinfo=PKT)
        write(raw / name, undated_strip(position), captured_at=at)
    write(raw / JUNK, "shopping list: milk, eggs\n", captured_at=dt.datetime.now(PKT))
    warehouse = root / "wh" / "market.duckdb"
    done = build(raw, warehouse)
    assert done.returncode == 0, done.stderr[-3000:]
    assert_empty_marts(warehouse)
    audit = rows(warehouse, "select source_path, status, reason from audit.captures order by 1")
    market = MarketResource(
        raw_dir=str(raw), warehouse=str(warehouse), state_dir=str(warehouse.parent / ".state")
    )
    result = market_report(dg.build_asset_context(), market=market)
    assert isinstance(result, dg.MaterializeResult)
    report = dict(result.metadata or {})
    return FirstBuild(raw, warehouse, done, audit, columns(warehouse), report)


def test_undated_captures_and_a_junk_file_are_rejected_and_the_reasons_summarised(
    undated: FirstBuild,
) -> None:
    assert [row[0] for row in undated.audit] == sorted([*UNDATED, JUNK])
    for path, status, reason in undated.audit:
        assert status == "rejected", path
        assert isinstance(reason, str) and reason.strip(), path
    summary = closing_block(undated.done)
    assert "captures: 0 loaded, 6 rejected (5 " in summary
    assert REJECTED_CAPTURES_QUERY in summary
    assert "date them: rename each with its date" in summary
    assert NO_MARKET_DATE in summary
    assert "is empty" not in summary
    assert "Traceback" not in undated.done.stderr
    # The junk file's own reason is quoted with its count.
    [junk_reason] = [reason for path, _, reason in undated.audit if path == JUNK]
    assert isinstance(junk_reason, str) and f'1 "{junk_reason[:20]}' in summary
    assert NO_MARKET_DATE in str(undated.report["note"])
    assert "6 rejected" in str(undated.report["captures"])


def test_the_facts_are_planned_from_scratch_only_when_missing(undated: FirstBuild) -> None:
    """What the build and the sensor decide after an ingest where nothing loads."""
    # A copy under the same file name: dbt's views name their catalog, ``work``.
    work = undated.warehouse.parent / "plan" / "work.duckdb"
    work.parent.mkdir()
    shutil.copy2(undated.warehouse.parent / ".state" / "work.duckdb", work)
    con = duckdb.connect(str(work))
    try:
        facts = {"daily": DAILY_MODELS, "empty_window": empty_window()}
        built = plan_facts(con, **facts)
        assert (built.market_dates, built.window) == ([], None)
        changed = plan_facts(con, **facts, models_changed=True)
        assert (changed.full_refresh, changed.window) == (True, empty_window())
        con.execute("drop table marts.fct_sector_daily")
        missing = plan_facts(con, **facts)
        assert (missing.market_dates, missing.full_refresh) == ([], True)
        assert missing.window == empty_window()
    finally:
        con.close()
        shutil.rmtree(work.parent)


def test_the_shared_planner_rebuilds_everything_after_a_model_change(undated: FirstBuild) -> None:
    """What ``make build`` and the sensors plan from a state dir, before and after a change."""
    state = undated.warehouse.parent / "planner"
    state.mkdir()
    try:
        shutil.copy2(undated.warehouse.parent / ".state" / "work.duckdb", state / "work.duckdb")
        fingerprint = undated.warehouse.parent / ".state" / planning.FACTS_STAMP
        shutil.copy2(fingerprint, state / planning.FACTS_STAMP)
        settings = make_settings(raw_dir=undated.raw, warehouse=undated.warehouse, state_dir=state)
        unchanged = plan_market_dates(settings)
        assert (unchanged.full_refresh, unchanged.window) == (False, None)
        (state / planning.FACTS_STAMP).write_text("the models of an older checkout")
        changed = plan_market_dates(settings)
        assert (changed.full_refresh, changed.window) == (True, empty_window())
        config = facts_run_config(changed)["ops"]["market_dbt_daily_facts"]["config"]
        assert config == {"full_refresh": True, "facts_fingerprint": fingerprint.read_text()}
    finally:
        shutil.rmtree(state)


def test_a_later_good_capture_converges_to_the_normal_warehouse(undated: FirstBuild) -> None:
    shutil.copy2(SAMPLE, undated.raw / SAMPLE.name)
    done = build(undated.raw, undated.warehouse)
    assert done.returncode == 0, done.stderr[-3000:]
    summary = closing_block(done)
    assert "captures: 1 loaded, 6 rejected (" in summary
    assert "market dates: 1 (2024-10-18 … 2024-10-18), 30 daily quotes" in summary
    assert NO_MARKET_DATE not in summary
    assert rows(
        undated.warehouse,
        "select market_date, count(*) from marts.fct_daily_movers group by 1",
    ) == [(dt.date(2024, 10, 18), 30)]
    assert rows(undated.warehouse, "select count(*) from marts.latest_daily_movers") == [(30,)]
    assert rows(
        undated.warehouse,
        "select source_path, status from audit.captures where status <> 'rejected'",
    ) == [(SAMPLE.name, "loaded")]
    rejected = rows(
        undated.warehouse,
        "select source_path from audit.captures where status = 'rejected' order by 1",
    )
    assert [row[0] for row in rejected] == sorted([*UNDATED, JUNK])
    assert columns(undated.warehouse) == undated.columns
    summarised = run_cli("summary", "--warehouse", str(undated.warehouse))
    assert summarised.returncode == 0, summarised.stderr[-2000:]
    assert "PSX market report — Fri 18 Oct 2024" in summarised.stdout
