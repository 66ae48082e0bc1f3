import dataclasses
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from dagster_project.core import schemas
from dagster_project.core.dating.calendar import psx_calendar
from dagster_project.core.errors import ConfigError
from dagster_project.core.raw.landing import (
    file_sha256,
    inventory,
    known_files,
    land,
)
from dagster_project.core.raw.listing import SYMLINK_LOOP
from dagster_project.settings import HOLIDAYS_SEED

REPO = Path(__file__).resolve().parents[3]
NOBODY = 65534
# The inventory in a child process of an unprivileged user: root reads a file of mode 000. The
# interpreter's own files may not be readable by that user (a pyenv under /root), so the child
# imports and runs everything once (the warm-up dir) before it drops root.
INVENTORY_AS_NOBODY = f"""
import json, os, sys
from pathlib import Path
from dagster_project.core.raw.landing import inventory

def report(raw):
    found = inventory(raw)
    return json.dumps({{
        "files": found.files["source_path"].to_list(),
        "skipped": [list(row) for row in found.skipped.rows()],
        "ignored": found.ignored,
    }})

report(Path(sys.argv[1]))
if os.geteuid() == 0:
    os.setgroups([])
    os.setgid({NOBODY})
    os.setuid({NOBODY})
print(report(Path(sys.argv[2])))
"""


