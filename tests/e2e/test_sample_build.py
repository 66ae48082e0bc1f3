"""The shipped sample capture, built end to end, gives the real market of 18 Oct 2024."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.core.warehouse.database import publish
from dagster_project.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, PROJECT_ROOT, Settings
from tests.builds import Build, copy_build, query
from tests.captures import SAMPLE

MARKET_DATE = dt.date(2024, 10, 18)


def test_thirty_symbols_on_the_sample_date(sample_build: Settings) -> None:
    rows = query(
        sample_build,
        "select market_date, count(*), count(distinct symbol) "
        "from marts.fct_daily_movers group by 1",
    )
    assert rows == [(MARKET_DATE, 30, 30)]


def test_breadth_is_four_up_twenty_five_down_one_unchanged(sample_build: Settings) -> None:
    rows = query(
        sample_build,
        "select sum(advancers), sum(decliners), sum(unchanged), sum(symbol_count) "
        "from marts.fct_sector_daily where market_date = ?",
        [MARKET_DATE],
    )
    assert rows == [(4, 25, 1, 30)]


def test_gainer_and_loser_ranks(sample_build: Settings) -> None:
    gainers = query(
        sample_build,
        "select symbol, gainer_rank from marts.fct_daily_movers "
        "where gainer_rank is not null order by gainer_rank",
    )
    assert gainers == [("HUBC", 1), ("TREET", 2), ("KOSM", 3), ("TRG", 4)]
    top_loser = query(
        sample_build, "select symbol, change_pct from marts.fct_daily_movers where loser_rank = 1"
    )
    assert top_loser == [("PRL", Decimal("-9.62"))]
    assert query(sample_build, "select count(loser_rank) from marts.fct_daily_movers") == [(25,)]


def test_exact_prices_and_prev_close(sample_build: Settings) -> None:
    rows = query(
        sample_build,
        "select close_price, change, change_pct, prev_close, sector from marts.fct_daily_movers "
        "where symbol = 'HUBC'",
    )
    assert rows == [
        (
            Decimal("101.70"),
            Decimal("4.90"),
            Decimal("5.06"),
            Decimal("96.80"),
            "POWER GENERATION & DISTRIBUTION",
        )
    ]


def test_index_changes(sample_build: Settings) -> None:
    rows = query(
        sample_build,
        "select index_code, level, change, change_pct, prev_level from marts.fct_index_changes "
        "order by index_code",
    )
    assert rows == [
        ("BR100", Decimal("9089.00"), Decimal("-54.70"), Decimal("-0.60"), Decimal("9143.70")),
        ("BR30", Decimal("27134.00"), Decimal("-191.80"), Decimal("-0.70"), Decimal("27325.80")),
        ("KSE100", Decimal("85250.00"), Decimal("-335.30"), Decimal("-0.39"), Decimal("85585.30")),
        ("KSE30", Decimal("26803.00"), Decimal("-181.00"), Decimal("-0.67"), Decimal("26984.00")),
    ]


def test_audit_records_the_capture(sample_build: Settings) -> None:
    rows = query(
        sample_build,
        "select source_path, length(sha256), page_date, market_date, status, reason "
        "from audit.captures",
    )
    assert rows == [(f"samples/{SAMPLE.name}", 64, MARKET_DATE, MARKET_DATE, "loaded", None)]
    assert query(sample_build, "select count(*) from audit.rejected_lines") == [(0,)]


def test_the_sample_time_is_unknown_so_its_values_are_not_the_close(
    sample_build: Settings,
) -> None:
    """A date-only name and a fresh file time: no source says when the page was taken, so the
    day's values are of unknown time (not the close) and no intraday mart holds the capture."""
    for table in ("fct_daily_movers", "fct_index_changes"):
        kinds = query(sample_build, f"select distinct value_kind, is_close from marts.{table}")
        assert kinds == [("unknown_time", False)], table
    for table in ("fct_intraday_quotes", "fct_intraday_index_levels"):
        assert query(sample_build, f"select count(*) from marts.{table}") == [(0,)], table


def test_every_symbol_is_classified(sample_build: Settings) -> None:
    assert query(
        sample_build, "select count(*) from marts.dim_symbol where sector = 'Unclassified'"
    ) == [(0,)]


def test_only_public_schemas_are_published(sample_build: Settings) -> None:
    schemas = query(
        sample_build,
        "select distinct schema_name from duckdb_tables() order by 1",
    )
    assert schemas == [("audit",), ("marts",)]


def test_bi_views_are_published_with_bi_types(sample_build: Settings) -> None:
    views = query(
        sample_build,
        "select view_name, comment is not null from duckdb_views() where schema_name = 'bi' "
        "order by 1",
    )
    assert views == [
        ("adjusted_closes", True),
        ("audit_captures", True),
        ("corporate_actions", True),
        ("daily_movers", True),
        ("index_changes", True),
        ("index_period_changes", True),
        ("period_movers", True),
        ("sector_daily", True),
    ]
    types = query(
        sample_build,
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = 'bi' and table_name = 'daily_movers' "
        "and column_name in ('close_price', 'captured_at_utc') order by 1",
    )
    assert types == [("captured_at_utc", "TIMESTAMP"), ("close_price", "DOUBLE")]
    # The same rows as the mart, the decimals as doubles.
    assert query(
        sample_build,
        "select count(*) from marts.fct_daily_movers as mart inner join bi.daily_movers as bi "
        "using (market_date, symbol) where bi.close_price = cast(mart.close_price as double) "
        "and bi.change_pct = cast(mart.change_pct as double)",
    ) == [(30,)]


