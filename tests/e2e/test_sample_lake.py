"""The shipped sample's normalised captures: a Parquet lake, mirrored in the working database."""

from __future__ import annotations

import datetime as dt

import duckdb

from dagster_project.settings import Settings

MARKET_DATE = dt.date(2024, 10, 18)


def test_the_normalised_captures_are_a_parquet_lake_that_dbt_reads(
    sample_build: Settings,
) -> None:
    lake = sample_build.lake
    files = sorted(p.relative_to(lake).as_posix() for p in lake.rglob("*.parquet"))
    assert files == [
        "capture_files/data.parquet",
        *(
            f"{table}/capture_date=2024-10-18/data.parquet"
            for table in ("captures", "headlines", "index_levels")
        ),
        "psx_sessions/data.parquet",
        "quotes/capture_date=2024-10-18/data.parquet",
        "skipped_files/data.parquet",
    ], "one file per table and capture date; no rejected line, so no rejected_lines file"
    with duckdb.connect(str(sample_build.work_db), read_only=True) as con:
        kinds = con.sql(
            "select table_name, table_type from information_schema.tables "
            "where table_schema = 'normalised' order by 1"
        ).fetchall()
        quotes = con.sql("select count(*), min(capture_date) from normalised.quotes").fetchall()
    assert kinds == [
        ("_lake_files", "BASE TABLE"),
        ("captures", "BASE TABLE"),
        ("headlines", "BASE TABLE"),
        ("index_levels", "BASE TABLE"),
        ("quotes", "BASE TABLE"),
        ("rejected_lines", "BASE TABLE"),
    ]
    assert quotes == [(30, MARKET_DATE)]
