"""The lake the Spark build reads, made from a DuckDB build's working database.

The normalise step writes its tables to a Parquet lake (``$MARKET_LAKE``); until a build does so
itself, :func:`export_lake` writes the same layout from the working database's
``landing.capture_files`` and ``normalised.*`` tables::

    <lake>/capture_files/data.parquet
    <lake>/<table>/capture_date=YYYY-MM-DD/data.parquet   (capture_date=__HIVE_DEFAULT_PARTITION__)

A capture's date is that of its first file (landing's ``file_date``), else the page's date.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

NORMALISED_TABLES = ("captures", "quotes", "index_levels", "rejected_lines", "headlines")
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"

_CAPTURE_DATES = """
create temporary table capture_dates as
with first_files as (
    select sha256, file_date
    from landing.capture_files
    qualify row_number() over (
        partition by sha256 order by captured_at asc nulls last, source_path asc
    ) = 1
)
select captures.sha256, coalesce(first_files.file_date, captures.page_date) as capture_date
from normalised.captures as captures
left join first_files on captures.sha256 = first_files.sha256
"""


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export_lake(work_db: Path, lake: Path) -> Path:
    """Write the working database's sources into ``lake`` (a new directory); returns it."""
    con = duckdb.connect(str(work_db), read_only=True)
    try:
        target = lake / "capture_files" / "data.parquet"
        target.parent.mkdir(parents=True)
        con.execute(f"copy landing.capture_files to {_literal(target)} (format parquet)")
        con.execute(_CAPTURE_DATES)
        for table in NORMALISED_TABLES:
            dates = con.execute(
                f"select distinct capture_date from normalised.{table} "
                "inner join capture_dates using (sha256)"
            ).fetchall()
            for (capture_date,) in dates:
                value = NULL_PARTITION if capture_date is None else capture_date.isoformat()
                target = lake / table / f"capture_date={value}" / "data.parquet"
                target.parent.mkdir(parents=True)
                con.execute(
                    f"copy (select {table}.* from normalised.{table} as {table} "
                    "inner join capture_dates using (sha256) "
                    "where capture_date is not distinct from ?) "
                    f"to {_literal(target)} (format parquet)",
                    [capture_date],
                )
    finally:
        con.close()
    return lake
