"""Fixtures shared by the report tests (test_page, test_headlines)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.report.report_warehouse import build_report_warehouse


@pytest.fixture(scope="session")
def report_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real build for every report test: the sample and the sessions before it."""
    return build_report_warehouse(tmp_path_factory.mktemp("report"))
