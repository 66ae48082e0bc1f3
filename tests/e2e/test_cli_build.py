"""``market-snapshots build`` run as a user runs it: what it prints and leaves, and the no-op."""

import datetime as dt
import re
import sqlite3
from pathlib import Path

import duckdb

from dagster_project.core.dating.market_time import PKT
from dagster_project.settings import Settings
from tests.builds import copy_build, snapshot
from tests.captures import SAMPLE, day_page, write
from tests.support import run_cli


def test_build_command_publishes_and_summarises(sample_build: Settings) -> None:
    log = (sample_build.warehouse.parent.parent / "build.log").read_text(encoding="utf-8")
    assert "captures: 1 loaded" in log
    # Quiet: a line a stage, the summary and where the full log went; nothing else.
    lines = log.splitlines()
    assert len(lines) <= 25, log
    stages = [line.split(":")[0] for line in lines[:6]]
    assert stages == [
        "landing",
        "normalising",
        "dbt base models",
        "dbt daily facts",
        "publishing",
        "report",
    ], log
    assert lines[0].startswith("landing: 1 capture file, 1 new (")
    full = Path(lines[-1].removeprefix("log: "))
    assert full.parent == sample_build.state_dir / "logs"
    text = full.read_text(encoding="utf-8")
    assert "Finished dbt command" in text and re.search(r"^1 of \d+ START ", text, re.M)
    assert " - WARNING - " not in text  # a clean build warns of nothing (every dbt test a check)
    con = duckdb.connect(str(sample_build.warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from marts.fct_daily_movers").fetchall() == [(30,)]
    finally:
        con.close()
    state = sample_build.warehouse.parent / ".state"
    assert (state / "work.duckdb").exists()
    assert (state / "dagster_home" / "dagster.yaml").exists()
    assert " " in sample_build.raw_dir.name  # a raw dir whose path holds a space
    assert [
        path.relative_to(sample_build.raw_dir).as_posix()
        for path in sample_build.raw_dir.rglob("*")
    ] == ["samples", f"samples/{SAMPLE.name}"]


def _runs_recorded(state: Path) -> int:
    con = sqlite3.connect(state / "dagster_home" / "history" / "runs.db")
    try:
        return int(con.execute("select count(*) from runs").fetchone()[0])
    finally:
        con.close()


def _imported_dagster(stderr: str) -> bool:
    """Whether ``-X importtime`` output (PYTHONPROFILEIMPORTTIME) shows the dagster package."""
    return any(line.rsplit("|", 1)[-1].strip() == "dagster" for line in stderr.splitlines())


def test_a_second_build_is_identical_and_a_third_with_nothing_new_does_nothing(
    sample_build: Settings, tmp_path: Path
) -> None:
    """A build over a built warehouse leaves every mart as it was; the next one, with nothing
    new, runs neither Dagster nor dbt (nor imports them) and leaves the warehouse alone. That a
    touched capture (same bytes, a new file time) is worth a build again is the build stamp's
    rule: ``tests/core/build/test_stamp.py::test_a_touched_capture_builds``."""
    copied = copy_build(sample_build, tmp_path)  # the stamp names the original: a real build
    raw, warehouse = copied.raw_dir, copied.warehouse
    state = warehouse.parent / ".state"
    args = ("build", "--raw-dir", str(raw), "--warehouse", str(warehouse))
    first = run_cli(*args)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "nothing new" not in first.stdout
    assert snapshot(warehouse) == snapshot(sample_build.warehouse)
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


def test_a_capture_before_the_first_session_extends_the_partitions(
    sample_build: Settings, tmp_path: Path
) -> None:
    """The partitions begin at the first session built (the sample's day); a capture of the day
    before is recorded as the new first session and the build goes on in a process whose
    definitions offer it."""
    assert (sample_build.state_dir / "first_session").read_text() == "2024-10-18\n"
    copied = copy_build(sample_build, tmp_path)
    thursday = dt.date(2024, 10, 17)
    write(
        copied.raw_dir / "thursday" / "page.txt",
        day_page(thursday, -5),
        captured_at=dt.datetime(2024, 10, 17, 18, 0, tzinfo=PKT),
    )
    done = run_cli("build", "--raw-dir", str(copied.raw_dir), "--warehouse", str(copied.warehouse))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "history: a capture reaches back to 2024-10-17" in done.stdout
    assert "market dates: 2 (2024-10-17 … 2024-10-18)" in done.stdout, done.stdout
    assert (copied.state_dir / "first_session").read_text() == "2024-10-17\n"
