import dataclasses
import datetime as dt
import hashlib
import os
from pathlib import Path

from dagster_project.core.landing import (
    CAPTURE_FILES_SCHEMA,
    file_sha256,
    inventory,
    known_files,
)


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


def test_empty_raw_dir_gives_a_typed_empty_frame(tmp_path: Path) -> None:
    found = inventory(tmp_path)
    assert found.files.is_empty()
    assert found.files.schema == CAPTURE_FILES_SCHEMA
