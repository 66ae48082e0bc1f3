"""Fingerprints of files and the static import closure of ``core/build/fingerprint.py``.

The closure is checked on a small package written for the test (nothing is imported: the
modules are read with ``ast``), then on the real normaliser of ``core/build/planning.py``.
"""

from __future__ import annotations

from pathlib import Path

from dagster_project.core.build import planning
from dagster_project.core.build.fingerprint import files_fingerprint, imported_modules


def _write(root: Path, files: dict[str, str]) -> list[Path]:
    paths = []
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_files_fingerprint_is_short_and_ignores_the_order_given(tmp_path: Path) -> None:
    paths = _write(tmp_path, {"a.py": "A = 1\n", "b.py": "B = 2\n", "sub/c.csv": "x\n1\n"})
    first = files_fingerprint(paths, root=tmp_path)
    assert len(first) == 16 and int(first, 16) >= 0
    assert files_fingerprint(list(reversed(paths)), root=tmp_path) == first
    assert files_fingerprint(iter(paths), root=tmp_path) == first  # any iterable, once
    (tmp_path / "b.py").write_text("B = 3\n", encoding="utf-8")
    assert files_fingerprint(paths, root=tmp_path) != first


def test_files_fingerprint_follows_names_not_only_bytes(tmp_path: Path) -> None:
    [one] = _write(tmp_path, {"one.py": "same bytes\n"})
    before = files_fingerprint([one], root=tmp_path)
    renamed = one.rename(tmp_path / "two.py")
    after_rename = files_fingerprint([renamed], root=tmp_path)
    assert after_rename != before
    (tmp_path / "pkg").mkdir()
    moved = renamed.rename(tmp_path / "pkg" / "two.py")
    # Under ``root`` the folder is part of the name; without a root only the file name counts.
    assert files_fingerprint([moved], root=tmp_path) != after_rename
    assert files_fingerprint([moved]) == after_rename


def test_files_fingerprint_names_are_relative_to_the_root(tmp_path: Path) -> None:
    def checkout(name: str, seeds: str) -> str:
        core = tmp_path / name / "core"
        files = _write(core, {"a.py": "A\n", "ticker/b.py": "B\n"})
        seed = _write(tmp_path / name / seeds, {"psx_holidays.csv": "holiday_date\n"})
        return files_fingerprint([*files, *seed], root=core)

    # The same tree in two checkouts has one fingerprint: where the checkout lies is not in it,
    # and a file outside the root (the seeds beside the core package) counts by its name alone.
    assert checkout("left", "seeds") == checkout("right", "seeds")
    assert checkout("moved", "dbt/seeds") == checkout("left", "seeds")
    # Moved under the root, the seed is named by its relative path: another fingerprint.
    assert checkout("inside", "core/seeds") != checkout("left", "seeds")


def test_where_a_name_ends_and_its_bytes_begin_is_part_of_the_fingerprint(tmp_path: Path) -> None:
    [short] = _write(tmp_path / "x", {"a": "bc"})
    [long] = _write(tmp_path / "y", {"ab": "c"})
    assert files_fingerprint([short], root=tmp_path / "x") != files_fingerprint(
        [long], root=tmp_path / "y"
    )


PACKAGE = {
    "pkg/__init__.py": '"""The package."""\n',
    # ``from pkg import b`` names module b; os and json are not the package's.
    "pkg/a.py": "import json\nimport os\n\nfrom pkg import b\n",
    "pkg/b.py": "import pkg.c\n",
    # ``from pkg.sub.d import thing``: sub.d is a module, sub.d.thing is not.
    "pkg/c.py": "from pkg.sub.d import thing\n",
    "pkg/sub/__init__.py": "",
    # A cycle back to a, and a package imported by name: its __init__.py.
    "pkg/sub/d.py": "from pkg import a, sub\n\nthing = 1\n",
    "pkg/unused.py": "import pkg.a\n",
    # A package whose name starts like ours is another package.
    "pkg/e.py": "import pkgextra.x\nfrom pkgextra import y\nfrom pkg import nothing_here\n",
    "pkgextra/x.py": "",
    "pkgextra/y.py": "",
}


def _names(paths: list[Path], root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in paths]


def test_imported_modules_are_the_transitive_closure_within_the_package(tmp_path: Path) -> None:
    _write(tmp_path, PACKAGE)
    package_dir = tmp_path / "pkg"
    found = imported_modules(package_dir, "pkg", ["a"])
    assert _names(found, package_dir) == ["a.py", "b.py", "c.py", "sub/__init__.py", "sub/d.py"]
    # Sorted, absolute and without duplicates whatever the start; unknown names are skipped.
    again = imported_modules(package_dir, "pkg", ["sub.d", "a", "a", "missing"])
    assert again == found and all(path.is_absolute() for path in again)


def test_imported_modules_ignore_other_packages_and_non_modules(tmp_path: Path) -> None:
    _write(tmp_path, PACKAGE)
    package_dir = tmp_path / "pkg"
    assert _names(imported_modules(package_dir, "pkg", ["e"]), package_dir) == ["e.py"]
    assert _names(imported_modules(package_dir, "pkg", ["sub"]), package_dir) == ["sub/__init__.py"]
    assert imported_modules(package_dir, "pkg", []) == []


def test_the_normaliser_closure_holds_the_grammar_not_the_planner() -> None:
    sources = imported_modules(
        planning.CORE_DIR, "dagster_project.core", planning.NORMALISER_ENTRY_POINTS
    )
    names = _names(sources, planning.CORE_DIR)
    assert {"normalise/captures.py", "dating/calendar.py", "reference.py"} <= set(names)
    assert {"ticker/__init__.py", "ticker/grammar.py", "ticker/parse.py"} <= set(names)
    assert {"capture/decode.py", "capture/text.py", "headlines.py"} <= set(names)
    assert "build/planning.py" not in names and "warehouse/database.py" not in names
    assert "warehouse/quality.py" not in names and "build/fingerprint.py" not in names
    assert not any(name.startswith(("build/", "warehouse/", "lake/", "raw/")) for name in names)
    assert names == sorted(names)
