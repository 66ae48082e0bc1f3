"""What a normalise step reports: its counts and samples, for the assets' metadata in the UI."""

from dataclasses import dataclass

import dagster as dg
import polars as pl

from dagster_project.core import lake as lake_files
from dagster_project.defs.metadata import markdown_table

_SAMPLE_ROWS = 20


@dataclass(frozen=True)
class BatchResult:
    """What one batch step stored: its counts and samples for the metadata and, when the next
    step runs in the same process, the rows it wrote (the mirror then need not read them back).
    """

    counts: dict[str, int]
    samples: dict[str, pl.DataFrame]
    stored: lake_files.Stored | None


def summary(tables: dict[str, pl.DataFrame], stored: lake_files.Stored | None) -> BatchResult:
    """The counts and samples of what a step normalised (``tables``: the lake's frames)."""
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
        stored=stored,
    )


def sample(results: list[BatchResult], name: str) -> dg.MetadataValue:
    """The first rows of the ``name`` samples of every step, as a Markdown table."""
    rows = pl.concat([result.samples[name] for result in results], how="vertical")
    return dg.MetadataValue.md(markdown_table(rows.head(_SAMPLE_ROWS)))
