"""The Spark target (``MARKET_DBT_TARGET=spark``, or the ``market`` resource's ``dbt_target``):
dbt-spark builds the models, then the working database takes Spark's tables and dbt-duckdb makes
the views over them, so the checks, publishing and the report run as after a DuckDB build.
"""

import importlib.util
import os
import subprocess
from collections.abc import Iterable, Iterator
from typing import Any

import dagster as dg

from dagster_project.core.build.dbt_manifest import model_columns, read_manifest
from dagster_project.core.errors import ConfigError
from dagster_project.core.warehouse.database import connect
from dagster_project.core.warehouse.spark_tables import load_spark_tables
from dagster_project.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, Settings

SPARK_TARGET = "spark"
#: What dbt-duckdb builds over Spark's tables: the models Spark keeps as views (no files), of
#: the daily models (``tag:daily``) or of the others.
_VIEWS = ("run", "--target", "dev", "--quiet", "--select")


def check_engine(settings: Settings) -> None:
    """A clear error when the Spark target is chosen without the ``spark`` extra installed."""
    if (
        settings.dbt_target == SPARK_TARGET
        and importlib.util.find_spec("dbt.adapters.spark") is None
    ):
        raise ConfigError(
            "MARKET_DBT_TARGET=spark needs dbt-spark and pyspark: "
            "python3 -m uv sync --frozen --extra spark (and Java 17; docs/spark.md)"
        )


def served_by_duckdb(
    events: Iterable[Any], settings: Settings, context: dg.AssetExecutionContext, *, daily: bool
) -> Iterator[Any]:
    """dbt's events; on the Spark target, once dbt is done, Spark's tables are loaded into the
    working database and dbt-duckdb makes the views over them (before the step ends, so its
    checks and the steps after it read them)."""
    yield from events
    if settings.dbt_target != SPARK_TARGET:
        return
    manifest = read_manifest(settings.dbt_target_dir / "manifest.json")
    with connect(settings.work_db) as con:
        loaded = load_spark_tables(
            con, settings.spark_dir / "warehouse", columns=model_columns(manifest)
        )
    context.log.info(f"loaded {len(loaded)} Spark table(s) into {settings.work_db}")
    _duckdb_views(settings, daily=daily)


def _duckdb_views(settings: Settings, *, daily: bool) -> None:
    target = settings.state_dir / "dbt" / "duckdb-views"
    views = "config.materialized:view"
    selection = [f"tag:daily,{views}"] if daily else [views, "--exclude", "tag:daily"]
    command = [DBT_EXECUTABLE, *_VIEWS, *selection, "--project-dir", str(DBT_PROJECT_DIR)]
    command += ["--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(target)]
    done = subprocess.run(
        command,
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "DBT_TARGET": "dev"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()[-3000:]
        raise dg.Failure(f"dbt-duckdb could not make the views over Spark's tables:\n{output}")
