"""dbt's profile (``dbt/profiles.yml``) gives DuckDB the settings' memory limit."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from dagster_project.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, make_settings


def test_dbt_runs_duckdb_within_the_memory_limit_of_the_settings(tmp_path: Path) -> None:
    settings = make_settings(
        raw_dir=tmp_path / "raw",
        warehouse=tmp_path / "wh" / "market.duckdb",
        duckdb_memory_limit="700MB",
    )
    shown = subprocess.run(
        [
            *(DBT_EXECUTABLE, "--quiet", "show", "--output", "json"),
            *("--inline", "select current_setting('memory_limit') as memory_limit"),
            *("--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)),
            *("--target-path", str(tmp_path / "target")),
        ],
        env={**os.environ, **settings.as_env()},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    # DuckDB reports 700 MB (10^6 bytes) in MiB.
    assert json.loads(shown)["show"] == [{"memory_limit": "667.5 MiB"}]
