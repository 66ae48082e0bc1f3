"""What a normalise step reports: its counts and samples, for the assets' metadata in the UI."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import polars as pl

from dagster_project.core.lake import files as lake_files
from dagster_project.core.normalise.pending import NORMALISED_TABLES, Normalised
from dagster_project.defs.metadata import headline_items, markdown_list, markdown_table

_SAMPLE_ROWS = 20


@dataclass(frozen=True)
class BatchResult:
    """What one batch step stored: its counts and samples for the metadata and, when the next
    step runs in the same process, the rows it wrote (the mirror then need not read them back).
    """

    counts: dict[str, int]
    samples: dict[str, pl.DataFrame]
    stored: lake_files.Stored | None


def summary(
    tables: dict[str, pl.DataFrame], stored: lake_files.Stored | None, *, in_process: bool = True
) -> BatchResult:
    """The counts and samples of what a step normalised (``tables``: the lake's frames), with the
    rows it stored when the next step runs ``in_process`` (else it reads them back)."""
    captures = tables["captures"]
    return BatchResult(
        counts={table: frame.height for table, frame in tables.items()},
        samples={
            "rejected_captures": captures.filter(pl.col("reject_reason").is_not_null())
            .select("sha256", "reject_reason")
            .head(_SAMPLE_ROWS),
            "rejected_lines": tables["rejected_lines"]
            .select("sha256", "line_no", "line", "reason")
            .head(_SAMPLE_ROWS),
            "headlines": tables["headlines"].unique("headline", keep="first", maintain_order=True),
        },
        stored=stored if in_process else None,
    )


def sample(results: list[BatchResult], name: str) -> dg.MetadataValue:
    """The first rows of the ``name`` samples of every step, as a Markdown table."""
    rows = pl.concat([result.samples[name] for result in results], how="vertical")
    return dg.MetadataValue.md(markdown_table(rows.head(_SAMPLE_ROWS)))


def table_metadata(
    results: list[BatchResult], done: Normalised, lake: Path
) -> dict[str, dict[str, dg.RawMetadataValue]]:
    """Each normalised table's metadata: the rows every step added (``results``), the lake's
    partitions rewritten and reloaded (``done``: the last step), samples of what was rejected,
    and the headlines."""
    tables: dict[str, dict[str, dg.RawMetadataValue]] = {}
    for table in NORMALISED_TABLES:
        new_rows = sum(result.counts[table] for result in results)
        tables[table] = {
            "new_rows": new_rows,
            "lake": dg.MetadataValue.path(str(lake_files.table_dir(lake, table))),
            "partitions_rewritten": len(done.stored.capture_dates) if done.stored else 0,
            "partitions": done.synced[table].partitions,
            "partitions_reloaded": done.synced[table].reloaded,
        }
    tables["captures"] |= {
        "new_captures": tables["captures"]["new_rows"],
        "late_captures": len(done.sources),
        "rejected_captures": sample(results, "rejected_captures"),
    }
    tables["rejected_lines"]["sample"] = sample(results, "rejected_lines")
    headlines = pl.concat([result.samples["headlines"] for result in results], how="vertical")
    tables["headlines"]["headlines"] = dg.MetadataValue.md(markdown_list(headline_items(headlines)))
    return tables
