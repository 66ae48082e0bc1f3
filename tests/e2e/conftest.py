"""Real Dagster materialisations of the whole asset graph into temporary warehouses."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.cli.runs import run_build
from dagster_project.settings import Settings, export_settings, make_settings
from tests.captures import SAMPLE

Build = Callable[..., Settings]


def materialize_all(raw_dir: Path, root: Path, *, expect_success: bool = True) -> Settings:
    """Build like ``make build``: the ingest run, then the daily facts of changed dates, publish."""
    settings = make_settings(raw_dir=raw_dir, warehouse=root / "warehouse" / "market.duckdb")
    saved = dict(os.environ)
    export_settings(settings)
    try:
        outcome = run_build(settings, instance=dg.DagsterInstance.ephemeral())
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert outcome.success is expect_success, outcome.failures
    return settings


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The shipped sample built once for the whole session (test_sample_build, test_headlines)."""
    root = tmp_path_factory.mktemp("sample")
    raw = root / "raw"
    (raw / "samples").mkdir(parents=True)
    shutil.copy2(SAMPLE, raw / "samples" / SAMPLE.name)
    return materialize_all(raw, root)


@pytest.fixture
def build(tmp_path: Path) -> Build:
    def _build(raw_dir: Path, *, root: Path | None = None, expect_success: bool = True) -> Settings:
        return materialize_all(raw_dir, root or tmp_path, expect_success=expect_success)

    return _build


def query(
    settings: Settings, sql: str, params: list[object] | None = None
) -> list[tuple[object, ...]]:
    """Rows from the published warehouse, opened read-only the way a BI tool would."""
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
