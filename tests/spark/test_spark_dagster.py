"""The Spark target chosen in the Dagster resource config: a whole build (both Dagster runs, the
checks, publishing) with dbt-spark building the models, published equal to a DuckDB build.

The environment says DuckDB; only the ``market`` resource's ``dbt_target`` says Spark. The
published warehouse is then compared with a DuckDB build of the same captures relation for
relation, the ``latest_*`` and ``bi`` views included: columns, types and rows.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.cli.runs import run_build
from dagster_project.settings import export_settings, make_settings
from dagster_project.tools.synth.captures import write_captures
from tests.builds import materialize_all
from tests.captures import SAMPLE
from tests.spark.needs_spark import spark_marks

pytestmark = spark_marks()

Relation = tuple[str, str, str]


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


def test_the_resource_config_builds_on_spark_and_publishes_what_duckdb_does(
    tmp_path: Path,
) -> None:
    raw = tmp_path / "raw"
    write_captures(raw / "synth", days=4, symbols=30, captures_per_day=2, seed=3)
    shutil.copy2(SAMPLE, raw / SAMPLE.name)
    duck = materialize_all(raw, tmp_path / "duckdb")

    spark = make_settings(
        raw_dir=raw, warehouse=tmp_path / "spark" / "market.duckdb", dbt_target="spark"
    )
    saved = dict(os.environ)
    export_settings(make_settings(raw_dir=raw, warehouse=spark.warehouse))  # the env: DuckDB
    try:
        assert os.environ["DBT_TARGET"] == "dev"
        outcome = run_build(spark, instance=dg.DagsterInstance.ephemeral())
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert outcome.success, outcome.failures
    assert outcome.published

    fact = spark.spark_dir / "warehouse" / "marts.db" / "fct_daily_movers"
    assert sorted(p.name for p in fact.glob("market_date=*")), "Spark built the facts"
    published = _relations(spark.warehouse)
    expected = _relations(duck.warehouse)
    assert sorted(published) == sorted(expected)
    kinds = {kind for _, _, kind in published}
    assert kinds == {"BASE TABLE", "VIEW"}
    assert any(name.startswith("latest_") for _, name, _ in published)
    assert any(schema == "bi" for schema, _, _ in published)
    for relation, (columns, rows) in expected.items():
        assert published[relation][0] == columns, relation
        assert published[relation][1] == rows, f"{relation}: {len(published[relation][1])} rows"
    assert sum(len(rows) for _, rows in expected.values()) > 500
