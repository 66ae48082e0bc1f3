"""The e2e tests' own fixture: a build into the test's temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.settings import Settings
from tests.builds import Build, materialize_all


@pytest.fixture
def build(tmp_path: Path) -> Build:
    def _build(raw_dir: Path, *, root: Path | None = None, expect_success: bool = True) -> Settings:
        return materialize_all(raw_dir, root or tmp_path, expect_success=expect_success)

    return _build
