"""``market-snapshots docs`` (tools/docs_site.py): dbt's docs of the built warehouse, one page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dagster_project.core.errors import ConfigError
from dagster_project.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, Settings
from dagster_project.tools.docs_site import write_docs_site
from tests.builds import copy_build
from tests.support import run_cli


def test_the_docs_page_documents_the_built_warehouse_and_opens_offline(
    sample_build: Settings, tmp_path: Path
) -> None:
    built = copy_build(sample_build, tmp_path)
    done = run_cli("docs", "--warehouse", str(built.warehouse))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    page = built.warehouse.parent / "docs" / "index.html"
    assert done.stdout.splitlines()[0] == f"docs: {page}"
    counted = re.search(r"^(\d+) models, (\d+) columns", done.stdout, re.MULTILINE)
    assert counted and int(counted[1]) >= 30 and int(counted[2]) >= 300, done.stdout
    html = page.read_text(encoding="utf-8")
    # The manifest and catalog are inlined: the models, their built types, the exposures.
    for text in ("fct_daily_movers", "DECIMAL(18,2)", "day_report", "parquet_export"):
        assert text in html, text
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", html), "no download"


def test_without_a_build_it_says_to_build_first(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"build first \(make build\)"):
        write_docs_site(
            dbt_executable=DBT_EXECUTABLE,
            project_dir=DBT_PROJECT_DIR,
            work_db=tmp_path / "work.duckdb",
            target_path=tmp_path / "target",
            out_dir=tmp_path / "docs",
            env={},
        )
    assert not (tmp_path / "docs").exists()
