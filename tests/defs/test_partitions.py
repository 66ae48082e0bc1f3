"""The daily partitions are PSX sessions from the history start; imports change no environment."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from dagster_project.core.dating.calendar import psx_calendar
from dagster_project.core.errors import ConfigError
from dagster_project.defs.partitions import (
    HISTORY_START,
    check_in_history,
    empty_window,
    market_date_partitions,
    psx_holidays,
    sessions_in,
)
from dagster_project.settings import DEFAULT_HISTORY_START, HOLIDAYS_SEED
from tests.support import user_env

KASHMIR_DAY_2024 = dt.date(2024, 2, 5)  # a Monday, a PSX holiday


def test_partitions_are_the_psx_sessions_from_the_history_start() -> None:
    keys = market_date_partitions.get_partition_keys()
    assert HISTORY_START == DEFAULT_HISTORY_START
    calendar = psx_calendar(HOLIDAYS_SEED)
    first = min(
        day for day in calendar.sessions_until(dt.date(2015, 1, 31)) if day >= HISTORY_START
    )
    assert keys[0] == first.isoformat()
    days = [dt.date.fromisoformat(key) for key in keys]
    assert all(calendar.is_session(day) for day in days)
    assert "2024-10-18" in keys and KASHMIR_DAY_2024.isoformat() not in keys
    assert "2024-10-19" not in keys  # a Saturday
    # Every session of 2024 is a partition, and nothing else is.
    sessions_2024 = {
        day for day in calendar.sessions_until(dt.date(2024, 12, 31)) if day.year == 2024
    }
    assert {day for day in days if day.year == 2024} == sessions_2024
    assert KASHMIR_DAY_2024 in psx_holidays(dt.date(2024, 2, 1), dt.date(2024, 2, 29))


def test_ranges_snap_to_sessions_and_the_history_start_is_enforced() -> None:
    assert sessions_in(dt.date(2024, 2, 3), dt.date(2024, 2, 5)) is None  # Sat, Sun, holiday
    assert sessions_in(dt.date(2024, 10, 12), dt.date(2024, 10, 20)) == (
        dt.date(2024, 10, 14),
        dt.date(2024, 10, 18),
    )
    day = dt.date.fromisoformat(market_date_partitions.get_last_partition_key() or "")
    assert empty_window() == (day, day)
    check_in_history((HISTORY_START, dt.date(2024, 10, 18)))
    with pytest.raises(ConfigError, match="MARKET_HISTORY_START=2014-12-31"):
        check_in_history((dt.date(2014, 12, 31), dt.date(2024, 10, 18)))


def _in_subprocess(code: str, **env: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env=user_env(**env),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def test_the_history_start_is_configurable() -> None:
    code = (
        "from dagster_project.defs.partitions import market_date_partitions as p; "
        "print(p.get_partition_keys()[0])"
    )
    assert _in_subprocess(code, MARKET_HISTORY_START="2020-11-02") == "2020-11-02"


def test_importing_the_dbt_assets_changes_no_environment_variable() -> None:
    """Not ours, not dbt's, not Dagster's (polars sets its allocator's, which is its business)."""
    code = (
        "import json, os; before = dict(os.environ); "
        "import dagster_project.defs.transform.dbt; "
        "changed = set(os.environ.items()) ^ set(before.items()); "
        "print(json.dumps(sorted(item for item in changed "
        "if item[0].startswith(('MARKET_', 'DBT_', 'DAGSTER_')))))"
    )
    assert json.loads(_in_subprocess(code)) == []


def test_the_partitions_begin_at_the_first_session_built(tmp_path: Path) -> None:
    """A one-day warehouse shows one partition, not eleven years of missing ones."""
    (tmp_path / "first_session").write_text("2024-10-18\n")
    code = (
        "from dagster_project.defs.partitions import market_date_partitions as p; "
        "print(p.get_partition_keys()[0])"
    )
    assert _in_subprocess(code, MARKET_STATE_DIR=str(tmp_path)) == "2024-10-18"
    # Never before the history start, which stays the floor.
    assert (
        _in_subprocess(code, MARKET_STATE_DIR=str(tmp_path), MARKET_HISTORY_START="2024-12-02")
        == "2024-12-02"
    )
