"""The raw-dir walk lists what ``os.walk`` lists, in its order, without a ``Path`` per file."""

from __future__ import annotations

import os
from pathlib import Path, PurePath

from hypothesis import given
from hypothesis import strategies as st

from dagster_project.core.raw.listing import (
    SYMLINK_LOOP,
    Skipped,
    is_capture_name,
    raw_files,
    suffix,
    walk,
)


def _os_walk(root: Path) -> list[str]:
    """What the listing was made from before: ``os.walk``, hidden directories left out."""
    listed = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(name for name in dirnames if not name.startswith("."))
        listed.extend(
            (Path(dirpath) / name).relative_to(root).as_posix() for name in sorted(filenames)
        )
    return listed


def _tree(root: Path) -> None:
    for relative in (
        "b.txt",
        "a.TXT",
        ".a.txt.json",
        "2024/10/page_20241018.html",
        "2024/10/notes.md",
        "2024/9/x.htm",
        "2024-extra.txt",
        ".git/index",
        "sub dir/.hidden.txt",
        "sub dir/z.txt",
    ):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(relative)


def test_the_walk_lists_what_os_walk_lists_in_its_order(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / "linked-dir").symlink_to(tmp_path / "2024")  # not entered, not listed
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")  # listed, as os.walk does
    listed = [relative for relative, _ in walk(tmp_path)]
    assert listed == _os_walk(tmp_path)
    assert ".a.txt.json" in listed and "dangling.txt" in listed
    assert not any(path.startswith((".git/", "linked-dir/")) for path in listed)


def test_raw_files_are_the_regular_non_hidden_files_and_links_inside(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    _tree(raw)
    (tmp_path / "outside.txt").write_text("secret")
    (raw / "escape.txt").symlink_to(tmp_path / "outside.txt")
    (raw / "alias.txt").symlink_to(raw / "b.txt")
    (raw / "dangling.txt").symlink_to(raw / "gone.txt")
    os.mkfifo(raw / "pipe.txt")
    found = {relative: entry for relative, entry in raw_files(raw)}
    assert list(found) == [
        "2024-extra.txt",
        "a.TXT",
        "alias.txt",
        "b.txt",
        "2024/10/notes.md",
        "2024/10/page_20241018.html",
        "2024/9/x.htm",
        "sub dir/z.txt",
    ]
    assert Path(found["2024/9/x.htm"].path) == raw / "2024" / "9" / "x.htm"
    assert [name for name in found if is_capture_name(PurePath(name).name)] == [
        name for name in found if name != "2024/10/notes.md"
    ]


def test_a_symlink_loop_is_skipped_with_a_reason_and_the_rest_listed(tmp_path: Path) -> None:
    (tmp_path / "a.txt").symlink_to("b.txt")
    (tmp_path / "b.txt").symlink_to("a.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "self.html").symlink_to("self.html")
    (tmp_path / "new.txt").write_text("a new capture")
    # Path.resolve() raised "RuntimeError: Symlink loop" here, failing every build with new input.
    assert [relative for relative, _ in raw_files(tmp_path)] == ["new.txt"]
    skipped: list[Skipped] = []
    listed = [relative for relative, _ in raw_files(tmp_path, on_skip=skipped.append)]
    assert listed == ["new.txt"]
    assert skipped == [
        Skipped("a.txt", SYMLINK_LOOP),
        Skipped("b.txt", SYMLINK_LOOP),
        Skipped("sub/self.html", SYMLINK_LOOP),
    ]


@given(st.text(alphabet="ab.", max_size=6))
def test_the_suffix_is_pathlibs(name: str) -> None:
    if name and name not in (".", ".."):
        assert suffix(name) == PurePath(name).suffix
