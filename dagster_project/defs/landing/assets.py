"""Landing: the inventory of capture files under the raw dir, of those that could not be read,
and the PSX calendar that dated them.

Each is a table of the working database (``landing.capture_files``, ``landing.skipped_files``,
``landing.psx_sessions``) and, for engines that do not read that file (Spark), a file of the
lake (``<table>/data.parquet``). dbt reports the skipped ones in ``audit.captures``.
"""

from collections.abc import Iterator

import dagster as dg

from dagster_project.core.dating.calendar import psx_calendar
from dagster_project.core.raw.landing import land
from dagster_project.defs.landing.fetch import FETCHED_PAGES
from dagster_project.defs.metadata import markdown_table
from dagster_project.defs.partitions import WORK_DB_POOL
from dagster_project.defs.resources import MarketResource
from dagster_project.settings import HOLIDAYS_SEED

CAPTURE_FILES = dg.AssetKey(["landing", "capture_files"])
SKIPPED_FILES = dg.AssetKey(["landing", "skipped_files"])
PSX_SESSIONS = dg.AssetKey(["landing", "psx_sessions"])


def _landing_spec(key: dg.AssetKey, description: str) -> dg.AssetSpec:
    """One of landing's two tables: after the fetch, in the landing group, written by Python."""
    return dg.AssetSpec(
        key,
        deps=[FETCHED_PAGES],
        group_name="landing",
        kinds={"python", "duckdb"},
        description=description,
    )


@dg.multi_asset(
    specs=[
        _landing_spec(
            CAPTURE_FILES,
            "Every capture file under the raw dir, identified by the SHA-256 of its bytes.",
        ),
        _landing_spec(
            SKIPPED_FILES,
            "The capture files and directories under the raw dir that could not be read (no "
            "permission, a symlink loop), with the reason.",
        ),
        _landing_spec(
            PSX_SESSIONS,
            "The PSX sessions of the calendar the captures are dated with (exchange-calendars' "
            "XKAR and the holidays seed), from 2000 to a year ahead.",
        ),
    ],
    pool=WORK_DB_POOL,
)
def capture_files(
    context: dg.AssetExecutionContext, market: MarketResource
) -> Iterator[dg.MaterializeResult[None]]:
    """Inventory the raw dir: its capture files, and those that could not be read; and the PSX
    calendar they were dated with."""
    settings = market.settings()
    landed = land(
        settings.raw_dir,
        settings.work_db,
        settings.lake,
        psx_calendar(HOLIDAYS_SEED),
        trust_file_times=settings.trust_file_times,
    )
    for note in landed.notes:
        context.log.warning(note)
    files, found = landed.files, landed.found
    noun = "capture file" if files.height == 1 else "capture files"
    context.log.info(f"landed {files.height} {noun}, {landed.new_captures} new")
    preview = files.sort("file_modified_at", descending=True).head(10)
    yield dg.MaterializeResult(
        asset_key=CAPTURE_FILES,
        metadata={
            "raw_dir": dg.MetadataValue.path(str(settings.raw_dir)),
            "dagster/row_count": files.height,
            "distinct_captures": files["sha256"].n_unique(),
            "new_captures": landed.new_captures,
            "total_bytes": int(files["byte_size"].sum() or 0),
            "ignored_files": len(found.ignored),
            "skipped_files": found.skipped.height,
            "latest_files": dg.MetadataValue.md(
                markdown_table(
                    preview.select("source_path", "file_dated_by", "captured_at", "byte_size")
                )
            ),
        },
    )
    yield dg.MaterializeResult(
        asset_key=SKIPPED_FILES,
        metadata={
            "dagster/row_count": found.skipped.height,
            "skipped_files": dg.MetadataValue.md(markdown_table(found.skipped.head(10))),
        },
    )
    sessions = landed.sessions["session_date"]
    yield dg.MaterializeResult(
        asset_key=PSX_SESSIONS,
        metadata={
            "dagster/row_count": sessions.len(),
            "last_session": str(sessions.max()),
        },
    )
