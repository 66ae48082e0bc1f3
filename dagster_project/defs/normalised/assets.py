"""Normalise: quotes, index levels, rejected lines and headlines of every capture not yet parsed.

The frames go to the lake (``core/lake.py``: Parquet, one partition per capture date); the working
database mirrors it (``core/lake_sources.py``: ``normalised.quotes`` …, reloading only the
partitions that changed), and dbt reads those tables as its sources.
"""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import polars as pl

from dagster_project.core import lake as lake_files
from dagster_project.core import planning
from dagster_project.core.calendar import psx_calendar
from dagster_project.core.errors import LakeError
from dagster_project.core.lake_sources import Synced, sync_lake
from dagster_project.core.normalise import CaptureSource, NormalisedFrames, normalise_captures
from dagster_project.core.reference import read_index_codes
from dagster_project.core.warehouse import connect, read_table
from dagster_project.defs.landing.assets import CAPTURE_FILES
from dagster_project.defs.metadata import headline_items, markdown_list, markdown_table
from dagster_project.defs.partitions import WORK_DB_POOL
from dagster_project.defs.resources import MarketResource
from dagster_project.settings import HOLIDAYS_SEED, INDEX_CODES_SEED, Settings

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


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["normalised", table],
            deps=[CAPTURE_FILES],
            group_name="normalised",
            kinds={"polars", "duckdb"},
            description=_DESCRIPTIONS[table],
        )
        for table in NORMALISED_TABLES
    ],
    pool=WORK_DB_POOL,
)
def normalised_captures(
    context: dg.AssetExecutionContext, market: MarketResource
) -> Iterator[dg.MaterializeResult[None]]:
    """Parse every capture not yet normalised into quotes, index levels, rejected lines and
    headlines."""
    settings = market.settings()
    lake = settings.lake
    try:
        sources, frames, stored, synced = _normalise(settings)
    except LakeError as exc:
        removed = lake_files.remove_damaged(lake, NORMALISED_TABLES, marker="captures")
        if not removed:
            raise
        context.log.warning(
            f"{exc}; removed {len(removed)} damaged lake file(s) and the captures of their "
            "partitions, which are parsed again: " + ", ".join(str(p) for p in removed[:10])
        )
        sources, frames, stored, synced = _normalise(settings)
    context.log.info(f"normalised {len(sources)} new capture(s)")
    rejected = frames.captures.filter(pl.col("reject_reason").is_not_null())
    for table in NORMALISED_TABLES:
        frame: pl.DataFrame = getattr(frames, table)
        metadata: dict[str, dg.RawMetadataValue] = {
            "new_rows": frame.height,
            "lake": dg.MetadataValue.path(str(lake_files.table_dir(lake, table))),
            "partitions_rewritten": len(stored.capture_dates) if stored else 0,
            "partitions": synced[table].partitions,
            "partitions_reloaded": synced[table].reloaded,
        }
        if table == "captures":
            metadata["new_captures"] = frame.height
            metadata["rejected_captures"] = dg.MetadataValue.md(
                markdown_table(rejected.select("sha256", "reject_reason").head(20))
            )
        if table == "rejected_lines":
            metadata["sample"] = dg.MetadataValue.md(
                markdown_table(frame.select("sha256", "line_no", "line", "reason").head(20))
            )
        if table == "headlines":
            metadata["headlines"] = dg.MetadataValue.md(markdown_list(headline_items(frame)))
        yield dg.MaterializeResult(asset_key=["normalised", table], metadata=metadata)


def _normalise_sources(sources: list[CaptureSource], settings: Settings) -> NormalisedFrames:
    return normalise_captures(
        sources,
        calendar=psx_calendar(HOLIDAYS_SEED),
        max_bytes=settings.max_capture_bytes,
        index_codes=read_index_codes(INDEX_CODES_SEED),
    )


def _normalise(
    settings: Settings,
) -> tuple[list[CaptureSource], NormalisedFrames, lake_files.Stored | None, dict[str, Synced]]:
    """Parse the pending captures into the lake and mirror it into the working database."""
    lake = settings.lake
    with connect(settings.work_db) as con:
        files = read_table(con, "landing", "capture_files")
        if files is None:
            raise dg.Failure("landing.capture_files is missing: materialise landing first")
        # The mirror first (a few ms when the lake did not change): what is normalised is then
        # read from it, not from thousands of lake files.
        sync_lake(con, lake, "normalised", lake_tables(_normalise_sources([], settings)))
        index = con.sql(
            "select sha256, normaliser_version, capture_date from normalised.captures"
        ).pl()
        sources = pending_sources(files, index if index.height else None, settings.raw_dir)
        frames = _normalise_sources(sources, settings)
        tables = lake_tables(frames)
        stored = None
        if sources:
            stored = lake_files.store(
                lake,
                tables,
                capture_dates=lake_files.capture_dates(files, tables["captures"]),
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
