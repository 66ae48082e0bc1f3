"""Planning a build: has anything changed since the last one, and which market dates to rebuild.

One planner for ``make build``, the sensors and the schedule. Plain code over paths and a DuckDB
connection: it imports neither Dagster nor the settings (the callers pass the paths in), so the
CLI can decide that a build has nothing to do without starting Dagster or dbt.

Three fingerprints decide it:

- :func:`raw_listing`: the path, size, modification time and mode of every file under the raw dir
  (no file is read);
- :func:`facts_fingerprint`: the dbt project (models, macros, seeds, tests) and the normaliser;
  when it changes the daily facts are rebuilt from scratch;
- :func:`code_fingerprint`: that, plus every Python module of the package, for the no-op check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.core.build.changes import affected_market_dates, all_market_dates
from dagster_project.core.build.dbt_manifest import DailyModel, capture_facts
from dagster_project.core.build.fingerprint import files_fingerprint, imported_modules
from dagster_project.core.raw.listing import is_capture_name, walk
from dagster_project.core.warehouse.database import connect, missing_relations

CORE_DIR = Path(__file__).resolve().parent.parent
DBT_SOURCE_FILES = ("models", "macros", "seeds", "tests", "dbt_project.yml", "profiles.yml")
# What the normaliser runs: these modules and every core module they import (read from the code).
NORMALISER_ENTRY_POINTS = ("normalise.captures", "dating.calendar", "reference")
FACTS_STAMP = "facts.fingerprint"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader sees the old content or the new, never half."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temp.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


# ---------------------------------------------------------------------------- fingerprints


def dbt_source_files(project_dir: Path) -> list[Path]:
    """Every file the dbt manifest and models are made from."""
    files: list[Path] = []
    for name in DBT_SOURCE_FILES:
        path = project_dir / name
        candidates = path.rglob("*") if path.is_dir() else [path]
        files.extend(candidate for candidate in candidates if candidate.is_file())
    return sorted(files)


def normaliser_version(*, holidays_seed: Path, index_codes_seed: Path) -> str:
    """Changes whenever the decoder, the grammar, the calendar or their seeds change."""
    sources = imported_modules(CORE_DIR, "dagster_project.core", NORMALISER_ENTRY_POINTS)
    return files_fingerprint([*sources, holidays_seed, index_codes_seed], root=CORE_DIR)


def facts_fingerprint(*, dbt_project_dir: Path, holidays_seed: Path, index_codes_seed: Path) -> str:
    """Changes when the dbt project or the normaliser changes: the facts must then be rebuilt."""
    return files_fingerprint(dbt_source_files(dbt_project_dir)) + normaliser_version(
        holidays_seed=holidays_seed, index_codes_seed=index_codes_seed
    )


def code_fingerprint(*, facts: str, package_dir: Path, extra_files: Iterable[Path] = ()) -> str:
    """``facts`` plus every Python module under ``package_dir`` and ``extra_files`` (if present).

    Any change to the code a build runs makes the next build run, not only the changes that
    rebuild the facts.
    """
    modules = sorted(package_dir.rglob("*.py"))
    extra = [path for path in extra_files if path.is_file()]
    return facts + files_fingerprint([*modules, *extra])


def models_changed(state_dir: Path, fingerprint: str) -> bool:
    """True unless the facts were last rebuilt from scratch with this ``fingerprint``."""
    stamp = state_dir / FACTS_STAMP
    try:
        return stamp.read_text(encoding="utf-8") != fingerprint
    except OSError:
        return True


def write_facts_stamp(state_dir: Path, fingerprint: str) -> None:
    """Record that the daily facts are built with the code of ``fingerprint``."""
    state_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(state_dir / FACTS_STAMP, fingerprint)


# ---------------------------------------------------------------------------- the raw dir


@dataclass(frozen=True)
class RawListing:
    """What the raw dir holds, without reading any file."""

    signature: str
    """A hash of every file's relative path, size, modification time and mode (sidecars
    included): a file made readable again by ``chmod`` is a change."""
    captures: int
    """How many of the files are captures (``.txt``, ``.htm``, ``.html``, not hidden)."""


def raw_listing(raw_dir: Path) -> RawListing:
    """The listing of every file under ``raw_dir``.

    Hidden directories are skipped, as landing skips them; hidden files are kept, since a fetch
    sidecar dates its capture. Symlinks count with their target's size and time.
    """
    digest = hashlib.sha256()
    captures = 0
    for relative, entry in walk(raw_dir.resolve()):
        try:
            stat = entry.stat()
        except OSError:  # a dangling symlink, or a file removed while listing
            continue
        digest.update(f"{relative}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_mode}\n".encode())
        if is_capture_name(entry.name):
            captures += 1
    return RawListing(signature=digest.hexdigest(), captures=captures)


# ---------------------------------------------------------------------------- the facts


@dataclass(frozen=True)
class FactsPlan:
    """What the daily facts need after an ingest."""

    market_dates: list[dt.date]
    """The market dates whose facts are rebuilt (every loaded date after a full refresh)."""
    full_refresh: bool
    window: tuple[dt.date, dt.date] | None
    """The partition range to rebuild, or None when no date changed (publish only)."""


def plan_facts(
    con: duckdb.DuckDBPyConnection,
    *,
    daily: Sequence[DailyModel],
    empty_window: tuple[dt.date, dt.date],
    models_changed: bool = False,
) -> FactsPlan:
    """Which market dates to rebuild, given the working database after an ingest.

    Normally only the dates whose loaded capture changed, incrementally. Every loaded date, from
    scratch, when the models changed or a daily model (``daily``, dbt's tag) is missing (a
    first build); and when that leaves no date at all, the facts are still built, empty, over
    ``empty_window`` (any window would do: no date has a loaded capture).
    """
    relations = [(model.schema, model.name) for model in daily]
    rebuild = models_changed or bool(missing_relations(con, relations))
    facts = capture_facts(list(daily))
    dates = all_market_dates(con) if rebuild else affected_market_dates(con, facts)
    if dates:
        return FactsPlan(market_dates=dates, full_refresh=rebuild, window=(dates[0], dates[-1]))
    if rebuild:
        return FactsPlan(market_dates=[], full_refresh=True, window=empty_window)
    return FactsPlan(market_dates=[], full_refresh=False, window=None)


def plan_facts_at(
    work_db: Path,
    *,
    daily: Sequence[DailyModel],
    empty_window: tuple[dt.date, dt.date],
    models_changed: bool,
) -> FactsPlan:
    """:func:`plan_facts` on the working database file, opened read-only."""
    with connect(work_db, read_only=True) as con:
        return plan_facts(
            con, daily=daily, empty_window=empty_window, models_changed=models_changed
        )
