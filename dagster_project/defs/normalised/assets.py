"""Normalise: quotes, index levels, rejected lines and headlines of every capture not yet parsed.

The frames go to the lake (``core/lake.py``: Parquet, one partition per capture date); the working
database mirrors it (``core/lake_sources.py``: ``normalised.quotes`` …, reloading only the
partitions that changed), and dbt reads those tables as its sources.

A graph of three steps, so that an executor with processes (``MARKET_WORKERS`` > 1: Dagster's
multiprocess executor; a cluster executor elsewhere) parses batches side by side:
``plan_normalise`` splits the pending captures into batches of capture dates
(``core/lake_batches.py``), one ``normalise_batch`` step per batch writes its partitions, and
``mirror_normalised`` normalises the captures dated only by their page, then mirrors the lake.
"""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import dagster as dg
import duckdb
import polars as pl

from dagster_project.core import lake as lake_files
from dagster_project.core import planning
from dagster_project.core.calendar import psx_calendar
from dagster_project.core.errors import LakeError
from dagster_project.core.lake_batches import (
    EMPTY_BATCH_KEY,
    Batch,
    Split,
    capture_dates,
    combined,
    split_pending,
)
from dagster_project.core.lake_sources import Synced, sync_lake
from dagster_project.core.normalise import CaptureSource, NormalisedFrames, normalise_captures
from dagster_project.core.reference import read_index_codes
from dagster_project.core.warehouse import connect, read_table
from dagster_project.defs.landing.assets import CAPTURE_FILES
from dagster_project.defs.metadata import headline_items, markdown_list
from dagster_project.defs.normalised.summary import BatchResult, sample, summary
from dagster_project.defs.partitions import WORK_DB_POOL
from dagster_project.defs.resources import MarketResource
from dagster_project.settings import HOLIDAYS_SEED, INDEX_CODES_SEED, Settings

T = TypeVar("T")
NORMALISED_TABLES = ("captures", "quotes", "index_levels", "rejected_lines", "headlines")
_DESCRIPTIONS = {
    "captures": "One row per parsed capture: format, page date, PSX session, reject reason.",
    "quotes": "One row per stock quote line of a capture (symbol, close, change, change %).",
    "index_levels": "One row per index line of a capture (index code, level, change, change %).",
    "rejected_lines": "Ticker-like lines that did not parse, with the reason.",
    "headlines": "One row per distinct headline of a capture: the article's title and its stories.",
}


def normaliser_version() -> str:
    """Changes whenever the decoder, the grammar, the calendar or their seeds change."""
    return planning.normaliser_version(
        holidays_seed=HOLIDAYS_SEED, index_codes_seed=INDEX_CODES_SEED
    )


def pending_sources(
    files: pl.DataFrame, done: pl.DataFrame | None, raw_dir: Path
) -> list[CaptureSource]:
    """One source per distinct capture in ``files`` that ``done`` lacks at the current version."""
    version = normaliser_version()
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


@dg.op(
    ins={"capture_files": dg.In(dg.Nothing)},
    out=dg.DynamicOut(Batch),
    pool=WORK_DB_POOL,
)
def plan_normalise(
    context: dg.OpExecutionContext, market: MarketResource
) -> Iterator[dg.DynamicOutput[Batch]]:
    """Split the captures not yet normalised into batches of capture dates, one step each."""
    settings = market.settings()
    split = _repairing(context, settings, lambda: _plan(settings))
    context.log.info(
        f"{sum(len(b.sources) for b in split.batches)} dated capture(s) in "
        f"{len(split.batches)} batch(es), {len(split.late)} dated by their page (stored last)"
    )
    empty = Batch(EMPTY_BATCH_KEY, [], pl.DataFrame(), None)
    for batch in split.batches or [empty]:
        yield dg.DynamicOutput(batch, mapping_key=batch.key)


@dg.op
def normalise_batch(
    context: dg.OpExecutionContext, market: MarketResource, batch: Batch
) -> BatchResult:
    """Parse one batch's captures and replace its capture dates' lake partitions (no database:
    batches run side by side)."""
    settings = market.settings()
    tables = lake_tables(_normalise_sources(batch.sources, settings))
    stored = None
    if batch.sources:
        stored = lake_files.store(
            settings.lake,
            tables,
            capture_dates=batch.capture_dates,
            index=batch.index,
            marker="captures",
        )
    context.log.info(f"batch {batch.key}: {len(batch.sources)} capture(s)")
    return summary(tables, stored if settings.workers <= 1 else None)


