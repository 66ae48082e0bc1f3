"""Walking the raw dir: one ``scandir`` pass, relative paths as strings, no ``Path`` per file.

Ten years of captures are some 30,000 files. A walk with ``os.walk`` and a ``pathlib.Path`` per
file (its parsing, ``relative_to``, ``is_file`` and ``stat``) costs most of that listing
(``docs/performance.md``), and a build lists the raw dir three times (the no-op check, the
inventory, the summary). Here a directory is read once, a file's kind comes from the directory
entry, and a file is stat'ed once (only when the caller asks).

What cannot be listed (a directory that cannot be read, a symlink loop) is skipped; a caller that
passes ``on_skip`` is told of each with the reason, so that landing can record it.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

CAPTURE_SUFFIXES = (".txt", ".htm", ".html")
SYMLINK_LOOP = "symlink loop: following the link never reaches a file"


@dataclass(frozen=True)
class Skipped:
    """An entry under the raw dir that is not listed, and why.

    ``path`` is relative to the raw dir in POSIX form; a directory's ends in ``/``.
    """

    path: str
    reason: str


OnSkip = Callable[[Skipped], None]


def suffix(name: str) -> str:
    """A file name's suffix, as ``pathlib.PurePath.suffix`` gives it (``""`` for ``".txt"``)."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def is_capture_name(name: str) -> bool:
    """A capture's file name: not hidden, ending in ``.txt``, ``.htm`` or ``.html`` (any case)."""
    return not name.startswith(".") and suffix(name).lower() in CAPTURE_SUFFIXES


def walk(root: Path, *, on_skip: OnSkip | None = None) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """``(relative POSIX path, entry)`` of every entry under ``root`` that is not a directory.

    As ``os.walk`` lists them, top-down with each directory's names sorted: hidden directories
    and symlinks to directories are not entered, hidden files are listed, a directory that
    cannot be read is skipped (and passed to ``on_skip``, unless it is gone).
    """
    yield from _walk(str(root), "", on_skip)


def _walk(
    directory: str, prefix: str, on_skip: OnSkip | None
) -> Iterator[tuple[str, os.DirEntry[str]]]:
    try:
        with os.scandir(directory) as entries:
            listed = sorted(entries, key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):  # removed while listing: nothing to tell
        return
    except OSError as exc:
        if on_skip is not None:
            reason = f"unreadable directory: {exc.strerror or exc} (its files are skipped)"
            on_skip(Skipped(prefix or "./", reason))
        return
    subdirs = []
    for entry in listed:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if not is_dir:
            yield prefix + entry.name, entry
        elif not entry.name.startswith(".") and not entry.is_symlink():
            subdirs.append(entry)
    for entry in subdirs:
        yield from _walk(entry.path, f"{prefix}{entry.name}/", on_skip)


def raw_files(
    raw_dir: Path, *, on_skip: OnSkip | None = None
) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every regular, non-hidden file under ``raw_dir``: ``(relative POSIX path, entry)``.

    Symlinks are followed only when their target is a file inside ``raw_dir``; a dangling one
    is left out. ``on_skip`` is told of each directory that cannot be read and each symlink
    that cannot be resolved (a loop: :data:`SYMLINK_LOOP`).
    """
    root = raw_dir.resolve()
    for relative, entry in walk(root, on_skip=on_skip):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            try:
                target = Path(os.path.realpath(entry.path, strict=True))
            except (FileNotFoundError, NotADirectoryError):  # dangling
                continue
            except OSError as exc:
                if on_skip is not None:
                    reason = SYMLINK_LOOP if exc.errno == errno.ELOOP else unreadable_file(exc)
                    on_skip(Skipped(relative, reason))
                continue
            if root not in target.parents or not target.is_file():
                continue
        elif not entry.is_file(follow_symlinks=False):
            continue
        yield relative, entry


def unreadable_file(exc: OSError) -> str:
    """The reason a file is skipped when reading it fails, e.g. ``unreadable file: Permission
    denied`` (as normalising words it)."""
    return f"unreadable file: {exc.strerror or exc}"
