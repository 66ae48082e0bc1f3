"""The published relations are dbt contracts (every column's name and data_type declared in the
models' yml, enforced on DuckDB): a model change that alters a type fails, naming the column."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb

from dagster_project.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, Settings


def test_a_published_columns_changed_type_fails_its_contract(
    sample_build: Settings, tmp_path: Path
) -> None:
    """The published relations are dbt contracts: a model whose SQL yields another type for a
    declared column fails, naming the column and both types, and the relation is not replaced."""
    project = tmp_path / "dbt"
    shutil.copytree(
        DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", ".user.yml")
    )
    model = project / "models" / "marts" / "dim_symbol.sql"
    sql = model.read_text(encoding="utf-8")
    changed = "cast(sectors.sector is not null as varchar) as is_classified"
    model.write_text(sql.replace("sectors.sector is not null as is_classified", changed))
    assert changed in model.read_text(encoding="utf-8")
    work_db = tmp_path / "work.duckdb"
    shutil.copyfile(sample_build.work_db, work_db)
    done = subprocess.run(
        [DBT_EXECUTABLE, "run", "--select", "dim_symbol", "--target-path", str(tmp_path / "t")],
        cwd=project,
        env={
            **os.environ,
            **sample_build.as_env(),
            "MARKET_WORK_DB": str(work_db),
            "DBT_PROFILES_DIR": str(project),
            "DBT_LOG_PATH": str(tmp_path / "logs"),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout[-3000:]
    failure = " ".join(done.stdout.split()).lower()
    assert "contract" in failure and "is_classified" in failure, done.stdout[-3000:]
    assert "varchar" in failure and "boolean" in failure
    with duckdb.connect(str(work_db), read_only=True) as con:
        kept = con.execute(
            "select data_type from information_schema.columns where table_schema = 'marts' "
            "and table_name = 'dim_symbol' and column_name = 'is_classified'"
        ).fetchall()
    assert kept == [("BOOLEAN",)], "the relation is not replaced"
