"""dbt run in this process (``defs/dagster_private/dbt_cli.py``) on a small real dbt project.

What dagster-dbt reads from a dbt subprocess, :class:`InProcessDbt` must give it the same way: the
JSON event lines, the exit code (0 done, 1 a node failed, 2 dbt could not run), the errors; and
once dbt is done, the DuckDB file must be free for this process and any other. The builds in
``tests/e2e`` run the real project through it end to end.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest

from dagster_project.core.build.dbt_parse import ensure_manifest, shared_parse
from dagster_project.defs.dagster_private import InProcessDbt
from dagster_project.defs.dagster_private.dbt_cli import preparsed, seed_partial_parse
from dagster_project.settings import DBT_EXECUTABLE

PROFILE = """tiny:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{{ env_var('TINY_DB') }}"
      threads: 1
"""


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A dbt project of two models over a DuckDB file; ``broken`` fails when it runs."""
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text(
        "name: tiny\nversion: '1.0'\nprofile: tiny\nmodel-paths: [models]\n"
        "models:\n  tiny:\n    +materialized: table\n"
    )
    (project / "profiles.yml").write_text(PROFILE)
    (project / "models" / "fine.sql").write_text(
        "select 1 as x, '{{ env_var(\"TINY_LABEL\") }}' as label\n"
    )
    (project / "models" / "broken.sql").write_text("select * from no_such_table\n")
    monkeypatch.setenv("TINY_DB", str(tmp_path / "tiny.duckdb"))
    monkeypatch.setenv("TINY_LABEL", "first")
    return project


def _args(project: Path, *command: str) -> list[str]:
    target = project / "target"
    return [
        "--no-send-anonymous-usage-stats",
        "--quiet",
        *command,
        *("--project-dir", str(project), "--profiles-dir", str(project)),
        *("--target-path", str(target), "--log-path", str(target)),
    ]


def _run(args: list[str], manifest: object = None) -> tuple[int, list[dict[str, object]]]:
    process = InProcessDbt(args, manifest=manifest)
    with process.stdout as lines:
        events = [json.loads(line) for line in lines]
    return process.wait(timeout=120), events


def _names(events: list[dict[str, object]]) -> list[str]:
    return [event["info"]["name"] for event in events]  # type: ignore[index]


def test_a_build_streams_dbts_json_events_and_frees_the_database(tiny: Path) -> None:
    code, events = _run(_args(tiny, "build", "--select", "fine"))
    assert code == 0
    # The lines dagster-dbt reads from `dbt --log-format json`: info (name, level, msg) and data.
    assert {"MainReportVersion", "LogStartLine", "LogModelResult"} <= set(_names(events))
    assert all(event["info"]["level"] != "debug" for event in events)  # type: ignore[index]
    finished = [event for event in events if event["info"]["name"] == "LogModelResult"]  # type: ignore[index]
    assert finished[0]["data"]["node_info"]["unique_id"] == "model.tiny.fine"  # type: ignore[index]
    # dbt-duckdb's instance is closed: the file opens read-only here, and in any other process.
    with duckdb.connect(os.environ["TINY_DB"], read_only=True) as con:
        assert con.execute("select x, label from main.fine").fetchall() == [(1, "first")]


def test_a_failed_node_exits_1_and_dbt_that_cannot_run_exits_2(tiny: Path) -> None:
    code, events = _run(_args(tiny, "build"))
    assert code == 1
    errors = [e["info"]["msg"] for e in events if e["info"]["level"] == "error"]  # type: ignore[index]
    assert any("no_such_table" in error for error in errors)

    code, events = _run(_args(tiny, "build", "--no-such-option"))
    assert code == 2
    assert [e["info"]["name"] for e in events] == ["MainEncounteredError"]  # type: ignore[index]
    assert "no-such-option" in str(events[0]["info"]["msg"])  # type: ignore[index]


def test_dbt_starts_from_the_shared_parse_while_the_environment_matches_it(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source_files = sorted(path for path in tiny.rglob("*") if path.is_file())
    env = {"TINY_DB": os.environ["TINY_DB"], "TINY_LABEL": "first"}
    cache = tmp_path / "cache"
    ensure_manifest(
        dbt_executable=DBT_EXECUTABLE,
        project_dir=tiny,
        profiles_dir=tiny,
        target_path=tmp_path / "parsed",
        source_files=source_files,
        env=env,
        cache_dir=cache,
    )
    parse = shared_parse(project_dir=tiny, source_files=source_files, env=env, cache_dir=cache)
    assert parse is not None
    manifest = preparsed(parse)
    assert manifest is not None and "model.tiny.fine" in manifest.nodes  # type: ignore[attr-defined]
    code, events = _run(_args(tiny, "build", "--select", "fine"), manifest)
    assert code == 0
    assert "ParseCmdPerfInfoPath" not in _names(events)  # no parse: the manifest was given
    # dbt changes the manifest it runs (compiled nodes; the variables it read while running, a
    # window's): the next run starts from a new one, checked against the parse's variables.
    manifest.env_vars["TINY_WINDOW"] = "2024-10-18"  # type: ignore[attr-defined]
    again = preparsed(parse)
    assert again is not None and again is not manifest
    assert "TINY_WINDOW" not in again.env_vars  # type: ignore[attr-defined]
    # A variable the project read while parsing has changed: dbt must parse again itself.
    monkeypatch.setenv("TINY_LABEL", "second")
    assert preparsed(parse) is None
    # Nothing cached, or a damaged file: dbt parses as usual.
    assert (
        shared_parse(project_dir=tiny, source_files=source_files, env=env, cache_dir=tmp_path)
        is None
    )
    damaged = tmp_path / "damaged.msgpack"
    damaged.write_bytes(parse.read_bytes()[:1000])
    assert preparsed(damaged) is None


def test_a_target_without_a_partial_parse_starts_from_the_shared_one(tmp_path: Path) -> None:
    parse = tmp_path / "cache" / "partial_parse.msgpack"
    parse.parent.mkdir()
    parse.write_bytes(b"the shared parse")
    target = tmp_path / "state" / "target"
    seed_partial_parse(parse, target)
    assert (target / "partial_parse.msgpack").read_bytes() == b"the shared parse"
    parse.write_bytes(b"a newer parse")  # the target's own, once it has one, is left alone
    seed_partial_parse(parse, target)
    assert (target / "partial_parse.msgpack").read_bytes() == b"the shared parse"
    seed_partial_parse(None, tmp_path / "other")
    assert not (tmp_path / "other").exists()
