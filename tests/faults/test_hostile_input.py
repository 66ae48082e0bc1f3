"""Hostile raw dirs, built end to end: odd names, SQL in lines, binary, huge and escaping files."""

from __future__ import annotations

from tests.faults.builds import (
    BIG_CAPTURE,
    BIG_CAPTURE_BYTES,
    HOSTILE_NAME,
    INJECTION_LINE,
    Reference,
)


def captures(reference: Reference) -> dict[str, tuple[object, ...]]:
    return {str(row[1]): row for row in reference.rows["audit.captures"]}


def status_and_reason(reference: Reference, path: str) -> tuple[str, str]:
    import duckdb

    con = duckdb.connect(str(reference.warehouse), read_only=True)
    try:
        rows = con.execute(
            "select status, coalesce(reason, '') from audit.captures where source_path = ?", [path]
        ).fetchall()
    finally:
        con.close()
    assert len(rows) == 1, (path, rows)
    return rows[0][0], rows[0][1]


def test_a_hostile_file_name_loads_like_any_other(reference: Reference) -> None:
    assert status_and_reason(reference, HOSTILE_NAME) == ("loaded", "")
    movers = reference.rows["marts.fct_daily_movers"]
    assert len({row[0] for row in movers}) == 3  # 18, 21 and 22 Oct 2024


def test_sql_in_a_line_is_data_not_code(reference: Reference) -> None:
    lines = [row[2:4] for row in reference.rows["audit.rejected_lines"]]
    assert any(line == INJECTION_LINE and reason for line, reason in lines), lines
    assert len(reference.rows["marts.fct_daily_movers"]) == 90
    assert status_and_reason(reference, "odd/injection.txt") == ("loaded", "")


def test_a_capture_over_the_cap_is_rejected_without_being_read(reference: Reference) -> None:
    status, reason = status_and_reason(reference, BIG_CAPTURE)
    assert status == "rejected"
    assert f"{BIG_CAPTURE_BYTES} bytes exceeds" in reason
    # Reading the sparse gigabyte into memory would show in the build's peak memory.
    assert reference.max_rss_bytes < BIG_CAPTURE_BYTES, reference.max_rss_bytes


def test_unreadable_captures_are_rejected_with_a_reason(reference: Reference) -> None:
    for path, expected in (
        ("odd/nul.txt", "NUL"),
        ("odd/latin1.txt", "undecodable as UTF-8"),
        ("odd/deep.html", "elements deep (over 10000)"),
        ("odd/long line.txt", "no ticker lines"),
    ):
        status, reason = status_and_reason(reference, path)
        assert status == "rejected", path
        assert expected in reason, (path, reason)


def test_a_symlink_leaving_the_raw_dir_is_not_followed(reference: Reference) -> None:
    assert not any("leaves raw" in str(path) for path in captures(reference))
    dates = {row[0] for row in reference.rows["marts.fct_daily_movers"]}
    assert max(dates).isoformat() == "2024-10-22"  # the 23 Oct page lives outside raw/


def test_the_build_summary_counts_every_capture(reference: Reference) -> None:
    assert "captures: 3 loaded, 5 rejected" in reference.log, reference.log[-1500:]