@dg.op(out={table: dg.Out(dg.Nothing) for table in NORMALISED_TABLES}, pool=WORK_DB_POOL)
def mirror_normalised(
    context: dg.OpExecutionContext, market: MarketResource, batches: list[BatchResult]
) -> Iterator[dg.Output[None]]:
    """Normalise the late captures (dated by their page), then mirror the lake into the working
    database."""
    settings = market.settings()
    lake = settings.lake
    written = combined([batch.stored for batch in batches])
    sources, frames, stored, synced = _repairing(
        context, settings, lambda: _normalise(settings, written=written)
    )
    results = [*batches, summary(lake_tables(frames), None)]
    context.log.info(f"normalised {sum(r.counts['captures'] for r in results)} new capture(s)")
    for table in NORMALISED_TABLES:
        metadata: dict[str, dg.RawMetadataValue] = {
            "new_rows": sum(result.counts[table] for result in results),
            "lake": dg.MetadataValue.path(str(lake_files.table_dir(lake, table))),
            "partitions_rewritten": len(stored.capture_dates) if stored else 0,
            "partitions": synced[table].partitions,
            "partitions_reloaded": synced[table].reloaded,
        }
        if table == "captures":
            metadata["new_captures"] = metadata["new_rows"]
            metadata["late_captures"] = len(sources)
            metadata["rejected_captures"] = sample(results, "rejected_captures")
        if table == "rejected_lines":
            metadata["sample"] = sample(results, "rejected_lines")
        if table == "headlines":
            headlines = pl.concat([r.samples["headlines"] for r in results], how="vertical")
            metadata["headlines"] = dg.MetadataValue.md(markdown_list(headline_items(headlines)))
        yield dg.Output(None, output_name=table, metadata=metadata)


@dg.graph_multi_asset(
    outs={
        table: dg.AssetOut(
            key=["normalised", table],
            kinds={"polars", "duckdb"},
            description=_DESCRIPTIONS[table],
            dagster_type=dg.Nothing,
        )
        for table in NORMALISED_TABLES
    },
    ins={"capture_files": dg.AssetIn(key=CAPTURE_FILES, dagster_type=dg.Nothing)},
    group_name="normalised",
)
def normalised_captures(capture_files: Any) -> dict[str, Any]:
    """Parse every capture not yet normalised into quotes, index levels, rejected lines and
    headlines: one step per batch of capture dates, then the late captures and the mirror."""
    batches = plan_normalise(capture_files).map(normalise_batch)
    return dict(mirror_normalised(batches.collect())._asdict())


def _repairing(context: dg.OpExecutionContext, settings: Settings, work: Callable[[], T]) -> T:
    """``work()``; on a damaged lake file, remove it (its captures are parsed again) and retry."""
    try:
        return work()
    except LakeError as exc:
        removed = lake_files.remove_damaged(settings.lake, NORMALISED_TABLES, marker="captures")
        if not removed:
            raise
        context.log.warning(
            f"{exc}; removed {len(removed)} damaged lake file(s) and the captures of their "
            "partitions, which are parsed again: " + ", ".join(str(p) for p in removed[:10])
        )
        return work()


def _plan(settings: Settings) -> Split:
    with connect(settings.work_db) as con:
        files = _capture_files(con)
        index = _synced_index(con, settings)
    sources = pending_sources(files, index if index.height else None, settings.raw_dir)
    return split_pending(
        sources, files, index if index.height else None, parts=max(1, settings.workers)
    )


def _capture_files(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    files = read_table(con, "landing", "capture_files")
    if files is None:
        raise dg.Failure("landing.capture_files is missing: materialise landing first")
    return files


def _synced_index(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    written: lake_files.Stored | None = None,
) -> pl.DataFrame:
    """The lake's captures (``sha256``, ``normaliser_version``, ``capture_date``), read from the
    mirror once it is in step with the lake (a few ms when the lake did not change)."""
    empty = lake_tables(_normalise_sources([], settings))
    sync_lake(con, settings.lake, "normalised", empty, written=written)
    index: pl.DataFrame = con.sql(
        "select sha256, normaliser_version, capture_date from normalised.captures"
    ).pl()
    return index


def _normalise_sources(sources: list[CaptureSource], settings: Settings) -> NormalisedFrames:
    return normalise_captures(
        sources,
        calendar=psx_calendar(HOLIDAYS_SEED),
        max_bytes=settings.max_capture_bytes,
        index_codes=read_index_codes(INDEX_CODES_SEED),
        html_timeout=settings.html_timeout,
    )


def _normalise(
    settings: Settings, *, written: lake_files.Stored | None = None
) -> tuple[list[CaptureSource], NormalisedFrames, lake_files.Stored | None, dict[str, Synced]]:
    """Parse the captures still pending into the lake, in this process, and mirror it into the
    working database (``written``: rows the batch steps stored, if they came in memory)."""
    lake = settings.lake
    with connect(settings.work_db) as con:
        files = _capture_files(con)
        index = _synced_index(con, settings, written)
        sources = pending_sources(files, index if index.height else None, settings.raw_dir)
        frames = _normalise_sources(sources, settings)
        tables = lake_tables(frames)
        stored = None
        if sources:
            stored = lake_files.store(
                lake,
                tables,
                capture_dates=capture_dates(files, tables["captures"]),
                index=index,
                marker="captures",
            )
        synced = sync_lake(con, lake, "normalised", tables, written=stored)
    return sources, frames, stored, synced


def lake_tables(frames: NormalisedFrames) -> dict[str, pl.DataFrame]:
    """The frames by lake table name; the captures carry the normaliser version they were
    parsed with."""
    captures = frames.captures.with_columns(normaliser_version=pl.lit(normaliser_version()))
    return {
        table: captures if table == "captures" else getattr(frames, table)
        for table in NORMALISED_TABLES
    }
