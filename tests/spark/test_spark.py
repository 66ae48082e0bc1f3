"""One dbt project, two engines: the session's synthetic corpus built on Spark, equal to DuckDB.

One Spark build serves every test here: a whole Dagster build (both runs, the checks, publishing)
of the synthetic corpus (HTML, replays, duplicates, broken lines, headlines, an undated page),
with dbt-spark building the models because the ``market`` resource's ``dbt_target`` says so (the
environment says DuckDB). Its DuckDB twin is the session's ``synthetic_build`` of the same raw
dir. Compared: the published warehouse relation for relation (the ``latest_*`` and ``bi`` views
included: columns, types and rows), Spark's own table files, a window rebuild of the daily facts
with real dbt (``--vars``), dbt's unit tests on Spark's SQL, and Spark's own views.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.cli.runs import run_build
from dagster_project.settings import (
    DBT_PROJECT_DIR,
    Settings,
    export_settings,
    make_settings,
)
from tests.spark.compare import duckdb_rows, spark_rows, table_names
from tests.spark.needs_spark import spark_marks
from tests.spark.session import SparkProcess
from tests.support import user_env

pytestmark = spark_marks()

COMPARED_SCHEMAS = ("marts", "audit")
VIEW_SCHEMAS = ("marts", "bi")
DBT_RUN = ("run", "--target", "spark")
FACT = "fct_daily_movers"

Relation = tuple[str, str, str]


@dataclass(frozen=True)
class Builds:
    warehouse: Path
    """The published DuckDB warehouse (the session's synthetic build)."""
    spark: Settings
    """The Spark build's settings (its published warehouse, state dir, Spark warehouse)."""
    spark_warehouse: Path
    """Spark's table directories (``<schema>.db/<table>``)."""
    env: dict[str, str]
    dbt_target: Path


@pytest.fixture(scope="module")
def builds(synthetic_build: Settings, tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """The synthetic corpus built by Dagster on Spark (the raw dir read, never changed)."""
    root = tmp_path_factory.mktemp("spark")
    spark = make_settings(
        raw_dir=synthetic_build.raw_dir,
        warehouse=root / "warehouse" / "market.duckdb",
        dbt_target="spark",
    )
    saved = dict(os.environ)
    export_settings(make_settings(raw_dir=spark.raw_dir, warehouse=spark.warehouse))  # DuckDB
    try:
        assert os.environ["DBT_TARGET"] == "dev"
        outcome = run_build(spark, instance=dg.DagsterInstance.ephemeral())
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert outcome.success, outcome.failures
    assert outcome.published
    return Builds(
        warehouse=synthetic_build.warehouse,
        spark=spark,
        spark_warehouse=spark.spark_dir / "warehouse",
        env=user_env(**spark.as_env()),
        dbt_target=spark.state_dir / "dbt" / "spark-target",
    )


@pytest.fixture(scope="module")
def spark(builds: Builds, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkProcess]:
    """One JVM for the dbt commands and the view export after the build (tests/spark/session.py)."""
    log = tmp_path_factory.mktemp("spark-session") / "spark.log"
    process = SparkProcess(env=builds.env, cwd=DBT_PROJECT_DIR, log=log)
    yield process
    process.close()


def run_dbt(spark: SparkProcess, builds: Builds, *args: str) -> None:
    spark.dbt(
        *args,
        *("--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)),
        *("--target-path", str(builds.dbt_target)),
    )


def _relations(warehouse: Path) -> dict[Relation, tuple[list[tuple[str, str]], list[object]]]:
    """Every relation of the published warehouse: its columns (name, type) and sorted rows."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = con.sql(
            "select table_schema, table_name, table_type from information_schema.tables "
            "order by all"
        ).fetchall()
        found = {}
        for schema, name, kind in names:
            relation = f'"{schema}"."{name}"'
            columns = [row[:2] for row in con.sql(f"describe {relation}").fetchall()]
            rows = sorted(con.sql(f"select * from {relation}").fetchall(), key=repr)
            found[(schema, name, kind)] = (columns, rows)
        return found


def assert_marts_equal(builds: Builds) -> list[str]:
    """Spark's table files equal the DuckDB warehouse's tables, row for row."""
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


def test_the_resource_config_builds_on_spark_and_publishes_what_duckdb_does(
    builds: Builds,
) -> None:
    fact = builds.spark_warehouse / "marts.db" / FACT
    assert sorted(p.name for p in fact.glob("market_date=*")), "Spark built the facts"
    published = _relations(builds.spark.warehouse)
    expected = _relations(builds.warehouse)
    assert sorted(published) == sorted(expected)
    kinds = {kind for _, _, kind in published}
    assert kinds == {"BASE TABLE", "VIEW"}
    assert any(name.startswith("latest_") for _, name, _ in published)
    assert any(schema == "bi" for schema, _, _ in published)
    for relation, (columns, rows) in expected.items():
        assert published[relation][0] == columns, relation
        assert published[relation][1] == rows, f"{relation}: {len(published[relation][1])} rows"
    assert sum(len(rows) for _, rows in expected.values()) > 500


def test_a_full_spark_build_equals_duckdb(builds: Builds) -> None:
    compared = assert_marts_equal(builds)
    assert len(compared) >= 10
    assert partition_files(builds, FACT), "the daily facts are partitioned by market_date"


def test_a_window_rebuild_overwrites_only_its_partitions(
    builds: Builds, spark: SparkProcess
) -> None:
    before = partition_files(builds, FACT)
    dates = sorted(before)
    window = {"min_market_date": dates[-2], "max_market_date": dates[-1]}
    # `run`, not `build`: the data tests of these models ran on Spark in the Dagster build.
    run_dbt(spark, builds, *DBT_RUN, "--select", "tag:daily", "--vars", json.dumps(window))
    after = partition_files(builds, FACT)
    assert sorted(after) == dates
    for market_date in dates:
        rewritten = after[market_date] != before[market_date]
        assert rewritten == (market_date in window.values()), market_date
    assert_marts_equal(builds)


def test_the_dbt_unit_tests_pass_on_spark(builds: Builds, spark: SparkProcess) -> None:
    """dbt's unit tests (fixed inputs, expected rows) hold on Spark's SQL too."""
    run_dbt(spark, builds, "test", "--target", "spark", "--select", "test_type:unit")
    results = json.loads((builds.dbt_target / "run_results.json").read_text(encoding="utf-8"))
    unit_tests = [r for r in results["results"] if r["unique_id"].startswith("unit_test.")]
    assert len(unit_tests) >= 17, spark.tail()
    assert {result["status"] for result in unit_tests} == {"pass"}


def test_sparks_own_views_equal_duckdbs(
    builds: Builds, spark: SparkProcess, tmp_path: Path
) -> None:
    """The ``latest_*`` and ``bi`` views as Spark itself answers them (its metastore's views
    over its tables), row for row and type for type with the published DuckDB views."""
    views = table_names(builds.warehouse, VIEW_SCHEMAS, kind="VIEW")
    assert {("marts", "latest_daily_movers"), ("bi", "daily_movers")} <= set(views)
    spark.export_views(builds.spark_warehouse.parent, views, tmp_path)
    for schema, view in views:
        columns, expected = duckdb_rows(builds.warehouse, schema, view)
        spark_columns, found = spark_rows(tmp_path, schema, view, [name for name, _ in columns])
        assert spark_columns == columns, f"{schema}.{view}"
        assert found == expected, f"{schema}.{view}: {len(found)} rows vs {len(expected)}"
