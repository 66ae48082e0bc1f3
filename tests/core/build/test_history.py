"""The first session recorded by the builds, and where the daily partitions begin."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dagster_project.core.build.history import (
    FIRST_SESSION_FILE,
    HistoryExtendedError,
    partitions_start,
    record_first_session,
    recorded_first_session,
)
from dagster_project.core.errors import ConfigError

FLOOR = dt.date(2015, 1, 1)
THU, FRI = dt.date(2024, 10, 17), dt.date(2024, 10, 18)


def test_nothing_recorded_starts_the_partitions_at_the_history_start(tmp_path: Path) -> None:
    assert recorded_first_session(tmp_path) is None
    assert partitions_start(FLOOR, None) == FLOOR


def test_the_partitions_start_at_the_first_session_never_before_the_history_start() -> None:
    assert partitions_start(FLOOR, FRI) == FRI
    assert partitions_start(dt.date(2024, 12, 2), FRI) == dt.date(2024, 12, 2)


def test_the_earliest_date_built_is_kept_and_a_full_rebuild_records_its_own(
    tmp_path: Path,
) -> None:
    assert record_first_session(tmp_path, FRI, full_rebuild=False) == FRI
    assert record_first_session(tmp_path, dt.date(2024, 10, 21), full_rebuild=False) == FRI
    assert record_first_session(tmp_path, THU, full_rebuild=False) == THU
    assert recorded_first_session(tmp_path) == THU
    # A full rebuild builds every date there is: the history may have shrunk.
    assert record_first_session(tmp_path, FRI, full_rebuild=True) == FRI
    assert (tmp_path / FIRST_SESSION_FILE).read_text() == "2024-10-18\n"
    assert [path.name for path in tmp_path.iterdir()] == [FIRST_SESSION_FILE]


def test_an_unreadable_record_is_no_record(tmp_path: Path) -> None:
    (tmp_path / FIRST_SESSION_FILE).write_text("18 Oct\n")
    assert recorded_first_session(tmp_path) is None
    assert record_first_session(tmp_path, FRI, full_rebuild=False) == FRI


def test_an_earlier_date_than_the_loaded_partitions_asks_for_a_reload() -> None:
    error = HistoryExtendedError(THU, FRI)
    assert isinstance(error, ConfigError) and error.day == THU
    assert "before the first daily partition 2024-10-18" in str(error)
    assert "reload the definitions" in str(error)
