"""One dbt project, two engines: synthetic captures built on DuckDB and on Spark, the same marts.

The captures are built the normal way (``market-snapshots build``, DuckDB), which writes the
lake; then real dbt runs ``dbt build --target spark`` on a local SparkSession over the same
sources (the lake's Parquet files), first in full, then once more for a window of market dates
(``--vars``, as the daily facts' partitioned runs pass it). Every table of ``marts`` and
``audit`` is compared row for row with the published DuckDB warehouse after each.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from dagster_project.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, make_settings
from tests.builds import build_with_cli
from tests.captures import SAMPLE
from tests.spark.compare import duckdb_rows, export_spark_views, spark_rows, table_names
from tests.spark.needs_spark import spark_marks
from tests.support import run_cli, user_env

pytestmark = spark_marks()

COMPARED_SCHEMAS = ("marts", "audit")
VIEW_SCHEMAS = ("marts", "bi")
#: dbt build as the Dagster assets run it (dagster_project/defs/transform/dbt.py): dbt's unit
#: tests check SQL against fixed inputs, not the data.
DBT_BUILD = ("build", "--target", "spark", "--exclude-resource-type", "unit_test")
FACT = "fct_daily_movers"


@dataclass(frozen=True)
class Builds:
    warehouse: Path
    """The published DuckDB warehouse."""
    spark_warehouse: Path
    """Spark's table directories (``<schema>.db/<table>``)."""
    env: dict[str, str]
    dbt_target: Path


def run_dbt(builds: Builds, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [
            DBT_EXECUTABLE,
            *args,
            *("--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)),
            *("--target-path", str(builds.dbt_target)),
        ],
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
        cwd=builds.dbt_target.parent,
        env=builds.env,
    )
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """Five sessions (replays, broken lines, duplicates, HTML; the sample's headlines), built
    with DuckDB, then with dbt on Spark."""
    root = tmp_path_factory.mktemp("spark")
    raw = root / "raw"
    synth = run_cli(
        *("synth", "--days", "4", "--captures-per-day", "2", "--start", "2024-10-14"),
        *("--replay-share", "0.5", "--broken-share", "0.3", "--duplicate-share", "0.3"),
        *("--html-share", "0.3", "--out", str(raw / "synth")),
    )
    assert synth.returncode == 0, synth.stderr[-3000:]
    shutil.copy2(SAMPLE, raw / SAMPLE.name)
    settings = make_settings(raw_dir=raw, warehouse=root / "warehouse" / "market.duckdb")
    build_with_cli(raw, settings.warehouse)
    assert (settings.lake / "captures").is_dir(), "the build wrote no lake"
    spark_root = settings.state_dir / "spark"
    result = Builds(
        warehouse=settings.warehouse,
        spark_warehouse=spark_root / "warehouse",
        env=user_env(**settings.as_env()),
        dbt_target=settings.state_dir / "dbt" / "spark-target",
    )
    run_dbt(result, *DBT_BUILD)
    return result


def assert_marts_equal(builds: Builds) -> list[str]:
    tables = table_names(builds.warehouse, COMPARED_SCHEMAS)
    assert {f"marts.{FACT}", "audit.captures"} <= {f"{s}.{t}" for s, t in tables}
    for schema, table in tables:
        columns, expected = duckdb_rows(builds.warehouse, schema, table)
        spark_columns, found = spark_rows(
            builds.spark_warehouse, schema, table, [name for name, _ in columns]
        )
        assert spark_columns == columns, f"{schema}.{table}"
        assert found == expected, f"{schema}.{table}: {len(found)} rows vs {len(expected)}"
    return [f"{schema}.{table}" for schema, table in tables]


def partition_files(builds: Builds, table: str) -> dict[str, set[str]]:
    """The data files of each market_date partition of a Spark fact table."""
    folder = builds.spark_warehouse / f"marts.db/{table}"
    return {
        part.name.split("=", 1)[1]: {path.name for path in part.glob("*.parquet")}
        for part in folder.glob("market_date=*")
    }


def test_a_full_spark_build_equals_duckdb(builds: Builds) -> None:
    compared = assert_marts_equal(builds)
    assert len(compared) >= 10
    assert partition_files(builds, FACT), "the daily facts are partitioned by market_date"


def test_a_window_rebuild_overwrites_only_its_partitions(builds: Builds) -> None:
    before = partition_files(builds, FACT)
    dates = sorted(before)
    window = {"min_market_date": dates[-2], "max_market_date": dates[-1]}
    run_dbt(builds, *DBT_BUILD, "--select", "tag:daily", "--vars", json.dumps(window))
    after = partition_files(builds, FACT)
    assert sorted(after) == dates
    for market_date in dates:
        rewritten = after[market_date] != before[market_date]
        assert rewritten == (market_date in window.values()), market_date
    assert_marts_equal(builds)


def test_the_dbt_unit_tests_pass_on_spark(builds: Builds) -> None:
    """dbt's unit tests (fixed inputs, expected rows) hold on Spark's SQL too."""
    done = run_dbt(builds, "test", "--target", "spark", "--select", "test_type:unit")
    results = json.loads((builds.dbt_target / "run_results.json").read_text(encoding="utf-8"))
    unit_tests = [r for r in results["results"] if r["unique_id"].startswith("unit_test.")]
    assert len(unit_tests) >= 17, done.stdout[-3000:]
    assert {result["status"] for result in unit_tests} == {"pass"}


def test_sparks_own_views_equal_duckdbs(builds: Builds, tmp_path: Path) -> None:
    """The ``latest_*`` and ``bi`` views as Spark itself answers them (its metastore's views
    over its tables), row for row and type for type with the published DuckDB views."""
    views = table_names(builds.warehouse, VIEW_SCHEMAS, kind="VIEW")
    assert {("marts", "latest_daily_movers"), ("bi", "daily_movers")} <= set(views)
    export_spark_views(builds.spark_warehouse.parent, views, tmp_path)
    for schema, view in views:
        columns, expected = duckdb_rows(builds.warehouse, schema, view)
        spark_columns, found = spark_rows(tmp_path, schema, view, [name for name, _ in columns])
        assert spark_columns == columns, f"{schema}.{view}"
        assert found == expected, f"{schema}.{view}: {len(found)} rows vs {len(expected)}"
