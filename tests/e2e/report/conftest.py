"""Fixtures shared by the report tests (test_page, test_headlines)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builds import made_once, run_dir
from tests.e2e.report.report_warehouse import build_report_warehouse


@pytest.fixture(scope="session")
def report_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real build for every report test, made once for the run (whatever the number of
    xdist workers): the sample and the sessions before it."""
    root = made_once(run_dir(tmp_path_factory), "report", build_report_warehouse)
    return root / "wh" / "market.duckdb"
