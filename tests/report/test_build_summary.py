"""The closing block of a build: captures by status, the commonest reasons, the raw dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from dagster_project.report.build_summary import (
    NO_MARKET_DATE,
    REJECTED_CAPTURES_QUERY,
    build_summary,
    capture_lines,
    raw_dir_note,
)


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute("create schema audit")
    connection.execute("create schema marts")
    connection.execute(
        "create table audit.captures "
        "(source_path varchar, status varchar, reason varchar, dated_by varchar)"
    )
    connection.execute("create table audit.rejected_lines (capture_id varchar, line_no integer)")
    connection.execute("create table marts.fct_daily_movers (market_date date, symbol varchar)")
    yield connection
    connection.close()


def add(con: duckdb.DuckDBPyConnection, status: str, reason: str | None, count: int) -> None:
    for number in range(count):
        con.execute(
            "insert into audit.captures values (?, ?, ?, ?)",
            [f"{status}-{number}", status, reason, None if status == "rejected" else "page"],
        )


def test_no_capture_at_all(con: duckdb.DuckDBPyConnection) -> None:
    assert capture_lines(con) == ["captures: none"]


def test_rejections_are_counted_by_reason_commonest_first(con: duckdb.DuckDBPyConnection) -> None:
    add(con, "loaded", "loaded: the latest capture of the session", 1)
    add(con, "superseded", "a later capture of the session won", 2)
    add(con, "rejected", "no ticker lines found", 1)
    add(con, "rejected", "no date: the page shows no date bar " + "and more words " * 10, 3)
    lines = capture_lines(con)
    assert lines[0].startswith('captures: 1 loaded, 4 rejected (3 "no date: the page shows')
    assert '…", 1 "no ticker lines found"), 2 superseded' in lines[0]
    assert lines[1] == f"  list them: {REJECTED_CAPTURES_QUERY}"


def test_only_the_top_reasons_are_quoted(con: duckdb.DuckDBPyConnection) -> None:
    for position, count in enumerate((6, 5, 4, 3, 2, 1, 1)):
        add(con, "rejected", f"reason {position}", count)
    line = capture_lines(con, top=5)[0]
    assert line == (
        'captures: 0 loaded, 22 rejected (6 "reason 0", 5 "reason 1", 4 "reason 2", '
        '3 "reason 3", 2 "reason 4", 2 other)'
    )


def test_the_raw_dir_note(tmp_path: Path) -> None:
    assert raw_dir_note(tmp_path) == f"raw dir {tmp_path} is empty: drop captures there"
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    note = raw_dir_note(tmp_path)
    assert note is not None and "holds no capture" in note and "1 other file(s)" in note
    (tmp_path / "page.txt").write_text("x")
    assert raw_dir_note(tmp_path) is None


def test_a_build_where_nothing_loaded(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    add(con, "rejected", "no ticker lines found", 2)
    (tmp_path / "a.txt").write_text("junk")
    text = build_summary(con, warehouse=tmp_path / "market.duckdb", raw_dir=tmp_path)
    assert text.splitlines() == [
        f"warehouse: {tmp_path / 'market.duckdb'}",
        'captures: 0 loaded, 2 rejected (2 "no ticker lines found")',
        f"  list them: {REJECTED_CAPTURES_QUERY}",
        f"market dates: 0 ({NO_MARKET_DATE})",
        "rejected lines: 0",
    ]


def test_undated_captures_are_told_how_to_date_them(con: duckdb.DuckDBPyConnection) -> None:
    add(con, "loaded", None, 2)
    add(con, "rejected", "no date: the page shows no date bar and its file gives none", 1)
    lines = capture_lines(con)
    assert lines[2].startswith("  date them: rename each with its date")
    assert "--trust-file-times" in lines[2]
    assert lines[3] == "  dated by: 2 page"


def test_captures_dated_by_trusted_file_times_are_counted(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("insert into audit.captures values ('capture.txt', 'loaded', null, 'file_time')")
    assert capture_lines(con) == ["captures: 1 loaded", "  dated by: 1 file_time"]


def test_what_came_from_outside_is_printed_escaped(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    add(con, "rejected", "cannot read evil\x1b]0;t\x07.txt", 1)
    con.execute("update audit.captures set dated_by = 'page\nfake: line'")
    con.execute("insert into audit.captures values ('b.txt', 'loaded', null, 'page\nfake')")
    raw = tmp_path / "raw\ndir"
    raw.mkdir()
    lines = build_summary(con, warehouse=tmp_path / "w\x1b[2J.duckdb", raw_dir=raw).splitlines()
    assert lines[0] == f"warehouse: {tmp_path}/w\\x1b[2J.duckdb"
    assert lines[1] == f"raw dir {tmp_path}/raw\\ndir is empty: drop captures there"
    assert lines[2] == ('captures: 1 loaded, 1 rejected (1 "cannot read evil\\x1b]0;t\\x07.txt")')
    assert lines[4] == "  dated by: 1 page\\nfake"
    assert all("\x1b" not in line and "\x07" not in line for line in lines)
