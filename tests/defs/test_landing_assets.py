"""Materialise landing for real over a temp raw dir: its three tables, in the working database
and the lake."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from dagster_project.core.raw.listing import SYMLINK_LOOP
from dagster_project.defs.landing.assets import (
    CAPTURE_FILES,
    PSX_SESSIONS,
    SKIPPED_FILES,
    capture_files,
)
from dagster_project.defs.resources import MarketResource


def test_landing_writes_the_captures_and_the_files_it_could_not_read(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "new.txt").write_text("a capture")
    (raw / "a.txt").symlink_to("b.txt")
    (raw / "b.txt").symlink_to("a.txt")
    market = MarketResource(
        raw_dir=str(raw),
        warehouse=str(tmp_path / "warehouse" / "market.duckdb"),
        state_dir=str(tmp_path / "state"),
    )
    result = dg.materialize([capture_files], resources={"market": market})
    assert result.success
    events = {
        event.asset_key: event.step_materialization_data.materialization.metadata
        for event in result.get_asset_materialization_events()
    }
    assert events[CAPTURE_FILES]["skipped_files"].value == 2
    assert events[SKIPPED_FILES]["dagster/row_count"].value == 2
    settings = market.settings()
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        landed = con.sql("select source_path from landing.capture_files").fetchall()
        skipped = con.sql("select * from landing.skipped_files order by 1").fetchall()
    assert landed == [("new.txt",)]
    assert skipped == [("a.txt", SYMLINK_LOOP), ("b.txt", SYMLINK_LOOP)]
    lake_file = settings.lake / "skipped_files" / "data.parquet"
    assert pl.read_parquet(lake_file).rows() == skipped
    # The PSX calendar that dated them, to a year ahead, for the warehouse to count sessions.
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        [(first, last, count)] = con.sql(
            "select min(session_date), max(session_date), count(*) from landing.psx_sessions"
        ).fetchall()
    assert str(first) == "2000-01-03" and count > 6000
    assert events[PSX_SESSIONS]["dagster/row_count"].value == count
    assert events[PSX_SESSIONS]["last_session"].value == str(last)
    sessions = pl.read_parquet(settings.lake / "psx_sessions" / "data.parquet")
    assert sessions.height == count
