"""Splitting the pending captures into batches of capture dates that never share a partition."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from dagster_project.core.lake.files import Stored
from dagster_project.core.normalise.batches import capture_dates, combined, split_pending
from dagster_project.core.normalise.captures import CaptureSource

D1, D2, D3, D4 = (dt.date(2024, 10, day) for day in (14, 15, 16, 17))


def _files(*rows: tuple[str, dt.date | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "sha256": [sha for sha, _ in rows],
            "source_path": [f"{sha}.txt" for sha, _ in rows],
            "captured_at": [dt.datetime(2024, 10, 1, tzinfo=dt.UTC)] * len(rows),
            "file_date": [day for _, day in rows],
        },
        schema={
            "sha256": pl.String(),
            "source_path": pl.String(),
            "captured_at": pl.Datetime("us", "UTC"),
            "file_date": pl.Date(),
        },
    )


def _sources(*shas: str) -> list[CaptureSource]:
    return [CaptureSource(sha256=sha, path=Path(f"{sha}.txt"), byte_size=1) for sha in shas]


def _index(*rows: tuple[str, dt.date | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {"sha256": [sha for sha, _ in rows], "capture_date": [day for _, day in rows]},
        schema={"sha256": pl.String(), "capture_date": pl.Date()},
    )


def test_dated_captures_go_to_consecutive_batches_of_about_equal_size() -> None:
    files = _files(("a", D1), ("b", D1), ("c", D2), ("d", D3), ("e", D4), ("f", D4))
    split = split_pending(_sources(*"abcdef"), files, None, parts=2)
    assert [batch.key for batch in split.batches] == ["d20241014_20241015", "d20241016_20241017"]
    assert [[s.sha256 for s in batch.sources] for batch in split.batches] == [
        ["a", "b", "c"],
        ["d", "e", "f"],
    ]
    assert split.batches[0].capture_dates.rows() == [("a", D1), ("b", D1), ("c", D2)]
    assert split.late == []


def test_a_batch_holds_at_most_the_byte_budget_and_a_date_is_never_split_for_it() -> None:
    """Memory is bounded by a batch: one process parses as many batches as the budget needs."""
    files = _files(("a", D1), ("b", D1), ("c", D2), ("d", D3), ("e", D4), ("f", D4))
    sources = [
        CaptureSource(sha256=sha, path=Path(f"{sha}.txt"), byte_size=size)
        for sha, size in zip("abcdef", (40, 40, 30, 60, 10, 10), strict=True)
    ]
    split = split_pending(sources, files, None, parts=1, max_bytes=80)
    assert [[s.sha256 for s in batch.sources] for batch in split.batches] == [
        ["a", "b"],
        ["c"],
        ["d", "e", "f"],
    ]
    assert [batch.alone for batch in split.batches] == [False, False, False]
    # One date over the budget is still one batch: a partition is written by one step.
    over = split_pending(sources, files, None, parts=1, max_bytes=50)
    assert [s.sha256 for s in over.batches[0].sources] == ["a", "b"]
    assert all(batch.alone for batch in split_pending(sources, files, None, parts=1).batches)


def test_one_part_is_one_batch_and_more_parts_than_dates_is_one_batch_a_date() -> None:
    files = _files(("a", D1), ("b", D2), ("c", D3))
    assert len(split_pending(_sources(*"abc"), files, None, parts=1).batches) == 1
    many = split_pending(_sources(*"abc"), files, None, parts=8)
    assert [batch.key for batch in many.batches] == [
        "d20241014_20241014",
        "d20241015_20241015",
        "d20241016_20241016",
    ]


def test_a_date_is_never_split_between_batches() -> None:
    files = _files(*((f"s{i}", D1) for i in range(9)), ("z", D2))
    split = split_pending(_sources(*(f"s{i}" for i in range(9)), "z"), files, None, parts=4)
    dates = [set(batch.capture_dates["capture_date"].to_list()) for batch in split.batches]
    assert dates == [{D1}, {D2}]


def test_captures_without_a_file_date_and_captures_that_would_move_are_late() -> None:
    files = _files(("a", D1), ("undated", None), ("moves", D2), ("stays", D3))
    index = _index(("moves", D1), ("stays", D3), ("other", D3))
    split = split_pending(_sources("a", "undated", "moves", "stays"), files, index, parts=2)
    assert [s.sha256 for s in split.late] == ["undated", "moves"]
    batched = {s.sha256 for batch in split.batches for s in batch.sources}
    assert batched == {"a", "stays"}
    held = {batch.key: batch.index for batch in split.batches}
    assert held["d20241016_20241016"] is not None
    assert sorted(held["d20241016_20241016"]["sha256"].to_list()) == ["other", "stays"], (
        "a batch knows what its partitions already hold, so it keeps those rows"
    )
    assert held["d20241014_20241014"] is not None
    assert held["d20241014_20241014"]["sha256"].to_list() == ["moves"], (
        "the partition a late capture leaves is rewritten keeping it; the late step moves it"
    )


def test_the_first_file_dates_a_capture_seen_in_several_files() -> None:
    files = pl.concat(
        [
            _files(("a", D2)).with_columns(pl.lit("z.txt").alias("source_path")),
            _files(("a", D1)),
        ]
    )
    split = split_pending(_sources("a"), files, None, parts=2)
    assert split.batches[0].capture_dates.rows() == [("a", D1)]


def test_nothing_pending_is_no_batch_and_parts_below_one_are_refused() -> None:
    assert split_pending([], _files(("a", D1)), None, parts=2).batches == []
    with pytest.raises(ValueError, match="at least 1"):
        split_pending([], _files(), None, parts=0)


def test_combined_joins_what_batches_stored() -> None:
    one = Stored([D1], {"quotes": pl.DataFrame({"x": [1]})})
    two = Stored([D2, None], {"quotes": pl.DataFrame({"x": [2]}), "captures": pl.DataFrame()})
    both = combined([two, None, one])
    assert both is not None
    assert both.capture_dates == [None, D1, D2]
    assert sorted(both.rows["quotes"]["x"].to_list()) == [1, 2]
    assert set(both.rows) == {"quotes", "captures"}
    assert combined([None]) is None


def test_capture_dates_prefer_the_first_files_date_then_the_page_date() -> None:
    files = pl.DataFrame(
        {
            "sha256": ["a", "a", "b", "c"],
            "source_path": ["z.txt", "y.txt", "b.txt", "c.txt"],
            "captured_at": [None, None, None, None],
            "file_date": [D2, D1, None, None],
        },
        schema_overrides={"captured_at": pl.Datetime("us", "UTC"), "file_date": pl.Date()},
    )
    captures = pl.DataFrame(
        {"sha256": ["a", "b", "c"], "page_date": [None, D2, None]},
        schema_overrides={"page_date": pl.Date()},
    )
    dates = capture_dates(files, captures)
    assert dates.sort("sha256").rows() == [("a", D1), ("b", D2), ("c", None)]