def touch(path: Path, data: bytes, mtime: float = 1_700_000_000.0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return path


def test_inventory_lists_captures_recursively_by_hash(tmp_path: Path) -> None:
    touch(tmp_path / "a.txt", b"one")
    touch(tmp_path / "deep" / "er" / "b page.HTML", b"<html>two</html>")
    touch(tmp_path / "deep" / "same-as-a.txt", b"one")
    touch(tmp_path / "notes.md", b"not a capture")
    touch(tmp_path / ".hidden.txt", b"skipped")
    found = inventory(tmp_path)
    assert found.files["source_path"].to_list() == [
        "a.txt",
        "deep/er/b page.HTML",
        "deep/same-as-a.txt",
    ]
    assert found.files["sha256"][0] == hashlib.sha256(b"one").hexdigest()
    assert found.files["sha256"][0] == found.files["sha256"][2]
    assert found.ignored == ["notes.md"]
    modified = dt.datetime.fromtimestamp(1_700_000_000, dt.UTC)
    assert found.files["file_modified_at"][0] == modified
    # Untrusted, a file time neither dates the capture nor says when it was taken.
    assert found.files["captured_at"][0] is None
    assert found.files["captured_at_source"][0] == "unknown"
    assert found.files["file_dated_by"][0] is None
    trusted = inventory(tmp_path, trust_file_times=True).files.row(0, named=True)
    assert trusted["captured_at"] == modified
    assert (trusted["file_date"], trusted["file_dated_by"]) == (dt.date(2023, 11, 15), "file_time")


def test_a_landed_capture_is_dated_by_its_file_time_once_trust_is_switched_on(
    tmp_path: Path,
) -> None:
    touch(tmp_path / "undated.txt", b"one")
    first = inventory(tmp_path)
    assert first.files["file_dated_by"][0] is None
    again = inventory(tmp_path, known=known_files(first.files), trust_file_times=True)
    row = again.files.row(0, named=True)
    modified = dt.datetime.fromtimestamp(1_700_000_000, dt.UTC)
    assert (row["file_dated_by"], row["captured_at"]) == ("file_time", modified)


def test_a_date_in_the_file_name_dates_the_capture(tmp_path: Path) -> None:
    touch(tmp_path / "brecorder_2024-10-18T1630.txt", b"one")
    touch(tmp_path / "page_20241017.txt", b"two", mtime=dt.datetime(2024, 10, 17, 6).timestamp())
    rows = inventory(tmp_path).files.sort("source_path").rows(named=True)
    assert (rows[0]["file_date"], rows[0]["file_dated_by"]) == (dt.date(2024, 10, 18), "file_name")
    assert rows[0]["captured_at"] == dt.datetime(2024, 10, 18, 11, 30, tzinfo=dt.UTC)
    assert rows[0]["captured_at_source"] == "file_name"
    # A date alone: the file time gives the capture time because it falls on that date.
    assert (rows[1]["file_date"], rows[1]["captured_at_source"]) == (
        dt.date(2024, 10, 17),
        "file_time",
    )


def test_unchanged_files_are_not_read_again(tmp_path: Path) -> None:
    path = touch(tmp_path / "a.txt", b"one")
    first = inventory(tmp_path)
    known = known_files(first.files)
    # Same size and mtime with a planted hash: proves the file was not re-read.
    known["a.txt"] = dataclasses.replace(known["a.txt"], sha256="planted")
    assert inventory(tmp_path, known=known).files["sha256"].to_list() == ["planted"]
    touch(path, b"two", mtime=1_700_000_100.0)
    assert inventory(tmp_path, known=known).files["sha256"].to_list() == [file_sha256(path)]


def test_symlinks_leaving_the_raw_dir_are_not_followed(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    touch(raw / "inside.txt", b"in")
    touch(tmp_path / "outside.txt", b"secret")
    (raw / "escape.txt").symlink_to(tmp_path / "outside.txt")
    (raw / "alias.txt").symlink_to(raw / "inside.txt")
    assert inventory(raw).files["source_path"].to_list() == ["alias.txt", "inside.txt"]


def test_a_symlink_loop_is_skipped_with_a_reason(tmp_path: Path) -> None:
    touch(tmp_path / "new.txt", b"a new capture")
    (tmp_path / "a.txt").symlink_to("b.txt")
    (tmp_path / "b.txt").symlink_to("a.txt")
    (tmp_path / "notes.md").symlink_to("notes.md")  # not a capture: ignored like any other
    found = inventory(tmp_path)
    assert found.files["source_path"].to_list() == ["new.txt"]
    assert found.skipped.rows() == [("a.txt", SYMLINK_LOOP), ("b.txt", SYMLINK_LOOP)]
    assert found.ignored == ["notes.md"]


@pytest.fixture
def traversable_dir() -> Iterator[Path]:
    """A temporary directory any user can enter (pytest's own are root's alone under root);
    its clean-up gives locked entries their permissions back to remove them."""
    with tempfile.TemporaryDirectory(prefix="market-snapshots-landing-") as name:
        root = Path(name)
        root.chmod(0o755)
        yield root


def inventory_as_nobody(raw: Path, *, warm_up: Path) -> dict[str, list[object]]:
    """:func:`inventory` of ``raw`` as an unprivileged user (as is when not root)."""
    done = subprocess.run(
        [sys.executable, "-c", INVENTORY_AS_NOBODY, str(warm_up), str(raw)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found: dict[str, list[object]] = json.loads(done.stdout)
    return found


def test_unreadable_files_and_directories_are_skipped_with_a_reason(
    traversable_dir: Path,
) -> None:
    raw = traversable_dir / "raw"
    touch(raw / "ok.txt", b"one")
    touch(raw / "f.html", b"<html>two</html>").chmod(0)
    touch(raw / "locked" / "inside.txt", b"three")
    (raw / "locked").chmod(0)
    touch(raw / "notes.md", b"not a capture").chmod(0)  # never read: ignored as before
    warm_up = traversable_dir / "warm-up"
    touch(warm_up / "brecorder_2024-10-18T1630.txt", b"four")
    touch(warm_up / "notes.md", b"not a capture")
    assert inventory_as_nobody(raw, warm_up=warm_up) == {
        "files": ["ok.txt"],
        "skipped": [
            ["f.html", "unreadable file: Permission denied"],
            ["locked/", "unreadable directory: Permission denied (its files are skipped)"],
        ],
        "ignored": ["notes.md"],
    }


def test_empty_raw_dir_gives_a_typed_empty_frame(tmp_path: Path) -> None:
    found = inventory(tmp_path)
    assert found.files.is_empty()
    assert found.files.schema == schemas.CAPTURE_FILES
    assert found.skipped.schema == schemas.SKIPPED_FILES
    assert found.skipped.is_empty()


def test_land_writes_both_tables_and_notes_what_it_left_out(tmp_path: Path) -> None:
    raw, work_db, lake_dir = tmp_path / "raw", tmp_path / "state" / "work.duckdb", tmp_path / "lake"
    raw.mkdir()
    work_db.parent.mkdir()
    (raw / "page.txt").write_text("a capture")
    (raw / "notes.md").write_text("not a capture")
    (raw / "a.txt").symlink_to("b.txt")
    (raw / "b.txt").symlink_to("a.txt")
    calendar = psx_calendar(HOLIDAYS_SEED)
    first = land(raw, work_db, lake_dir, calendar, trust_file_times=False)
    assert first.files["source_path"].to_list() == ["page.txt"]
    assert first.files.schema == schemas.LANDING_TABLES["capture_files"]
    assert first.new_captures == 1
    assert [note.split(" ")[0] for note in first.notes] == ["ignored", "skipped"]
    assert "notes.md" in first.notes[0] and "a.txt" in first.notes[1]
    assert pl.read_parquet(lake_dir / "capture_files" / "data.parquet").height == 1
    assert pl.read_parquet(lake_dir / "skipped_files" / "data.parquet").height == 2

    (raw / "later.txt").write_text("another capture")
    again = land(raw, work_db, lake_dir, calendar, trust_file_times=False)
    assert (again.files.height, again.new_captures) == (2, 1)


def test_land_moves_a_damaged_working_database_aside_and_refuses_a_missing_raw_dir(
    tmp_path: Path,
) -> None:
    raw, work_db = tmp_path / "raw", tmp_path / "work.duckdb"
    raw.mkdir()
    work_db.write_bytes(b"not a database")
    calendar = psx_calendar(HOLIDAYS_SEED)
    landed = land(raw, work_db, tmp_path / "lake", calendar, trust_file_times=False)
    assert len(landed.notes) == 1 and "work.duckdb" in landed.notes[0]
    assert (tmp_path / "work.duckdb.corrupt").exists()
    with pytest.raises(ConfigError, match="does not exist"):
        land(tmp_path / "gone", work_db, tmp_path / "lake", calendar, trust_file_times=False)
