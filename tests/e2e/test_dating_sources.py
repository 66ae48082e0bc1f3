"""Undated pages dated the ways a user can: renamed with their date, or by trusted file times."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import duckdb

from tests.e2e.test_real_pages import FIXTURES, MANIFEST
from tests.support import run_cli

PKT = dt.timezone(dt.timedelta(hours=5))


def undated_pages() -> list[dict[str, str]]:
    return [
        page for page in MANIFEST.values() if page["header_kind"] == "none" and page["strip_date"]
    ]


def audit(warehouse: Path) -> dict[str, tuple[object, ...]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select source_path, status, dated_by, market_date, captured_at, captured_at_source "
            "from audit.captures"
        ).fetchall()
    finally:
        con.close()
    return {row[0]: row[1:] for row in rows}


def test_file_times_date_a_capture_only_when_trusted(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    page = undated_pages()[0]
    strip_date = dt.date.fromisoformat(page["strip_date"])
    taken = dt.datetime.combine(strip_date, dt.time(16, 45), tzinfo=PKT)
    copy = raw / page["file"]
    shutil.copy(FIXTURES / page["file"], copy)
    os.utime(copy, (taken.timestamp(), taken.timestamp()))
    warehouse = tmp_path / "wh" / "market.duckdb"

    plain = run_cli("build", "--raw-dir", str(raw), "--warehouse", str(warehouse))
    assert plain.returncode == 0, plain.stderr[-3000:]
    assert audit(warehouse)[page["file"]][:2] == ("rejected", None)
    assert "date them: rename each with its date" in plain.stdout

    trusted = run_cli(
        "build", "--raw-dir", str(raw), "--warehouse", str(warehouse), "--trust-file-times"
    )
    assert trusted.returncode == 0, trusted.stderr[-3000:]
    status, dated_by, market_date, captured_at, source = audit(warehouse)[page["file"]]
    assert (status, dated_by, market_date, source) == (
        "loaded",
        "file_time",
        strip_date,
        "file_time",
    )
    assert captured_at == taken
    assert "dated by: 1 file_time" in trusted.stdout

    # Renamed with its date and time, the same page needs no trust: the name dates it.
    copy.rename(raw / f"capture_{strip_date.isoformat()}T1645.txt")
    renamed = run_cli("build", "--raw-dir", str(raw), "--warehouse", str(warehouse))
    assert renamed.returncode == 0, renamed.stderr[-3000:]
    row = audit(warehouse)[f"capture_{strip_date.isoformat()}T1645.txt"]
    assert row == ("loaded", "file_name", strip_date, taken, "file_name")
