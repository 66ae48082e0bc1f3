"""Part 4 of ``make bench``: BI queries on the 10-year warehouse, warm and cold."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from bench.common import Scale

# ---------------------------------------------------------------------------- 4. BI queries

QUERIES = {
    "top-10 gainers of a date": (
        "select symbol, sector, close_price, change_pct from marts.fct_daily_movers "
        "where market_date = $day and gainer_rank <= 10 order by gainer_rank"
    ),
    "a sector's 1-year series": (
        "select market_date, symbol_count, advancers, decliners, avg_change_pct "
        "from marts.fct_sector_daily where sector = $sector "
        "and market_date between $day - interval 1 year and $day order by market_date"
    ),
    "an index's 1-year series": (
        "select market_date, level, change, change_pct from marts.fct_index_changes "
        "where index_code = 'KSE100' and market_date between $day - interval 1 year and $day "
        "order by market_date"
    ),
}


def largest_warehouse(work: Path, scale: Scale) -> Path:
    """The warehouse of the longest history (built by part 2)."""
    label = list(scale.history)[-1].replace(" ", "-")
    return work / "history" / label / "warehouse" / "market.duckdb"


def part_queries(warehouse: Path, runs: int = 25) -> dict[str, Any]:
    import duckdb

    results: dict[str, Any] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        day = con.execute("select max(market_date) from marts.fct_daily_movers").fetchone()
        sector = con.execute(
            "select sector from marts.dim_symbol group by 1 order by count(*) desc, 1 limit 1"
        ).fetchone()
    assert day and sector
    params = {"day": day[0], "sector": sector[0]}
    for label, sql in QUERIES.items():
        used = {name: value for name, value in params.items() if f"${name}" in sql}
        started = time.perf_counter()
        with duckdb.connect(str(warehouse), read_only=True) as con:
            rows = con.execute(sql, used).fetchall()
            cold = time.perf_counter() - started
            warm = []
            for _ in range(runs):
                started = time.perf_counter()
                con.execute(sql, used).fetchall()
                warm.append(time.perf_counter() - started)
        results[label] = {
            "rows": len(rows),
            "cold_ms": cold * 1000,
            "warm_ms_runs": [seconds * 1000 for seconds in warm],
            "median_ms": statistics.median(warm) * 1000,
            "under_50_ms": cold * 1000 < 50 and statistics.median(warm) * 1000 < 50,
        }
    results["params"] = {name: str(value) for name, value in params.items()}
    return results
