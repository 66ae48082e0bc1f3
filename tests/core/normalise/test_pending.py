"""``core/normalise/pending.py``: which captures the lake lacks, their batches, and normalising
them into the lake and its mirror in the working database (what the normalise steps run)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from dagster_project.core.dating.calendar import psx_calendar
from dagster_project.core.errors import LakeError, WarehouseError
from dagster_project.core.lake import files as lake_files
from dagster_project.core.normalise.captures import CaptureSource
from dagster_project.core.normalise.pending import (
    NORMALISED_TABLES,
    Normaliser,
    landed_files,
    normalise_pending,
    pending_sources,
    plan,
    repairing,
    store_batch,
)
from dagster_project.core.raw.landing import inventory
from dagster_project.core.reference import read_index_codes
from dagster_project.core.warehouse.database import connect, replace_table
from dagster_project.settings import HOLIDAYS_SEED, INDEX_CODES_SEED
from tests.captures import SAMPLE, page, stock_line, write

UTC = dt.UTC
RAW = Path("/raw")


def normaliser(version: str = "v1") -> Normaliser:
    return Normaliser(
        calendar=psx_calendar(HOLIDAYS_SEED),
        index_codes=read_index_codes(INDEX_CODES_SEED),
        max_bytes=5_000_000,
        html_timeout=20.0,
        version=version,
    )


def files(*rows: tuple[str, str, int]) -> pl.DataFrame:
    """Capture files: (source_path, sha256, hour captured on 18 Oct 2024)."""
    return pl.DataFrame(
        {
            "source_path": [row[0] for row in rows],
            "sha256": [row[1] for row in rows],
            "byte_size": [10] * len(rows),
            "captured_at": [dt.datetime(2024, 10, 18, row[2], tzinfo=UTC) for row in rows],
        }
    )


def test_one_source_per_capture_its_first_file_by_time_then_path() -> None:
    found = pending_sources(
        files(("b.txt", "x", 9), ("a.txt", "x", 9), ("c.txt", "y", 8), ("0.txt", "x", 10)),
        None,
        RAW,
        version="v1",
    )
    assert found == [
        CaptureSource("y", RAW / "c.txt", 10),
        CaptureSource("x", RAW / "a.txt", 10),
    ]


def test_a_capture_in_the_lake_at_this_version_is_not_pending_at_another_it_is() -> None:
    landed = files(("a.txt", "x", 9), ("b.txt", "y", 10), ("c.txt", "z", 11))
    done = pl.DataFrame({"sha256": ["x", "y"], "normaliser_version": ["v1", "v0"]})
    assert [s.sha256 for s in pending_sources(landed, done, RAW, version="v1")] == ["y", "z"]
    # A lake written before versions were stored: everything is pending.
    legacy = pl.DataFrame({"sha256": ["x", "y"]})
    assert len(pending_sources(landed, legacy, RAW, version="v1")) == 3


def test_no_sources_give_every_table_empty_and_the_captures_their_version() -> None:
    tables = normaliser("v7").tables([])
    assert tuple(tables) == NORMALISED_TABLES
    assert all(frame.height == 0 for frame in tables.values())
    assert tables["captures"].schema["normaliser_version"] == pl.String()


def test_landing_must_have_run(tmp_path: Path) -> None:
    with connect(tmp_path / "work.duckdb") as con, pytest.raises(WarehouseError, match="landing"):
        landed_files(con)


@pytest.fixture
def landed(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A raw dir of a dated capture (the sample, dated by its name) and one dated only by its
    page, landed in a working database; and an empty lake."""
    raw, work_db, lake = tmp_path / "raw", tmp_path / "work.duckdb", tmp_path / "lake"
    write(raw / SAMPLE.name, SAMPLE.read_bytes(), captured_at=dt.datetime(2024, 10, 18, 12))
    thursday = page(dt.date(2024, 10, 17), [stock_line("HUBC", "96.80", "2.30")])
    write(raw / "undated.txt", thursday, captured_at=dt.datetime(2024, 10, 17, 16))
    with connect(work_db) as con:
        replace_table(con, "landing", "capture_files", inventory(raw).files)
    return raw, work_db, lake


def test_batches_then_the_late_capture_fill_the_lake_and_its_mirror(
    landed: tuple[Path, Path, Path],
) -> None:
    raw, work_db, lake = landed
    parser = normaliser()
    split = plan(work_db, lake, raw, parser, parts=2)
    assert [len(batch.sources) for batch in split.batches] == [1]
    assert [source.path.name for source in split.late] == ["undated.txt"]

    tables, stored = store_batch(lake, parser, split.batches[0])
    assert tables["quotes"].height == 30
    assert stored is not None and stored.capture_dates == [dt.date(2024, 10, 18)]

    done = normalise_pending(work_db, lake, raw, parser)
    assert [source.path.name for source in done.sources] == ["undated.txt"]
    assert done.tables["quotes"]["symbol"].to_list() == ["HUBC"]
    assert done.stored is not None and done.stored.capture_dates == [dt.date(2024, 10, 17)]
    assert done.synced["quotes"].partitions == 2
    with connect(work_db) as con:
        assert con.sql("select count(*) from normalised.quotes").fetchall() == [(31,)]

    again = normalise_pending(work_db, lake, raw, parser)
    assert (again.sources, again.stored) == ([], None)
    assert plan(work_db, lake, raw, parser, parts=2).steps()[0].sources == []
    # A new normaliser version makes every capture pending again.
    assert len(plan(work_db, lake, raw, normaliser("v2"), parts=1).batches[0].sources) == 1


def test_a_damaged_lake_file_is_removed_and_the_work_done_again(
    landed: tuple[Path, Path, Path],
) -> None:
    raw, work_db, lake = landed
    normalise_pending(work_db, lake, raw, normaliser())
    damaged = lake_files.partition_file(lake, "quotes", dt.date(2024, 10, 18))
    damaged.write_bytes(b"not parquet")
    told: list[str] = []
    attempts: list[int] = []

    def work() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise LakeError("a lake file cannot be read")
        return "done"

    assert repairing(lake, work, on_repair=told.append) == "done"
    assert len(attempts) == 2
    assert not damaged.exists()
    assert not lake_files.partition_file(lake, "captures", dt.date(2024, 10, 18)).exists()
    assert len(told) == 1 and "removed 2 damaged lake file(s)" in told[0]
    # Its captures are parsed again: the sample is pending once more.
    again = normalise_pending(work_db, lake, raw, normaliser())
    assert [source.path.name for source in again.sources] == [SAMPLE.name]


def test_a_lake_error_without_a_damaged_file_is_raised(tmp_path: Path) -> None:
    def work() -> None:
        raise LakeError("something else")

    told: list[str] = []
    with pytest.raises(LakeError, match="something else"):
        repairing(tmp_path / "lake", work, on_repair=told.append)
    assert told == []
