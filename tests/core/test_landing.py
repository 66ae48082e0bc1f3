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
    assert found.files["captured_at"][0] == dt.datetime.fromtimestamp(1_700_000_000, dt.UTC)


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
