"""The pending captures split into batches of capture-date partitions that can be normalised at
the same time, by different processes, without two of them writing one partition.

A capture's partition is known before it is parsed when its first file is dated (landing's
``file_date``: sidecar, file name or trusted file time). Such a capture goes to the batch of its
date, unless the lake holds it in another partition (it would move, rewriting two). The rest, the
*late* captures, are dated by their page only once parsed: they are stored after every batch, by
one step, so whatever partition they land in is rewritten by one writer at a time.

Pure functions on polars frames.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from dagster_project.core.lake.files import PARTITION_COLUMN, Stored
from dagster_project.core.normalise.captures import CaptureSource

#: The mapping key of the one batch of a run that has nothing dated to normalise.
EMPTY_BATCH_KEY = "none"


@dataclass(frozen=True)
class Batch:
    """Captures of a run of consecutive capture dates, normalised and stored by one step.

    Attributes:
        key: Names the step (``d20241017_20241018``): letters, digits and ``_`` only.
        sources: The captures to parse, in the normaliser's order.
        capture_dates: ``sha256`` -> ``capture_date`` of each of ``sources``.
        index: What the lake holds in those dates (``sha256``, ``capture_date``), or None.
    """

    key: str
    sources: list[CaptureSource]
    capture_dates: pl.DataFrame
    index: pl.DataFrame | None


@dataclass(frozen=True)
class Split:
    """The batches (disjoint capture dates) and the late captures, stored after them."""

    batches: list[Batch]
    late: list[CaptureSource]

    def steps(self) -> list[Batch]:
        """The batches to run as steps: one empty batch when there is none (a graph's mapped
        step must run once for the step after it to run)."""
        return self.batches or [Batch(EMPTY_BATCH_KEY, [], pl.DataFrame(), None)]


def first_file_dates(files: pl.DataFrame) -> pl.DataFrame:
    """``sha256`` -> the ``file_date`` of its first file (by ``captured_at``, then path)."""
    return (
        files.sort("captured_at", "source_path")
        .unique("sha256", keep="first", maintain_order=True)
        .select("sha256", pl.col("file_date").cast(pl.Date()).alias(PARTITION_COLUMN))
    )


def capture_dates(files: pl.DataFrame, captures: pl.DataFrame) -> pl.DataFrame:
    """``sha256`` -> ``capture_date`` of every capture in ``captures``: the partition it goes to.

    The Karachi date its first file was taken (:func:`first_file_dates`: sidecar, file name or
    trusted file time), else the date printed on the page, else null (the
    ``__HIVE_DEFAULT_PARTITION__``).
    """
    return (
        captures.select("sha256", "page_date")
        .join(first_file_dates(files), on="sha256", how="left")
        .select(
            "sha256",
            pl.coalesce(PARTITION_COLUMN, "page_date").cast(pl.Date()).alias(PARTITION_COLUMN),
        )
    )


def _key(dates: list[dt.date]) -> str:
    return f"d{min(dates):%Y%m%d}_{max(dates):%Y%m%d}"


def _chunks(counts: list[tuple[dt.date, int]], parts: int) -> list[list[dt.date]]:
    """Consecutive dates in at most ``parts`` runs of about equal capture counts."""
    total = sum(count for _, count in counts)
    chunks: list[list[dt.date]] = [[]]
    done = 0
    for day, count in counts:
        if chunks[-1] and done >= total * len(chunks) / parts:
            chunks.append([])
        chunks[-1].append(day)
        done += count
    return [chunk for chunk in chunks if chunk]


def split_pending(
    sources: list[CaptureSource],
    files: pl.DataFrame,
    index: pl.DataFrame | None,
    *,
    parts: int,
) -> Split:
    """Split ``sources`` (the pending captures) into at most ``parts`` batches and the late rest.

    Args:
        files: Landing's inventory (``sha256``, ``source_path``, ``captured_at``, ``file_date``).
        index: ``sha256`` and ``capture_date`` of every capture the lake holds, or None.
        parts: How many batches at most (the steps that may run at once); at least 1.
    """
    if parts < 1:
        raise ValueError(f"parts must be at least 1, got {parts}")
    dated = first_file_dates(files)
    pending = pl.DataFrame(
        {"sha256": [source.sha256 for source in sources]}, schema={"sha256": pl.String()}
    ).join(dated, on="sha256", how="left", maintain_order="left")
    held = (
        index.select("sha256", pl.col(PARTITION_COLUMN).alias("held_in"))
        if index is not None
        else pl.DataFrame(schema={"sha256": pl.String(), "held_in": pl.Date()})
    )
    pending = pending.join(held, on="sha256", how="left", maintain_order="left")
    in_batch = pl.col(PARTITION_COLUMN).is_not_null() & (
        pl.col("held_in").is_null() | (pl.col("held_in") == pl.col(PARTITION_COLUMN))
    )
    batched = pending.filter(in_batch)
    late_keys = set(pending["sha256"].to_list()) - set(batched["sha256"].to_list())
    by_sha = {source.sha256: source for source in sources}
    counts = batched.group_by(PARTITION_COLUMN).len().sort(PARTITION_COLUMN).rows()
    batches = []
    for dates in _chunks(counts, parts):
        chosen = batched.filter(pl.col(PARTITION_COLUMN).is_in(dates))
        keys = set(chosen["sha256"].to_list())
        held_here = (
            index.filter(pl.col(PARTITION_COLUMN).is_in(dates)) if index is not None else None
        )
        batches.append(
            Batch(
                key=_key(dates),
                sources=[source for source in sources if source.sha256 in keys],
                capture_dates=chosen.select("sha256", PARTITION_COLUMN),
                index=held_here,
            )
        )
    late = [by_sha[key] for key in by_sha if key in late_keys]
    return Split(batches=batches, late=late)


def combined(parts: Iterable[Stored | None]) -> Stored | None:
    """What several :func:`store` calls on disjoint partitions wrote, as one (None: nothing)."""
    found = [part for part in parts if part is not None]
    if not found:
        return None
    tables = {table for part in found for table in part.rows}
    return Stored(
        capture_dates=sorted(
            {day for part in found for day in part.capture_dates},
            key=lambda value: (value is not None, value or dt.date.min),
        ),
        rows={
            table: pl.concat(
                [part.rows[table] for part in found if table in part.rows], how="vertical"
            )
            for table in tables
        },
    )