def test_column_comments_reach_the_published_file(sample_build: Settings) -> None:
    rows = query(
        sample_build,
        "select comment from duckdb_columns() "
        "where schema_name = 'marts' and table_name = 'fct_daily_movers' "
        "and column_name = 'gainer_rank'",
    )
    assert rows and rows[0][0], "gainer_rank has no comment in the published warehouse"


def test_published_file_opens_in_duckdb_1x(sample_build: Settings) -> None:
    script = (
        "import duckdb, json, sys\n"
        "con = duckdb.connect(sys.argv[1], read_only=True)\n"
        "print(json.dumps({'version': duckdb.__version__, 'rows': con.execute("
        '"select count(*) from marts.fct_daily_movers").fetchone()[0]}))\n'
    )
    uv = Path(sys.executable).with_name("uv")
    completed = subprocess.run(
        [
            str(uv),
            "run",
            "--quiet",
            "--no-project",
            "--with",
            "duckdb==1.4.4",
            "python",
            "-c",
            script,
            str(sample_build.warehouse),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=PROJECT_ROOT,
    )
    assert completed.returncode == 0, completed.stderr
    answer = json.loads(completed.stdout.strip().splitlines()[-1])
    assert answer == {"version": "1.4.4", "rows": 30}


def test_publish_never_disturbs_an_open_reader(sample_build: Settings, tmp_path: Path) -> None:
    copied = copy_build(sample_build, tmp_path)
    reader = duckdb.connect(str(copied.warehouse), read_only=True)
    try:
        publish(copied.work_db, copied.warehouse)
        assert reader.execute("select count(*) from marts.fct_daily_movers").fetchone() == (30,)
    finally:
        reader.close()
    assert query(copied, "select count(*) from marts.fct_daily_movers") == [(30,)]


def test_a_failed_build_keeps_the_previous_warehouse(
    sample_build: Settings, build: Build, tmp_path: Path
) -> None:
    root = tmp_path / "failing"
    shutil.copytree(sample_build.warehouse.parent, root / "warehouse")
    before = (root / "warehouse" / "market.duckdb").read_bytes()
    build(tmp_path / "no-such-raw-dir", root=root, expect_success=False)
    assert (root / "warehouse" / "market.duckdb").read_bytes() == before


def _dbt_test(
    settings: Settings, work_db: Path, select: str, target: Path
) -> subprocess.CompletedProcess[str]:
    """``dbt test --select SELECT`` on the working database ``work_db``, results in ``target``."""
    return subprocess.run(
        [DBT_EXECUTABLE, "test", "--select", select, "--target-path", str(target)],
        cwd=DBT_PROJECT_DIR,
        env={
            **os.environ,
            **settings.as_env(),
            "MARKET_WORK_DB": str(work_db),
            "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
            "DBT_LOG_PATH": str(target.parent / "logs"),
        },
        capture_output=True,
        text=True,
        check=False,
    )


def _node_results(target: Path) -> list[dict[str, Any]]:
    """The results of the selected nodes in ``target``'s run_results.json, without the project's
    on-run-start hook (an ``operation``: it makes the sources on Spark, nothing on DuckDB)."""
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    return [result for result in results if not result["unique_id"].startswith("operation.")]


def test_the_dbt_unit_tests_pass_on_the_built_project(
    sample_build: Settings, tmp_path: Path
) -> None:
    """Builds leave dbt's unit tests out (they test the SQL, not the data): they run here."""
    work_db = tmp_path / "work.duckdb"
    shutil.copyfile(sample_build.work_db, work_db)  # the unit tests need the models' columns
    target = tmp_path / "target"
    done = _dbt_test(sample_build, work_db, "test_type:unit", target)
    assert done.returncode == 0, done.stdout[-3000:]
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    results = _node_results(target)
    assert len(manifest["unit_tests"]) >= 17
    assert sorted(result["unique_id"] for result in results) == sorted(manifest["unit_tests"])
    assert {result["status"] for result in results} == {"pass"}


def test_a_null_in_any_required_column_fails_its_model_test(
    sample_build: Settings, tmp_path: Path
) -> None:
    """The not-null columns of a model are one test (``not_null_columns``): each null fails it,
    as a row naming its column (the test reads the model once, whatever its columns)."""
    work_db = tmp_path / "work.duckdb"
    shutil.copyfile(sample_build.work_db, work_db)
    with duckdb.connect(str(work_db)) as con:
        con.execute("update marts.fct_daily_movers set sector = null where symbol = 'HUBC'")
        con.execute("update marts.fct_daily_movers set capture_id = null where symbol = 'PRL'")
    target = tmp_path / "target"
    done = _dbt_test(sample_build, work_db, "test_name:not_null_columns,fct_daily_movers", target)
    assert done.returncode == 1, done.stdout[-3000:]
    results = _node_results(target)
    assert [(result["status"], result["failures"]) for result in results] == [("fail", 2)]
    with duckdb.connect(str(work_db), read_only=True) as con:
        failing = con.execute(results[0]["compiled_code"]).fetchall()
    assert sorted(failing) == [("capture_id",), ("sector",)]
