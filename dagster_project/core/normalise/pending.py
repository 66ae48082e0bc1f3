"""The captures the lake lacks, and normalising them into it (what the normalise steps run).

:func:`plan` lists the landed captures not yet in the lake at the current normaliser version and
splits them into batches of capture dates (``core/normalise/batches.py``); each batch is parsed and
stored by :meth:`Normaliser.store`; :func:`normalise_pending` parses what is left in this
process (the captures dated only by their page) and mirrors the lake into the working database
(``core/lake/mirror.py``). :func:`repairing` runs either again after removing a damaged lake
file, whose captures are then parsed again from the raw files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb
import polars as pl

from dagster_project.core.dating.calendar import PsxCalendar
from dagster_project.core.errors import LakeError, WarehouseError
from dagster_project.core.lake import files as lake_files
from dagster_project.core.lake.mirror import Synced, sync_lake
from dagster_project.core.normalise.batches import Batch, Split, capture_dates, split_pending
from dagster_project.core.normalise.captures import (
    CaptureSource,
    NormalisedFrames,
    normalise_captures,
)
from dagster_project.core.schemas import LAKE_TABLES
from dagster_project.core.warehouse.database import connect, read_table

T = TypeVar("T")
#: The lake's tables, by the name the working database mirrors them under (``normalised.<name>``).
NORMALISED_TABLES = tuple(LAKE_TABLES)
#: The lake table whose partition file is written last: a capture counts as normalised once its
#: row is in it (``core/lake/files.py``).
MARKER = "captures"


@dataclass(frozen=True)
class Normaliser:
    """How captures are parsed, and the version that parsing makes (stored with each capture).

    Attributes:
        version: Changes with the decoder, the grammar, the calendar or their seeds
            (``planning.normaliser_version``); a capture parsed at another version is parsed again.
    """

    calendar: PsxCalendar
    index_codes: frozenset[str]
    max_bytes: int
    html_timeout: float
    version: str

    def tables(self, sources: list[CaptureSource]) -> dict[str, pl.DataFrame]:
        """``sources`` parsed, by lake table; the captures carry the version they were parsed
        with. No sources: every table empty, with its columns."""
        return self.lake_tables(
            normalise_captures(
                sources,
                calendar=self.calendar,
                max_bytes=self.max_bytes,
                index_codes=self.index_codes,
                html_timeout=self.html_timeout,
            )
        )

    def lake_tables(self, frames: NormalisedFrames) -> dict[str, pl.DataFrame]:
        """``frames`` by lake table name, the captures with this normaliser's version."""
        captures = frames.captures.with_columns(normaliser_version=pl.lit(self.version))
        return {
            table: captures if table == MARKER else getattr(frames, table)
            for table in NORMALISED_TABLES
        }


def pending_sources(
    files: pl.DataFrame, done: pl.DataFrame | None, raw_dir: Path, *, version: str
) -> list[CaptureSource]:
    """One source per distinct capture in ``files`` that ``done`` lacks at ``version``: the
    first file of each (by capture time, then path)."""
    todo = files
    if done is not None and "normaliser_version" in done.columns:
        current = done.filter(pl.col("normaliser_version") == version)["sha256"]
        todo = files.filter(~pl.col("sha256").is_in(current.implode()))
    todo = todo.sort("captured_at", "source_path").unique(
        "sha256", keep="first", maintain_order=True
    )
    return [
        CaptureSource(
            sha256=row["sha256"], path=raw_dir / row["source_path"], byte_size=row["byte_size"]
        )
        for row in todo.iter_rows(named=True)
    ]


def plan(work_db: Path, lake: Path, raw_dir: Path, normaliser: Normaliser, *, parts: int) -> Split:
    """The pending captures in batches of capture dates (at most ``parts``), and the late ones."""
    with connect(work_db) as con:
        files = landed_files(con)
        index = synced_index(con, lake, normaliser)
    done = index if index.height else None
    sources = pending_sources(files, done, raw_dir, version=normaliser.version)
    return split_pending(sources, files, done, parts=max(1, parts))


def store_batch(
    lake: Path, normaliser: Normaliser, batch: Batch
) -> tuple[dict[str, pl.DataFrame], lake_files.Stored | None]:
    """Parse one batch's captures and replace its capture dates' lake partitions (no database:
    batches run side by side). Returns the tables parsed and what was stored (None: nothing)."""
    tables = normaliser.tables(batch.sources)
    if not batch.sources:
        return tables, None
    stored = lake_files.store(
        lake, tables, capture_dates=batch.capture_dates, index=batch.index, marker=MARKER
    )
    return tables, stored


@dataclass(frozen=True)
class Normalised:
    """What :func:`normalise_pending` did: the captures it parsed, their tables, what it stored
    in the lake (None: nothing) and what the mirror reloaded, by table."""

    sources: list[CaptureSource]
    tables: dict[str, pl.DataFrame]
    stored: lake_files.Stored | None
    synced: dict[str, Synced]


def normalise_pending(
    work_db: Path,
    lake: Path,
    raw_dir: Path,
    normaliser: Normaliser,
    *,
    written: lake_files.Stored | None = None,
) -> Normalised:
    """Parse the captures still pending into the lake, in this process, and mirror the lake into
    the working database (``written``: rows batch steps stored, if they came in memory)."""
    with connect(work_db) as con:
        files = landed_files(con)
        index = synced_index(con, lake, normaliser, written)
        done = index if index.height else None
        sources = pending_sources(files, done, raw_dir, version=normaliser.version)
        tables = normaliser.tables(sources)
        stored = None
        if sources:
            stored = lake_files.store(
                lake,
                tables,
                capture_dates=capture_dates(files, tables[MARKER]),
                index=index,
                marker=MARKER,
            )
        synced = sync_lake(con, lake, "normalised", tables, written=stored)
    return Normalised(sources, tables, stored, synced)


def repairing(lake: Path, work: Callable[[], T], *, on_repair: Callable[[str], None]) -> T:
    """``work()``; on a damaged lake file, remove it (and its partition's marker file, so that
    its captures are parsed again), tell ``on_repair`` what was removed, and retry once."""
    try:
        return work()
    except LakeError as exc:
        removed = lake_files.remove_damaged(lake, NORMALISED_TABLES, marker=MARKER)
        if not removed:
            raise
        on_repair(
            f"{exc}; removed {len(removed)} damaged lake file(s) and the captures of their "
            "partitions, which are parsed again: " + ", ".join(str(p) for p in removed[:10])
        )
        return work()


def landed_files(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The landed capture files (``landing.capture_files``); an error when landing never ran."""
    files = read_table(con, "landing", "capture_files")
    if files is None:
        raise WarehouseError("landing.capture_files is missing: materialise landing first")
    return files


def synced_index(
    con: duckdb.DuckDBPyConnection,
    lake: Path,
    normaliser: Normaliser,
    written: lake_files.Stored | None = None,
) -> pl.DataFrame:
    """The lake's captures (``sha256``, ``normaliser_version``, ``capture_date``), read from the
    mirror once it is in step with the lake."""
    sync_lake(con, lake, "normalised", normaliser.tables([]), written=written)
    index: pl.DataFrame = con.sql(
        "select sha256, normaliser_version, capture_date from normalised.captures"
    ).pl()
    return index
