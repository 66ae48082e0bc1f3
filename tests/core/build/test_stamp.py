"""The no-op check: a build is skipped only when nothing it depends on changed."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from dagster_project.core.build.stamp import (
    BUILD_STAMP,
    BuildInputs,
    build_inputs,
    clear_stamp,
    unchanged_since_last_build,
    write_stamp,
)
from dagster_project.settings import DBT_PROJECT_DIR, PACKAGE_DIR, make_settings

NOW = dt.datetime(2026, 12, 1, 22, 0, tzinfo=dt.UTC)


class Project:
    """A raw dir, a copy of the dbt project and a published warehouse, as a build leaves them."""

    def __init__(self, root: Path) -> None:
        self.raw = root / "raw"
        self.raw.mkdir()
        (self.raw / "2024-10-18.txt").write_text("KSE100 85,250 Decreased By -335.3 (-0.39%)\n")
        self.dbt = root / "dbt"
        shutil.copytree(DBT_PROJECT_DIR, self.dbt, ignore=shutil.ignore_patterns("target", "logs"))
        self.trust_file_times = False
        self.settings = make_settings(raw_dir=self.raw, warehouse=root / "wh" / "market.duckdb")
        self.settings.state_dir.mkdir(parents=True)
        self.settings.warehouse.write_bytes(b"published")
        self.settings.work_db.write_bytes(b"work")

    def inputs(self) -> BuildInputs:
        settings = make_settings(
            raw_dir=self.raw,
            warehouse=self.settings.warehouse,
            trust_file_times=self.trust_file_times,
        )
        return build_inputs(
            self.raw,
            options=settings.build_options(),
            dbt_project_dir=self.dbt,
            holidays_seed=self.dbt / "seeds" / "psx_holidays.csv",
            index_codes_seed=self.dbt / "seeds" / "psx_index_codes.csv",
            package_dir=PACKAGE_DIR,
        )

    def built(self) -> None:
        write_stamp(
            self.settings.state_dir,
            self.inputs(),
            warehouse=self.settings.warehouse,
            work_db=self.settings.work_db,
            built_at=NOW,
        )

    def unchanged(self) -> bool:
        last = unchanged_since_last_build(
            self.settings.state_dir,
            self.inputs(),
            warehouse=self.settings.warehouse,
            work_db=self.settings.work_db,
        )
        return last is not None


@pytest.fixture
def project(tmp_path: Path) -> Project:
    made = Project(tmp_path)
    made.built()
    return made


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def test_nothing_changed_is_a_no_op_and_says_what_it_found(project: Project) -> None:
    last = unchanged_since_last_build(
        project.settings.state_dir,
        project.inputs(),
        warehouse=project.settings.warehouse,
        work_db=project.settings.work_db,
    )
    assert last is not None
    assert last.describe(project.settings.warehouse) == (
        "nothing new: 1 captures unchanged since the last build at 2026-12-01T22:00:00+00:00; "
        f"warehouse {project.settings.warehouse} unchanged"
    )


def test_a_new_capture_builds(project: Project) -> None:
    (project.raw / "more" / "2024-10-21.html").parent.mkdir()
    (project.raw / "more" / "2024-10-21.html").write_text("<p>page</p>")
    assert not project.unchanged()


def test_a_touched_capture_builds(project: Project) -> None:
    capture = project.raw / "2024-10-18.txt"
    stat = capture.stat()
    os.utime(capture, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert not project.unchanged()


def test_a_removed_capture_builds(project: Project) -> None:
    (project.raw / "2024-10-18.txt").unlink()
    assert not project.unchanged()


def test_a_new_fetch_sidecar_builds(project: Project) -> None:
    (project.raw / ".2024-10-18.txt.json").write_text("{}")
    assert not project.unchanged()


def test_a_model_edit_builds(project: Project) -> None:
    _append(project.dbt / "models" / "marts" / "fct_daily_movers.sql", "\n-- edited\n")
    assert not project.unchanged()


def test_a_seed_edit_builds(project: Project) -> None:
    _append(project.dbt / "seeds" / "psx_holidays.csv", "2031-01-01,New Year,test\n")
    assert not project.unchanged()


def test_trusting_file_times_builds(project: Project) -> None:
    project.trust_file_times = True
    assert not project.unchanged()


def test_a_deleted_or_replaced_warehouse_builds(project: Project) -> None:
    project.settings.warehouse.unlink()
    assert not project.unchanged()
    project.settings.warehouse.write_bytes(b"published")  # the same bytes, another file
    assert not project.unchanged()


def test_a_deleted_working_database_builds(project: Project) -> None:
    project.settings.work_db.unlink()
    assert not project.unchanged()


def test_a_cleared_or_damaged_stamp_builds(project: Project) -> None:
    clear_stamp(project.settings.state_dir)
    assert not project.unchanged()
    (project.settings.state_dir / BUILD_STAMP).write_text('{"format": 1, "listi')
    assert not project.unchanged()
    clear_stamp(project.settings.state_dir)  # nothing to clear is fine too
