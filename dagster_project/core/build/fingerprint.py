"""Fingerprints of code and reference data: when one changes, what depends on it is redone.

Normalised rows are cached per capture; when the grammar, the decoder or the holiday seed changes,
the fingerprint changes and every capture is normalised again. Which modules count is read from
the code itself (:func:`imported_modules`), not listed by hand.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable
from pathlib import Path


def files_fingerprint(paths: Iterable[Path], *, root: Path | None = None) -> str:
    """A short hash of the given files' names (relative to ``root`` when under it) and bytes.

    Each name and each file's bytes go in with their length, so moving characters between a
    name and its content changes the hash; files are taken in the order of those names.
    """

    def name(path: Path) -> str:
        under = root is not None and path.is_relative_to(root)
        return path.relative_to(root).as_posix() if root and under else path.name

    digest = hashlib.sha256()
    for label, path in sorted((name(path), path) for path in paths):
        for part in (label.encode(), path.read_bytes()):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()[:16]


def imported_modules(package_dir: Path, package: str, start: Iterable[str]) -> list[Path]:
    """The files of ``start`` and of every module of ``package`` they import, transitively.

    Args:
        package_dir: The folder of ``package`` (e.g. ``.../dagster_project/core``).
        package: Its dotted name (``dagster_project.core``).
        start: Module names relative to ``package`` (``normalise``, ``ticker.grammar``).

    Returns:
        The module files found (a package counts as its ``__init__.py``), sorted.
    """
    seen: set[Path] = set()
    pending = list(start)
    while pending:
        path = _module_file(package_dir, pending.pop())
        if path is None or path in seen:
            continue
        seen.add(path)
        pending += _imports_within(path, package)
    return sorted(seen)


def _module_file(package_dir: Path, name: str) -> Path | None:
    base = package_dir.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports_within(path: Path, package: str) -> list[str]:
    """The modules of ``package`` that ``path`` imports, relative to it (static, no import)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from package import ticker`` names a module; ``from package.x import y`` may too.
            modules = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        prefix = f"{package}."
        found += [module.removeprefix(prefix) for module in modules if module.startswith(prefix)]
    return found
