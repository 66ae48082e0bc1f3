"""What the normalise steps report (``defs/normalised/summary.py``): counts, samples, and each
table's metadata in the UI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg

from dagster_project.core.dating.calendar import psx_calendar
from dagster_project.core.normalise.pending import NORMALISED_TABLES, Normaliser, normalise_pending
from dagster_project.core.raw.landing import inventory
from dagster_project.core.reference import read_index_codes
from dagster_project.core.warehouse.database import connect, replace_table
from dagster_project.defs.normalised.summary import summary, table_metadata
from dagster_project.settings import HOLIDAYS_SEED, INDEX_CODES_SEED
from tests.captures import SAMPLE, write


def test_each_table_reports_its_new_rows_partitions_and_samples(tmp_path: Path) -> None:
    raw, work_db, lake = tmp_path / "raw", tmp_path / "work.duckdb", tmp_path / "lake"
    write(raw / "undated.txt", SAMPLE.read_bytes(), captured_at=dt.datetime(2024, 10, 18, 12))
    write(raw / "junk.txt", "no ticker here\n", captured_at=dt.datetime(2024, 10, 18, 13))
    with connect(work_db) as con:
        replace_table(con, "landing", "capture_files", inventory(raw).files)
    normaliser = Normaliser(
        calendar=psx_calendar(HOLIDAYS_SEED),
        index_codes=read_index_codes(INDEX_CODES_SEED),
        max_bytes=5_000_000,
        html_timeout=20.0,
        version="v1",
    )
    done = normalise_pending(work_db, lake, raw, normaliser)
    result = summary(done.tables, done.stored)
    assert result.stored is done.stored
    assert summary(done.tables, done.stored, in_process=False).stored is None

    metadata = table_metadata([result], done, lake)
    assert tuple(metadata) == NORMALISED_TABLES
    assert {table: values["new_rows"] for table, values in metadata.items()} == {
        table: frame.height for table, frame in done.tables.items()
    }
    assert metadata["quotes"]["new_rows"] == 30
    # The sample's date, and the junk's null date (no date anywhere: the default partition).
    assert metadata["quotes"]["partitions_rewritten"] == 2
    assert metadata["quotes"]["partitions"] == metadata["quotes"]["partitions_reloaded"] == 1
    assert metadata["quotes"]["lake"] == dg.MetadataValue.path(str(lake / "quotes"))
    captures = metadata["captures"]
    assert (captures["new_captures"], captures["late_captures"]) == (2, 2)
    assert "no ticker" in str(captures["rejected_captures"])
    assert "sample" in metadata["rejected_lines"]
    assert isinstance(metadata["headlines"]["headlines"], dg.MarkdownMetadataValue)
