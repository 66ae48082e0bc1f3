"""What a setting's value may be: the ``check`` (and ``coerce``) functions the declarations in
``settings.py`` name. A check returns the problem, or None when the value is fine.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster_project.settings_spec import Check


def positive(variable: str, value: int, resolved: Mapping[str, Any]) -> str | None:
    return None if value > 0 else f"{variable} must be positive, got {value}"


def at_least(least: int) -> Check:
    def check(variable: str, value: int, resolved: Mapping[str, Any]) -> str | None:
        return None if value >= least else f"{variable} must be at least {least}, got {value}"

    return check


def not_before(first: dt.date) -> Check:
    def check(variable: str, value: dt.date, resolved: Mapping[str, Any]) -> str | None:
        return None if value >= first else f"{variable} must be {first} or later, got {value}"

    return check


def one_of(choices: tuple[str, ...]) -> Check:
    def check(variable: str, value: str, resolved: Mapping[str, Any]) -> str | None:
        if value in choices:
            return None
        return f"{variable} must be one of {', '.join(choices)}, got {value!r}"

    return check


def outside_raw(label: str) -> Check:
    """The path must not be the raw dir or inside it (a build never writes there)."""

    def check(variable: str, path: Path, resolved: Mapping[str, Any]) -> str | None:
        raw: Path = resolved["raw_dir"]
        if path == raw or raw in path.parents:
            return f"the {label} ({path}) must not be inside the raw dir ({raw})"
        return None

    return check


def duckdb_file_outside_raw(variable: str, path: Path, resolved: Mapping[str, Any]) -> str | None:
    if path.suffix != ".duckdb":
        return f"{variable} must name a .duckdb file, got {path}"
    return outside_raw("warehouse")(variable, path, resolved)


_MEMORY_SIZE = re.compile(r"\d+(\.\d+)?\s*(B|[KMGT]i?B)", re.IGNORECASE)


def memory_size(variable: str, value: str, resolved: Mapping[str, Any]) -> str | None:
    """A size as DuckDB's ``memory_limit`` takes it: ``512MB``, ``2GB``, ``1.5GiB``."""
    if _MEMORY_SIZE.fullmatch(value.strip()):
        return None
    return f"{variable} must be a size such as 2GB or 512MB, got {value!r}"


def upper(value: object) -> str:
    return str(value).upper()
