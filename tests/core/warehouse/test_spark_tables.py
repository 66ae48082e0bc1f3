"""Spark's tables loaded into the working database (``core/warehouse/spark_tables.py``), on a
Spark-shaped folder written here: Parquet under partition folders of one or two levels."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

from dagster_project.core.warehouse.spark_tables import load_spark_tables, spark_tables


def _write(path: Path, frame: pl.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(path)


def test_tables_partitioned_by_one_or_two_columns_load_whole(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse"
    movers = warehouse / "marts.db" / "fct_daily_movers"
    _write(movers / "market_date=2024-10-17" / "part-0.parquet", pl.DataFrame({"symbol": ["A"]}))
    _write(movers / "market_date=2024-10-18" / "part-0.parquet", pl.DataFrame({"symbol": ["B"]}))
    (movers / "_SUCCESS").write_text("")
    periods = warehouse / "marts.db" / "fct_period_movers"
    for kind, start, symbol in (("week", "2024-10-14", "A"), ("month", "2024-10-01", "B")):
        folder = periods / f"period_kind={kind}" / f"period_start={start}"
        _write(folder / "part-0.parquet", pl.DataFrame({"symbol": [symbol]}))
    _write(periods / ".hidden" / "part-0.parquet", pl.DataFrame({"symbol": ["X"]}))
    assert [(table.name, len(table.files)) for table in spark_tables(warehouse)] == [
        ("fct_daily_movers", 2),
        ("fct_period_movers", 2),
    ]
    con = duckdb.connect()
    columns = {("marts", "fct_period_movers"): ["period_kind", "period_start", "symbol"]}
    loaded = load_spark_tables(con, warehouse, columns=columns)
    assert loaded == ["marts.fct_daily_movers", "marts.fct_period_movers"]
    assert con.execute("select * from marts.fct_period_movers order by symbol").fetchall() == [
        ("week", dt.date(2024, 10, 14), "A"),
        ("month", dt.date(2024, 10, 1), "B"),
    ]
    assert con.execute("select count(*) from marts.fct_daily_movers").fetchall() == [(2,)]
