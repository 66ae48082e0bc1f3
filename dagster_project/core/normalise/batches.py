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
#: The captures' bytes one batch parses at most (unless one capture date alone holds more: a
#: partition is written by one step). Parsing a batch takes 16-22 bytes of memory per byte of
#: text captures (measured at 16 and 48 MB), so a build's peak is bounded by this, not by the
#: history (docs/scaling.md).
MAX_BATCH_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Batch:
    """Captures of a run of consecutive capture dates, normalised and stored by one step.

    Attributes:
        key: Names the step (``d20241017_20241018``): letters, digits and ``_`` only.
        sources: The captures to parse, in the normaliser's order.
        capture_dates: ``sha256`` -> ``capture_date`` of each of ``sources``.
        index: What the lake holds in those dates (``sha256``, ``capture_date``), or None.
        alone: The only batch of its run: the rows it stores may be handed to the mirror in
            memory (with several, each is read back from the lake, so memory stays bounded).
    """

    key: str
    sources: list[CaptureSource]
    capture_dates: pl.DataFrame
    index: pl.DataFrame | None
    alone: bool = True


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


def _chunks(sizes: list[tuple[dt.date, int]], parts: int, max_bytes: int) -> list[list[dt.date]]:
    """Consecutive dates in runs of about equal bytes, at least ``parts`` of them when there are
    as many dates, and none over ``max_bytes`` unless one date alone is."""
    total = sum(size for _, size in sizes)
    parts = max(parts, -(-total // max_bytes))
    chunks: list[list[dt.date]] = [[]]
    done = held = 0
    for day, size in sizes:
        if chunks[-1] and (done >= total * len(chunks) / parts or held + size > max_bytes):
            chunks.append([])
            held = 0
        chunks[-1].append(day)
        done += size
        held += size
    return [chunk for chunk in chunks if chunk]


def split_pending(
    sources: list[CaptureSource],
    files: pl.DataFrame,
    index: pl.DataFrame | None,
    *,
    parts: int,
    max_bytes: int = MAX_BATCH_BYTES,
) -> Split:
    """Split ``sources`` (the pending captures) into batches of consecutive capture dates and
    the late rest: ``parts`` batches of about equal bytes (fewer when there are fewer dates), more
    when that keeps each batch within ``max_bytes``.

    Args:
        files: Landing's inventory (``sha256``, ``source_path``, ``captured_at``, ``file_date``).
        index: ``sha256`` and ``capture_date`` of every capture the lake holds, or None.
        parts: How many batches at least (the steps that may run at once); at least 1.
        max_bytes: The captures' bytes a batch holds at most (one date is never split).
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
    size = pl.DataFrame(
        {
            "sha256": [source.sha256 for source in sources],
            "bytes": [source.byte_size for source in sources],
        },
        schema={"sha256": pl.String(), "bytes": pl.Int64()},
    )
    sizes = (
        batched.join(size, on="sha256", how="left")
        .group_by(PARTITION_COLUMN)
        .agg(pl.col("bytes").sum())
        .sort(PARTITION_COLUMN)
        .rows()
    )
    chunks = _chunks(sizes, parts, max_bytes)
    batches = []
    for dates in chunks:
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
                alone=len(chunks) == 1,
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
