"""Normalise: quotes, index levels, rejected lines and headlines of every capture not yet parsed.

The frames go to the lake (``core/lake/files.py``: Parquet, one partition per capture date);
the working database mirrors it (``core/lake/mirror.py``: ``normalised.quotes`` …, reloading
only the partitions that changed), and dbt reads those tables as its sources.

A graph of three steps, so that an executor with processes (``MARKET_WORKERS`` > 1: Dagster's
multiprocess executor; a cluster executor elsewhere) parses batches side by side:
``plan_normalise`` splits the pending captures into batches of capture dates
(``core/normalise/batches.py``), one ``normalise_batch`` step per batch writes its partitions, and
``mirror_normalised`` normalises the captures dated only by their page, then mirrors the lake.
What each step does is ``core/normalise/pending.py``; the steps only wire it and report it.
"""

from collections.abc import Iterator
from typing import Any

import dagster as dg

from dagster_project.core.build import planning
from dagster_project.core.dating.calendar import psx_calendar
from dagster_project.core.normalise.batches import Batch, combined
from dagster_project.core.normalise.pending import (
    NORMALISED_TABLES,
    Normaliser,
    normalise_pending,
    plan,
    repairing,
    store_batch,
)
from dagster_project.core.reference import read_index_codes
from dagster_project.defs.landing.assets import CAPTURE_FILES
from dagster_project.defs.normalised.summary import BatchResult, summary, table_metadata
from dagster_project.defs.partitions import WORK_DB_POOL
from dagster_project.defs.resources import MarketResource
from dagster_project.settings import HOLIDAYS_SEED, INDEX_CODES_SEED, Settings

_DESCRIPTIONS = {
    "captures": "One row per parsed capture: format, page date, PSX session, reject reason.",
    "quotes": "One row per stock quote line of a capture (symbol, close, change, change %).",
    "index_levels": "One row per index line of a capture (index code, level, change, change %).",
    "rejected_lines": "Ticker-like lines that did not parse, with the reason.",
    "headlines": "One row per distinct headline of a capture: the article's title and its stories.",
}


def normaliser(settings: Settings) -> Normaliser:
    """How this deployment parses captures: the seeds' calendar and index codes, the limits."""
    return Normaliser(
        calendar=psx_calendar(HOLIDAYS_SEED),
        index_codes=read_index_codes(INDEX_CODES_SEED),
        max_bytes=settings.max_capture_bytes,
        html_timeout=settings.html_timeout,
        version=planning.normaliser_version(
            holidays_seed=HOLIDAYS_SEED, index_codes_seed=INDEX_CODES_SEED
        ),
    )


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
    split = repairing(
        settings.lake,
        lambda: plan(
            settings.work_db,
            settings.lake,
            settings.raw_dir,
            normaliser(settings),
            parts=settings.workers,
        ),
        on_repair=context.log.warning,
    )
    context.log.info(
        f"{sum(len(b.sources) for b in split.batches)} dated capture(s) in "
        f"{len(split.batches)} batch(es), {len(split.late)} dated by their page (stored last)"
    )
    for batch in split.steps():
        yield dg.DynamicOutput(batch, mapping_key=batch.key)


@dg.op
def normalise_batch(
    context: dg.OpExecutionContext, market: MarketResource, batch: Batch
) -> BatchResult:
    """Parse one batch's captures and replace its capture dates' lake partitions (no database:
    batches run side by side)."""
    settings = market.settings()
    tables, stored = store_batch(settings.lake, normaliser(settings), batch)
    context.log.info(f"batch {batch.key}: {len(batch.sources)} capture(s)")
    return summary(tables, stored, in_process=settings.workers <= 1 and batch.alone)


@dg.op(out={table: dg.Out(dg.Nothing) for table in NORMALISED_TABLES}, pool=WORK_DB_POOL)
def mirror_normalised(
    context: dg.OpExecutionContext, market: MarketResource, batches: list[BatchResult]
) -> Iterator[dg.Output[None]]:
    """Normalise the late captures (dated by their page), then mirror the lake into the working
    database."""
    settings = market.settings()
    lake = settings.lake
    written = combined([batch.stored for batch in batches])
    done = repairing(
        lake,
        lambda: normalise_pending(
            settings.work_db, lake, settings.raw_dir, normaliser(settings), written=written
        ),
        on_repair=context.log.warning,
    )
    results = [*batches, summary(done.tables, None)]
    context.log.info(f"normalised {sum(r.counts['captures'] for r in results)} new capture(s)")
    for table, metadata in table_metadata(results, done, lake).items():
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
