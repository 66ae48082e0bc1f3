"""The planner's fingerprints and the raw listing (the plan: tests/e2e/test_nothing_loads)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from dagster_project.core.build import planning
from dagster_project.settings import DBT_PROJECT_DIR, HOLIDAYS_SEED, INDEX_CODES_SEED


def test_the_listing_counts_captures_and_sees_sidecars_but_not_hidden_dirs(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.HTML").write_text("b")
    (tmp_path / "notes.md").write_text("not a capture")
    before = planning.raw_listing(tmp_path)
    assert before.captures == 2
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "index").write_text("x")
    assert planning.raw_listing(tmp_path) == before
    (tmp_path / ".a.txt.json").write_text("{}")
    after = planning.raw_listing(tmp_path)
    assert after.captures == 2 and after.signature != before.signature


def test_the_listing_changes_when_a_file_becomes_readable(tmp_path: Path) -> None:
    # Landing skips a capture it cannot read; once `chmod` makes it readable (its size and time
    # unchanged), the next build must not be a no-op.
    (tmp_path / "f.html").write_text("<html></html>")
    (tmp_path / "f.html").chmod(0)
    before = planning.raw_listing(tmp_path)
    (tmp_path / "f.html").chmod(0o644)
    assert planning.raw_listing(tmp_path).signature != before.signature


def test_the_facts_fingerprint_follows_the_dbt_project(tmp_path: Path) -> None:
    dbt = tmp_path / "dbt"
    shutil.copytree(DBT_PROJECT_DIR, dbt, ignore=shutil.ignore_patterns("target", "logs"))
    seeds = {"holidays_seed": HOLIDAYS_SEED, "index_codes_seed": INDEX_CODES_SEED}
    first = planning.facts_fingerprint(dbt_project_dir=dbt, **seeds)
    assert first == planning.facts_fingerprint(dbt_project_dir=DBT_PROJECT_DIR, **seeds)
    with (dbt / "macros" / "new_macro.sql").open("w") as handle:
        handle.write("{% macro nothing() %}{% endmacro %}\n")
    assert planning.facts_fingerprint(dbt_project_dir=dbt, **seeds) != first


def test_the_facts_stamp_says_whether_the_models_changed(tmp_path: Path) -> None:
    assert planning.models_changed(tmp_path, "abc")
    planning.write_facts_stamp(tmp_path, "abc")
    assert not planning.models_changed(tmp_path, "abc")
    assert planning.models_changed(tmp_path, "abd")
    assert sorted(path.name for path in tmp_path.iterdir()) == [planning.FACTS_STAMP]


def test_planning_imports_neither_dagster_nor_the_settings() -> None:
    code = (
        "import sys; import dagster_project.core.build.planning, dagster_project.core.build.stamp; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'dagster' "
        "or m == 'dagster_project.settings'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
