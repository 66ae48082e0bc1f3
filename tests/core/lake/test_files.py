"""The lake: one Parquet file per table and capture date, replaced whole, read back exactly."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dagster_project.core.errors import LakeError
from dagster_project.core.lake import files as lake

D1 = dt.date(2024, 10, 17)
D2 = dt.date(2024, 10, 18)


def _quotes(rows: list[tuple[str, int, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"sha256": pl.String(), "line_no": pl.Int32(), "symbol": pl.String()},
        orient="row",
    )


def _captures(rows: list[tuple[str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"sha256": pl.String(), "normaliser_version": pl.String()}, orient="row"
    )


def _dates(rows: list[tuple[str, dt.date | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"sha256": pl.String(), "capture_date": pl.Date()}, orient="row"
    )


def _index(root: Path) -> pl.DataFrame | None:
    return lake.read_table(root, "captures", columns=["sha256", "capture_date"])


def _sorted(frame: pl.DataFrame | None) -> pl.DataFrame:
    assert frame is not None
    return frame.sort(frame.columns)


def test_partition_names_are_hive_style_and_match_what_polars_writes(tmp_path: Path) -> None:
    assert lake.partition_name(D2) == "capture_date=2024-10-18"
    assert lake.partition_name(None) == "capture_date=__HIVE_DEFAULT_PARTITION__"
    frame = _quotes([("a", 1, "OGDC"), ("b", 1, "PPL")]).with_columns(
        capture_date=pl.Series([D2, None], dtype=pl.Date())
    )
    lake.replace_partitions(tmp_path, "quotes", frame, [D2, None])
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.parquet"))
    assert files == [
        "quotes/capture_date=2024-10-18/data.parquet",
        "quotes/capture_date=__HIVE_DEFAULT_PARTITION__/data.parquet",
    ]
    # The partition column is in the path only (Spark refuses a column in both).
    assert pl.read_parquet(tmp_path / files[0]).columns == ["sha256", "line_no", "symbol"]
    assert not list(tmp_path.glob(".*")), "the staging folder is removed"
    assert_frame_equal(_sorted(lake.read_table(tmp_path, "quotes")), _sorted(frame))


def test_store_keeps_other_captures_and_moves_a_reparsed_one(tmp_path: Path) -> None:
    lake.store(
        tmp_path,
        {
            "captures": _captures([("a", "v1"), ("b", "v1"), ("c", "v1")]),
            "quotes": _quotes([("a", 1, "OGDC"), ("b", 1, "PPL"), ("c", 1, "HBL")]),
        },
        capture_dates=_dates([("a", D1), ("b", D1), ("c", D2)]),
        index=None,
        marker="captures",
    )
    # "b" is parsed again (a new normaliser) and now dates to D2; "d" is new and undated.
    touched = lake.store(
        tmp_path,
        {
            "captures": _captures([("b", "v2"), ("d", "v2")]),
            "quotes": _quotes([("b", 1, "PPL"), ("b", 2, "PSO"), ("d", 1, "UBL")]),
        },
        capture_dates=_dates([("b", D2), ("d", None)]),
        index=_index(tmp_path),
        marker="captures",
    )
    assert touched.capture_dates == [None, D1, D2]
    # Every partition was touched (None and D2 new rows, D1 lost "b"): rows holds all of them.
    assert_frame_equal(
        _sorted(touched.rows["quotes"]),
        _sorted(lake.read_table(tmp_path, "quotes")),
    )
    quotes = _sorted(lake.read_table(tmp_path, "quotes"))
    assert quotes.rows() == [
        ("a", 1, "OGDC", D1),
        ("b", 1, "PPL", D2),
        ("b", 2, "PSO", D2),
        ("c", 1, "HBL", D2),
        ("d", 1, "UBL", None),
    ]
    assert _sorted(lake.read_table(tmp_path, "captures")).rows() == [
        ("a", "v1", D1),
        ("b", "v2", D2),
        ("c", "v1", D2),
        ("d", "v2", None),
    ]


def test_a_partition_left_empty_loses_its_file(tmp_path: Path) -> None:
    first = {"captures": _captures([("a", "v1")]), "quotes": _quotes([("a", 1, "OGDC")])}
    lake.store(tmp_path, first, capture_dates=_dates([("a", D1)]), index=None, marker="captures")
    again = {"captures": _captures([("a", "v2")]), "quotes": _quotes([])}
    lake.store(
        tmp_path,
        again,
        capture_dates=_dates([("a", D2)]),
        index=_index(tmp_path),
        marker="captures",
    )
    assert not (tmp_path / "quotes").exists() or not any((tmp_path / "quotes").iterdir())
    assert lake.read_table(tmp_path, "quotes") is None
    assert _sorted(lake.read_table(tmp_path, "captures")).rows() == [("a", "v2", D2)]


def test_rows_of_a_capture_without_a_date_entry_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not in capture_dates"):
        lake.store(
            tmp_path,
            {"captures": _captures([("a", "v1")]), "quotes": _quotes([("z", 1, "OGDC")])},
            capture_dates=_dates([("a", D1)]),
            index=None,
            marker="captures",
        )
    assert lake.read_table(tmp_path, "captures") is None, "nothing is marked done"


def test_the_marker_table_is_written_last(tmp_path: Path) -> None:
    """A run killed after the quotes but before the captures is redone, never half-kept."""
    written: list[str] = []
    original = lake.replace_partitions

    def spy(root: Path, table: str, frame: pl.DataFrame, dates: object) -> None:
        written.append(table)
        original(root, table, frame, dates)  # type: ignore[arg-type]

    pytest.MonkeyPatch().setattr(lake, "replace_partitions", spy)
    try:
        lake.store(
            tmp_path,
            {
                "captures": _captures([("a", "v1")]),
                "quotes": _quotes([("a", 1, "OGDC")]),
                "headlines": pl.DataFrame({"sha256": ["a"]}),
            },
            capture_dates=_dates([("a", D1)]),
            index=None,
            marker="captures",
        )
    finally:
        pytest.MonkeyPatch().undo()
        lake.replace_partitions = original
    assert written[-1] == "captures" and sorted(written) == ["captures", "headlines", "quotes"]


def test_an_unpartitioned_table_is_one_file_replaced_whole(tmp_path: Path) -> None:
    first = lake.replace_table(tmp_path, "capture_files", pl.DataFrame({"sha256": ["a", "b"]}))
    second = lake.replace_table(tmp_path, "capture_files", pl.DataFrame({"sha256": ["c"]}))
    assert first == second == tmp_path / "capture_files" / "data.parquet"
    assert pl.read_parquet(second)["sha256"].to_list() == ["c"]
    assert [p.name for p in (tmp_path / "capture_files").iterdir()] == ["data.parquet"]


def test_the_leftovers_of_a_killed_writer_are_removed_and_a_live_ones_kept(
    tmp_path: Path,
) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".staging-{dead.pid}-abc" / "quotes" / "capture_date=2024-10-18"
    stale.mkdir(parents=True)
    (stale / "00000000.parquet").write_bytes(b"half")
    stale_file = tmp_path / "capture_files" / f".data.parquet.{dead.pid}-abc"
    stale_file.parent.mkdir()
    stale_file.write_bytes(b"half")
    live = tmp_path / f".staging-{os.getpid()}-def"
    live.mkdir()
    removed = lake.remove_stale_staging(tmp_path)
    assert sorted(removed) == sorted([stale.parents[1], stale_file])
    assert live.is_dir() and not stale_file.exists()


def test_a_damaged_file_goes_with_its_partitions_marker_and_nothing_else(tmp_path: Path) -> None:
    lake.store(
        tmp_path,
        {
            "captures": _captures([("a", "v1"), ("b", "v1")]),
            "quotes": _quotes([("a", 1, "OGDC"), ("b", 1, "PPL")]),
        },
        capture_dates=_dates([("a", D1), ("b", D2)]),
        index=None,
        marker="captures",
    )
    lake.partition_file(tmp_path, "quotes", D2).write_bytes(b"PAR1 cut short")
    with pytest.raises(LakeError, match="cannot read the lake's quotes"):
        lake.read_table(tmp_path, "quotes")
    removed = lake.remove_damaged(tmp_path, ["captures", "quotes"], marker="captures")
    assert removed == [
        lake.partition_file(tmp_path, "captures", D2),
        lake.partition_file(tmp_path, "quotes", D2),
    ]
    assert _sorted(_index(tmp_path)).rows() == [("a", D1)], "b is no longer normalised"


def test_new_partitions_arrive_whole_and_rewrites_replace_the_file(tmp_path: Path) -> None:
    """A new partition's staged folder is renamed into place; an existing one gets a new file."""
    frame = pl.DataFrame(
        {"sha256": ["a", "b"], "capture_date": [D1, D2]},
        schema_overrides={"capture_date": pl.Date()},
    )
    lake.replace_partitions(tmp_path, "quotes", frame, [D1, D2])
    before = lake.partition_file(tmp_path, "quotes", D1).stat()
    again = pl.concat([frame, frame.with_columns(pl.lit("c").alias("sha256"))])
    lake.replace_partitions(tmp_path, "quotes", again, [D1, D2])
    layout = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    assert layout == [
        "quotes",
        "quotes/capture_date=2024-10-17",
        "quotes/capture_date=2024-10-17/data.parquet",
        "quotes/capture_date=2024-10-18",
        "quotes/capture_date=2024-10-18/data.parquet",
    ], "one file per partition, no staging left behind"
    after = lake.partition_file(tmp_path, "quotes", D1).stat()
    assert (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns)
    assert pl.read_parquet(lake.partition_file(tmp_path, "quotes", D1))["sha256"].to_list() == [
        "a",
        "c",
    ]
