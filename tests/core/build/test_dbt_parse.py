"""dbt's parse of the project, made once and shared by every target dir
(``core/build/dbt_parse.py``).

Real ``dbt parse`` runs (two in this module); "dbt did not run" is shown by giving a call a dbt
that does not exist, so any attempt to parse would fail.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from dagster_project.core.build.dbt_manifest import daily_facts, read_manifest
from dagster_project.core.build.dbt_parse import (
    PARSE_FILES,
    _store_parse,
    ensure_manifest,
    parse_key,
)
from dagster_project.core.build.planning import dbt_source_files
from dagster_project.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, make_settings

NO_DBT = "/nonexistent/dbt"


def arguments(root: Path, target: str, **overrides: Any) -> dict[str, Any]:
    settings = make_settings(warehouse=root / "market.duckdb")
    return {
        "dbt_executable": DBT_EXECUTABLE,
        "project_dir": DBT_PROJECT_DIR,
        "profiles_dir": DBT_PROJECT_DIR,
        "target_path": root / target,
        "source_files": dbt_source_files(DBT_PROJECT_DIR),
        "env": settings.as_env(),
        "cache_dir": root / "cache",
    } | overrides


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real ``dbt parse`` into ``<root>/one``, stored in ``<root>/cache``; read it only."""
    root = tmp_path_factory.mktemp("parsed")
    ensure_manifest(**arguments(root, "one"))
    return root


def test_the_real_project_parses_once_and_names_its_daily_facts(
    parsed: Path, tmp_path: Path
) -> None:
    """A second call with nothing changed does not parse again."""
    shutil.copytree(parsed / "one", tmp_path / "one", copy_function=shutil.copy2)
    first = arguments(tmp_path, "one", cache_dir=parsed / "cache", dbt_executable=NO_DBT)
    manifest = tmp_path / "one" / "manifest.json"
    parsed_at = manifest.stat().st_mtime_ns
    assert ensure_manifest(**first) == manifest
    assert manifest.stat().st_mtime_ns == parsed_at
    facts = {model.name for model in daily_facts(read_manifest(manifest))}
    assert {"fct_daily_movers", "fct_sector_daily", "fct_index_changes"} <= facts
    assert not any(name.startswith(("latest_", "bi_")) for name in facts)
    # A damaged file is made again (from the shared parse: no dbt runs).
    manifest.write_text("{", encoding="utf-8")
    os.utime(manifest, ns=(parsed_at, parsed_at))
    ensure_manifest(**first)
    assert json.loads(manifest.read_bytes())["nodes"]


def test_a_new_target_dir_starts_from_the_shared_parse(parsed: Path, tmp_path: Path) -> None:
    (entry,) = (parsed / "cache").iterdir()
    assert sorted(path.name for path in entry.iterdir()) == sorted(PARSE_FILES)
    # Another state dir of the same project: no dbt runs, both files are there.
    cached = arguments(tmp_path, "two", cache_dir=parsed / "cache", dbt_executable=NO_DBT)
    second = ensure_manifest(**cached)
    for name in PARSE_FILES:
        assert (tmp_path / "two" / name).read_bytes() == (parsed / "one" / name).read_bytes()
    assert read_manifest(second)["nodes"]
    assert not list((tmp_path / "two").glob(".*copying"))


def test_a_damaged_shared_parse_is_parsed_again_and_replaced(parsed: Path, tmp_path: Path) -> None:
    shutil.copytree(parsed / "cache", tmp_path / "cache")
    (entry,) = (tmp_path / "cache").iterdir()
    (entry / "manifest.json").write_text('{"nodes": ', encoding="utf-8")
    with pytest.raises(FileNotFoundError):  # it tried to run dbt: the copy was refused
        ensure_manifest(**arguments(tmp_path, "two", dbt_executable=NO_DBT))
    manifest = ensure_manifest(**arguments(tmp_path, "three"))  # a real parse
    assert read_manifest(manifest)["nodes"]
    assert read_manifest(entry / "manifest.json")["nodes"], "stored anew"


def test_a_cache_that_cannot_be_written_is_no_error(parsed: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    _store_parse(parsed / "one", blocked / "entry")
    assert blocked.read_text(encoding="utf-8") == ""


def test_the_key_changes_with_the_project_files_and_the_target(tmp_path: Path) -> None:
    model = tmp_path / "models" / "a.sql"
    model.parent.mkdir()
    model.write_text("select 1 as a\n", encoding="utf-8")
    key = parse_key(project_dir=tmp_path, source_files=[model], env={"DBT_TARGET": "dev"})
    assert key == parse_key(project_dir=tmp_path, source_files=[model], env={"DBT_TARGET": "dev"})
    spark = parse_key(project_dir=tmp_path, source_files=[model], env={"DBT_TARGET": "spark"})
    assert spark != key
    model.write_text("select 2 as a\n", encoding="utf-8")
    assert parse_key(project_dir=tmp_path, source_files=[model], env={"DBT_TARGET": "dev"}) != key
