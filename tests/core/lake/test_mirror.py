"""The working database mirrors the lake: after every sync it holds exactly the lake's rows."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dagster_project.core.errors import LakeError
from dagster_project.core.lake import files as lake
from dagster_project.core.lake.mirror import CHUNK_BYTES, LOADED, Synced, sync_lake

D1 = dt.date(2024, 10, 17)
D2 = dt.date(2024, 10, 18)
QUOTES = {"sha256": pl.String(), "line_no": pl.Int32(), "symbol": pl.String()}


def _quotes(rows: list[tuple[str, int, str, dt.date | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={**QUOTES, "capture_date": pl.Date()}, orient="row")


def _write(
    root: Path, rows: list[tuple[str, int, str, dt.date | None]], dates: list[dt.date | None]
) -> None:
    lake.replace_partitions(root, "quotes", _quotes(rows), dates)


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "work.duckdb"))
    yield connection
    connection.close()


def _sync(
    con: duckdb.DuckDBPyConnection, root: Path, *, chunk_bytes: int = CHUNK_BYTES
) -> dict[str, Synced]:
    empty = {
        "quotes": pl.DataFrame(schema=QUOTES),
        "rejected_lines": pl.DataFrame(schema={"sha256": pl.String(), "line": pl.String()}),
    }
    return sync_lake(con, root, "normalised", empty, chunk_bytes=chunk_bytes)


def _rows(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.sql("select * from normalised.quotes order by all").fetchall()


def test_a_new_partition_is_loaded_and_only_a_changed_one_reloaded(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    root = tmp_path / "it's a lake"
    _write(root, [("a", 1, "OGDC", D1), ("b", 1, "PPL", D2), ("n", 1, "HBL", None)], [D1, D2, None])
    con.execute("create schema normalised")
    con.execute("create table normalised.quotes (old integer)")  # what a work db held before
    first = _sync(con, root)
    assert first["quotes"] == Synced(reloaded=3, dropped=0, partitions=3)
    assert first["rejected_lines"] == Synced(reloaded=0, dropped=0, partitions=0)
    assert _rows(con) == [("a", 1, "OGDC", D1), ("b", 1, "PPL", D2), ("n", 1, "HBL", None)]
    assert [row[0] for row in con.sql("describe normalised.rejected_lines").fetchall()] == [
        "sha256",
        "line",
        "capture_date",
    ]

    assert _sync(con, root)["quotes"] == Synced(reloaded=0, dropped=0, partitions=3)

    _write(root, [("b", 1, "PPL", D2), ("c", 2, "PSO", D2)], [D2])
    assert _sync(con, root)["quotes"] == Synced(reloaded=1, dropped=0, partitions=3)
    assert _rows(con) == [
        ("a", 1, "OGDC", D1),
        ("b", 1, "PPL", D2),
        ("c", 2, "PSO", D2),
        ("n", 1, "HBL", None),
    ]


def test_a_partition_that_disappears_takes_its_rows_with_it(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    _write(tmp_path, [("a", 1, "OGDC", D1), ("n", 1, "HBL", None)], [D1, None])
    _sync(con, tmp_path)
    _write(tmp_path, [], [D1, None])
    assert _sync(con, tmp_path)["quotes"] == Synced(reloaded=0, dropped=2, partitions=0)
    assert _rows(con) == []


def test_a_rewrite_of_the_same_size_within_the_clocks_granularity_is_seen(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    _write(tmp_path, [("a", 1, "OGDC", D1)], [D1])
    _sync(con, tmp_path)
    _write(tmp_path, [("a", 1, "OGDX", D1)], [D1])  # same size, same millisecond
    _sync(con, tmp_path)
    assert _rows(con) == [("a", 1, "OGDX", D1)]


def test_a_broken_partition_file_fails_the_sync_and_changes_nothing(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    _write(tmp_path, [("a", 1, "OGDC", D1)], [D1])
    _sync(con, tmp_path)
    _write(tmp_path, [("b", 1, "PPL", D2)], [D2])
    lake.partition_file(tmp_path, "quotes", D1).write_bytes(b"not parquet")
    with pytest.raises(LakeError, match="cannot read the lake's quotes"):
        _sync(con, tmp_path)
    assert _rows(con) == [("a", 1, "OGDC", D1)], "the run of partitions is rolled back whole"


def test_a_history_loads_a_run_of_files_at_a_time_each_committed_with_its_record(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    """Memory is one run's rows: a sync cut short keeps the runs it committed, each agreeing
    with the record of what was loaded, and the next sync loads the rest."""
    _write(tmp_path, [("a", 1, "OGDC", D1), ("b", 1, "PPL", D2)], [D1, D2])
    lake.partition_file(tmp_path, "quotes", D2).write_bytes(b"not parquet")
    with pytest.raises(LakeError, match="cannot read the lake's quotes"):
        _sync(con, tmp_path, chunk_bytes=1)  # one partition a run: D1, then D2 fails
    assert _rows(con) == [("a", 1, "OGDC", D1)], "the first run was committed"
    loaded = con.execute(f"select partition_name from normalised.{LOADED}").fetchall()
    assert loaded == [(lake.partition_name(D1),)], "with its record, and only its record"
    _write(tmp_path, [("b", 1, "PPL", D2)], [D2])  # the file is whole again
    synced = _sync(con, tmp_path, chunk_bytes=1)
    assert synced["quotes"].reloaded == 1, "only what was left is loaded"
    assert _rows(con) == [("a", 1, "OGDC", D1), ("b", 1, "PPL", D2)]


def test_what_store_just_wrote_is_loaded_without_reading_it_back(tmp_path: Path) -> None:
    def captures(rows: list[tuple[str, str]]) -> pl.DataFrame:
        return pl.DataFrame(
            rows, schema={"sha256": pl.String(), "normaliser_version": pl.String()}, orient="row"
        )

    def quotes(rows: list[tuple[str, int, str]]) -> pl.DataFrame:
        return pl.DataFrame(rows, schema=QUOTES, orient="row")

    def dates(rows: list[tuple[str, dt.date | None]]) -> pl.DataFrame:
        return pl.DataFrame(
            rows, schema={"sha256": pl.String(), "capture_date": pl.Date()}, orient="row"
        )

    empty = {"captures": captures([]), "quotes": quotes([])}
    mirrored = duckdb.connect(str(tmp_path / "a.duckdb"))
    first = lake.store(
        tmp_path / "lake",
        {
            "captures": captures([("a", "v"), ("b", "v")]),
            "quotes": quotes([("a", 1, "OGDC"), ("b", 1, "PPL")]),
        },
        capture_dates=dates([("a", D1), ("b", None)]),
        index=None,
        marker="captures",
    )
    sync_lake(mirrored, tmp_path / "lake", "normalised", empty, written=first)
    second = lake.store(
        tmp_path / "lake",
        {"captures": captures([("c", "v")]), "quotes": quotes([("c", 2, "PSO")])},
        capture_dates=dates([("c", D1)]),
        index=lake.read_table(tmp_path / "lake", "captures", columns=["sha256", "capture_date"]),
        marker="captures",
    )
    synced = sync_lake(mirrored, tmp_path / "lake", "normalised", empty, written=second)
    assert synced["quotes"] == Synced(reloaded=1, dropped=0, partitions=2)
    fresh = duckdb.connect(str(tmp_path / "b.duckdb"))
    sync_lake(fresh, tmp_path / "lake", "normalised", empty)
    for table in empty:
        query = f"select * from normalised.{table} order by all"
        assert mirrored.sql(query).fetchall() == fresh.sql(query).fetchall()
    assert _rows(mirrored) == [("a", 1, "OGDC", D1), ("b", 1, "PPL", None), ("c", 2, "PSO", D1)]
    mirrored.close()
    fresh.close()


def test_a_copied_lake_is_not_reloaded(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    """A backup restored with its times (``cp -a``, ``copytree``) has new inodes, same files."""
    _write(tmp_path / "lake", [("a", 1, "OGDC", D1), ("b", 1, "PPL", D2)], [D1, D2])
    _sync(con, tmp_path / "lake")
    shutil.copytree(tmp_path / "lake", tmp_path / "restored")
    assert _sync(con, tmp_path / "restored")["quotes"] == Synced(
        reloaded=0, dropped=0, partitions=2
    )
    assert _rows(con) == [("a", 1, "OGDC", D1), ("b", 1, "PPL", D2)]
