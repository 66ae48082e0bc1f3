"""``cli/progress.py``: the stages a build's log tells, one plain line each, and its log files."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

from dagster_project.cli.progress import LOGS_KEPT, BuildProgress, Stage, new_log_path, stage_of

RUN = "0f6f4a51-3bb4-4bd6-a1d5-2fbb7b2a9d35"


def dagster(step: str, message: str, *, pid: str = "") -> str:
    """A line of Dagster's console log (``pid`` as DEBUG lines carry it)."""
    return (
        f"2026-12-07 07:10:16 +0000 - dagster - INFO - ingest_captures - {RUN} - "
        f"{pid + ' - ' if pid else ''}{step} - {message}"
    )


def test_each_stage_ends_when_the_next_begins_with_what_it_counted() -> None:
    ended: list[Stage] = []
    progress = BuildProgress(on_end=ended.append)
    lines = [
        dagster("capture_files", "landed 3 capture files, 2 new"),
        dagster("normalised_captures.plan_normalise", "2 dated capture(s) in 1 batch(es)"),
        dagster("normalised_captures.mirror_normalised", "normalised 2 new captures"),
        "Running with dbt=1.11.16",
        dagster("market_dbt_models", "Running dbt command: `dbt build`", pid="4242"),
        "1 of 119 START sql view model staging.stg_brecorder__capture_files ...... [RUN]",
        "1 of 119 OK created sql view model staging.stg_brecorder__quotes [\x1b[32mOK\x1b[0m]",
        "2 of 119 START seed file reference.psx_holidays ........................ [RUN]",
    ]
    for line in lines:
        progress.feed(line)
    assert [stage.name for stage in ended] == ["landing", "normalising"]
    assert [stage.count for stage in ended] == ["3 capture files, 2 new", "2 new captures"]
    running = progress.current
    assert running is not None and running.name == "dbt base models"
    assert (running.done, running.total, running.node) == (
        2,
        119,
        "seed file reference.psx_holidays",
    )
    progress.feed(dagster("warehouse__published", "published 10 tables to /w/market.duckdb"))
    progress.feed(dagster("reports__market_report", "wrote /w/reports/day.html"))
    progress.feed(dagster("rejected_line_rate", "a check of no stage"))
    progress.finish()
    assert [stage.name for stage in ended] == [
        "landing",
        "normalising",
        "dbt base models",
        "publishing",
        "report",
    ]
    assert ended[2].done == ended[2].total == 119
    assert ended[3].count == "10 tables" and ended[4].count == "/w/reports/day.html"
    assert all(later.started == earlier.ended for earlier, later in itertools.pairwise(ended))
    assert ended[2].line().startswith("dbt base models: 119 nodes (")
    assert progress.current is None


def test_a_line_of_no_stage_changes_nothing() -> None:
    progress = BuildProgress()
    for line in ("", "Found 31 models", "12 of 63 START model marts.fct_daily_movers [RUN]"):
        progress.feed(line)
    assert progress.stages == []
    assert stage_of("market_dbt_models_3") == "dbt base models"
    assert stage_of("market_dbt_daily_facts") == "dbt daily facts"
    assert stage_of("latest_market_date_is_fresh") is None


def test_build_logs_are_new_files_and_the_oldest_go(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    for number in range(LOGS_KEPT + 5):
        (logs / f"build-20261201T0000{number:02d}Z.log").touch()
    path = new_log_path(tmp_path)
    assert path.parent == logs and path.name.startswith("build-") and not path.exists()
    path.touch()
    kept = sorted(logs.glob("build-*.log"))
    assert len(kept) == LOGS_KEPT and kept[0].name == "build-20261201T000006Z.log"
    assert new_log_path(tmp_path) != path  # a second build in the same second


def test_the_build_output_goes_to_the_log_and_a_line_a_stage_to_the_terminal(
    tmp_path: Path,
) -> None:
    """A child process writes as the runs do (Python, and a process it starts); the terminal,
    here a pipe, gets one line per stage."""
    script = f"""
import subprocess, sys
from pathlib import Path
from dagster_project.cli.progress import shown_build
with shown_build(Path({str(tmp_path)!r}), verbose=False) as log:
    print({dagster("capture_files", "landed 1 capture file, 1 new")!r})
    print("some dbt line", file=sys.stderr)
    subprocess.run(["echo", {dagster("warehouse__published", "published 2 tables to w")!r}])
print("log:", log)
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )
    lines = done.stdout.splitlines()
    assert [line.split(" (")[0] for line in lines[:2]] == [
        "landing: 1 capture file, 1 new",
        "publishing: 2 tables",
    ]
    log = Path(lines[2].removeprefix("log: "))
    assert log.parent == tmp_path / "logs"
    text = log.read_text()
    assert "some dbt line" in text and "published 2 tables" in text
    assert done.stderr == ""
