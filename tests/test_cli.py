"""The ``market-snapshots`` command, run as a user runs it."""

import fcntl
import shutil
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
