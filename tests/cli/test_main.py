"""The ``market-snapshots`` command, run as a user runs it."""

import fcntl
import os
import shutil
import sqlite3
import time
from pathlib import Path

import duckdb

from dagster_project.settings import make_settings
from tests.captures import SAMPLE
from tests.support import run_cli


def test_build_command_publishes_and_summarises(tmp_path: Path) -> None:
    raw = tmp_path / "my captures"
    raw.mkdir()
    shutil.copy2(SAMPLE, raw / "page.txt")
    warehouse = tmp_path / "out" / "market.duckdb"
    done = run_cli("build", "--raw-dir", str(raw), "--warehouse", str(warehouse))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "captures: 1 loaded" in done.stdout
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from marts.fct_daily_movers").fetchall() == [(30,)]
    finally:
        con.close()
    state = tmp_path / "out" / ".state"
    assert (state / "work.duckdb").exists()
    assert (state / "dagster_home" / "dagster.yaml").exists()
    assert sorted(path.name for path in raw.iterdir()) == ["page.txt"]


def test_a_second_build_while_one_runs_fails_fast(tmp_path: Path) -> None:
    settings = make_settings(raw_dir=tmp_path / "raw", warehouse=tmp_path / "market.duckdb")
    settings.state_dir.mkdir(parents=True)
    (tmp_path / "raw").mkdir()
    with settings.build_lock.open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        done = run_cli(
            "build", "--raw-dir", str(tmp_path / "raw"), "--warehouse", str(settings.warehouse)
        )
    assert done.returncode == 2
    assert "another build is running" in done.stderr
    assert not settings.warehouse.exists()


def test_bad_configuration_is_a_clear_error(tmp_path: Path) -> None:
    done = run_cli("build", "--raw-dir", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb"))
    assert done.returncode == 2
    assert "must not be inside the raw dir" in done.stderr


def _runs_recorded(state: Path) -> int:
    con = sqlite3.connect(state / "dagster_home" / "history" / "runs.db")
    try:
        return int(con.execute("select count(*) from runs").fetchone()[0])
    finally:
        con.close()


def _imported_dagster(stderr: str) -> bool:
    """Whether ``-X importtime`` output (PYTHONPROFILEIMPORTTIME) shows the dagster package."""
    return any(line.rsplit("|", 1)[-1].strip() == "dagster" for line in stderr.splitlines())


def test_a_build_with_nothing_new_does_nothing(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy2(SAMPLE, raw / SAMPLE.name)
    warehouse = tmp_path / "wh" / "market.duckdb"
    state = warehouse.parent / ".state"
    args = ("build", "--raw-dir", str(raw), "--warehouse", str(warehouse))
    first = run_cli(*args)
    assert first.returncode == 0, first.stderr[-3000:]
    runs, published = _runs_recorded(state), warehouse.stat().st_mtime_ns
    dbt_results = sorted((state / "dbt").rglob("run_results.json"))
    dbt_stamps = [path.stat().st_mtime_ns for path in dbt_results]

    again = run_cli(*args, PYTHONPROFILEIMPORTTIME="1")
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.startswith("nothing new: 1 captures unchanged since the last build at "), (
        again.stdout
    )
    assert f"; warehouse {warehouse} unchanged\n" in again.stdout
    assert "captures: 1 loaded" in again.stdout  # the usual closing summary
    assert not _imported_dagster(again.stderr)
    assert _runs_recorded(state) == runs  # no Dagster run
    assert [path.stat().st_mtime_ns for path in dbt_results] == dbt_stamps  # no dbt
    assert warehouse.stat().st_mtime_ns == published

    # A touched capture (same bytes, a new modification time) is worth a build again.
    os.utime(raw / SAMPLE.name, ns=(time.time_ns(), time.time_ns()))
    touched = run_cli(*args)
    assert touched.returncode == 0, touched.stderr[-3000:]
    assert "nothing new" not in touched.stdout
    assert _runs_recorded(state) > runs
    assert "captures: 1 loaded" in touched.stdout
