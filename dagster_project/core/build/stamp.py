"""The stamp of the last successful build: what it was built from, to skip a build with nothing new.

A build whose raw listing, code and options equal the stamp's, and whose published warehouse and
working database are the very files the stamp recorded (same size, modification time and inode),
would rebuild the same warehouse: the CLI says so and stops before Dagster or dbt start.

The stamp is removed before a build starts and written (atomically) only after it succeeded, so a
failed or killed build never leaves a stamp that would skip the build it still owes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dagster_project.core.build import planning
from dagster_project.core.build.planning import RawListing, write_atomic

BUILD_STAMP = "build.stamp.json"
_FORMAT = 1


@dataclass(frozen=True)
class BuildInputs:
    """Everything a build's result depends on, known before it starts."""

    listing: RawListing
    code: str
    """:func:`~dagster_project.core.build.planning.code_fingerprint` of the running code."""
    options: Mapping[str, str]
    """The settings that change what a build produces (paths, trust of file times, size cap)."""

    def as_json(self) -> dict[str, Any]:
        return {
            "listing": self.listing.signature,
            "captures": self.listing.captures,
            "code": self.code,
            "options": dict(sorted(self.options.items())),
        }


def build_inputs(
    raw_dir: Path,
    *,
    options: Mapping[str, str],
    dbt_project_dir: Path,
    holidays_seed: Path,
    index_codes_seed: Path,
    package_dir: Path,
    extra_files: Iterable[Path] = (),
) -> BuildInputs:
    """What a build would be made from: the raw listing, the code and the options."""
    facts = planning.facts_fingerprint(
        dbt_project_dir=dbt_project_dir,
        holidays_seed=holidays_seed,
        index_codes_seed=index_codes_seed,
    )
    return BuildInputs(
        listing=planning.raw_listing(raw_dir),
        code=planning.code_fingerprint(
            facts=facts, package_dir=package_dir, extra_files=extra_files
        ),
        options=options,
    )


@dataclass(frozen=True)
class Unchanged:
    """A build that would change nothing: what the last one built, and when."""

    captures: int
    built_at: str

    def describe(self, warehouse: Path) -> str:
        """The line a build prints instead of building."""
        return (
            f"nothing new: {self.captures} captures unchanged since the last build at "
            f"{self.built_at}; warehouse {warehouse} unchanged"
        )


def file_state(path: Path) -> list[int] | None:
    """A file's size, modification time and inode, or None when it does not exist."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


def clear_stamp(state_dir: Path) -> None:
    """Forget the last build: the next one runs whatever it finds."""
    (state_dir / BUILD_STAMP).unlink(missing_ok=True)


def write_stamp(
    state_dir: Path,
    inputs: BuildInputs,
    *,
    warehouse: Path,
    work_db: Path,
    built_at: dt.datetime,
) -> None:
    """Record a successful build of ``inputs`` (call after the warehouse was published)."""
    stamp = {
        "format": _FORMAT,
        **inputs.as_json(),
        "warehouse": file_state(warehouse),
        "work_db": file_state(work_db),
        "built_at": built_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
    }
    state_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(state_dir / BUILD_STAMP, json.dumps(stamp, indent=1) + "\n")


def unchanged_since_last_build(
    state_dir: Path, inputs: BuildInputs, *, warehouse: Path, work_db: Path
) -> Unchanged | None:
    """The last build, when building ``inputs`` again would change nothing; else None."""
    try:
        stamp = json.loads((state_dir / BUILD_STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("format") != _FORMAT:
        return None
    current = {**inputs.as_json(), "warehouse": file_state(warehouse)}
    current["work_db"] = file_state(work_db)
    if current["warehouse"] is None or current["work_db"] is None:
        return None
    if any(stamp.get(key) != value for key, value in current.items()):
        return None
    return Unchanged(captures=inputs.listing.captures, built_at=str(stamp.get("built_at")))
