"""The frame contract (``core/schemas.py``): the frames built from real captures have exactly the
declared schemas, and the dbt sources declare the same types for the tables they read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import yaml

from dagster_project.core import schemas
from dagster_project.core.capture.decode import sha256_hex
from dagster_project.core.dating.calendar import psx_calendar
from dagster_project.core.normalise.captures import CaptureSource, normalise_captures
from dagster_project.core.raw.landing import inventory, with_file_sessions
from dagster_project.core.reference import read_index_codes
from dagster_project.core.ticker import lines_frame, parse_lines
from dagster_project.settings import DBT_PROJECT_DIR, HOLIDAYS_SEED, INDEX_CODES_SEED
from tests.captures import SAMPLE, write

SOURCES = DBT_PROJECT_DIR / "models" / "staging" / "brecorder" / "_brecorder__sources.yml"
#: Columns the Python side keeps for itself, which dbt never reads (so its sources omit them).
NOT_READ_BY_DBT = {"capture_files": {"mtime_ns"}, "captures": {"normaliser_version"}}
#: How dbt-duckdb names each polars type in a source's ``data_type``.
DUCKDB_TYPES = {
    pl.String(): "varchar",
    pl.Int32(): "integer",
    pl.Int64(): "bigint",
    pl.Date(): "date",
    pl.Boolean(): "boolean",
    pl.Decimal(18, 2): "decimal(18, 2)",
    pl.Datetime("us", "UTC"): "timestamptz",
}


def test_the_normalised_frames_of_real_captures_have_the_declared_schemas(tmp_path: Path) -> None:
    html, empty = tmp_path / "page.html", tmp_path / "empty.txt"
    html.write_text("<html><body><pre>" + SAMPLE.read_text("utf-8") + "</pre></body></html>")
    empty.write_text("")
    sources = [
        CaptureSource(sha256_hex(path.read_bytes()), path, path.stat().st_size)
        for path in (SAMPLE, html, empty)
    ]
    frames = normalise_captures(
        sources,
        calendar=psx_calendar(HOLIDAYS_SEED),
        max_bytes=5_000_000,
        index_codes=read_index_codes(INDEX_CODES_SEED),
    )
    assert frames.quotes.height == 60 and frames.headlines.height > 0
    assert frames.captures.schema == schemas.CAPTURES
    assert frames.quotes.schema == schemas.QUOTES
    assert frames.index_levels.schema == schemas.INDEX_LEVELS
    assert frames.rejected_lines.schema == schemas.REJECTED_LINES
    assert frames.headlines.schema == schemas.HEADLINES


@pytest.mark.parametrize("lines", [[], ["Oct 18, 2024", "AGL 38.00 Increased By ▲ 0.50 (1.33%)"]])
def test_the_ticker_frames_have_the_declared_schemas_empty_or_not(lines: list[str]) -> None:
    frames = parse_lines(lines_frame({"c": lines}))
    assert lines_frame({"c": lines}).schema == schemas.LINES
    assert frames.quotes.schema == schemas.QUOTES
    assert frames.index_levels.schema == schemas.INDEX_LEVELS
    assert frames.rejected_lines.schema == schemas.REJECTED_LINES
    assert frames.page_dates.schema == schemas.PAGE_DATES


def test_the_landed_files_have_the_declared_schemas(tmp_path: Path) -> None:
    write(tmp_path / SAMPLE.name, SAMPLE.read_bytes(), captured_at=dt.datetime(2024, 10, 18, 12))
    found = inventory(tmp_path)
    assert found.files.schema == schemas.CAPTURE_FILES
    assert found.skipped.schema == schemas.SKIPPED_FILES
    landed = with_file_sessions(found.files, psx_calendar(HOLIDAYS_SEED))
    assert landed.schema == schemas.LANDING_TABLES["capture_files"]


def test_the_dbt_sources_declare_the_contracts_types() -> None:
    declared = {
        table["name"]: {column["name"]: column["data_type"] for column in table["columns"]}
        for source in yaml.safe_load(SOURCES.read_text("utf-8"))["sources"]
        for table in source["tables"]
    }
    contracts = {**schemas.LANDING_TABLES, **schemas.LAKE_TABLES}
    assert set(declared) == set(contracts)
    for table, schema in contracts.items():
        expected = {
            name: DUCKDB_TYPES[dtype]
            for name, dtype in schema.items()
            if name not in NOT_READ_BY_DBT.get(table, set())
        }
        assert declared[table] == expected, table
