"""The normalise graph materialised for real (in process) after landing, over four captures:
two dated by their file names on two capture dates (two batches, two steps), one dated only by
its page (normalised last, by the mirror step) and one with no ticker at all (rejected)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.core.dating.market_time import PKT
from dagster_project.defs.landing.assets import capture_files
from dagster_project.defs.normalised.assets import normalised_captures
from dagster_project.defs.resources import MarketResource
from tests.captures import SAMPLE, index_line, page, stock_line, write

OCT_17, OCT_18 = dt.date(2024, 10, 17), dt.date(2024, 10, 18)


def test_each_batch_is_stored_then_the_late_captures_and_the_mirror(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    evening = dt.datetime(2024, 10, 18, 20, 0, tzinfo=PKT)
    write(
        raw / "brecorder_2024-10-17_ticker.txt",
        page(OCT_17, [stock_line("HUBC", "101.70", "4.90"), index_line("KSE100", "85585.3", "-1")]),
        captured_at=evening,
    )
    write(raw / "brecorder_2024-10-18_ticker.txt", SAMPLE.read_bytes(), captured_at=evening)
    write(
        raw / "page_only.txt",
        page(OCT_18, [stock_line("PRL", "30.10", "-1.00")]),
        captured_at=evening,
    )
    write(raw / "no_ticker.txt", "nothing a ticker strip would print\n", captured_at=evening)
    market = MarketResource(
        raw_dir=str(raw),
        warehouse=str(tmp_path / "warehouse" / "market.duckdb"),
        state_dir=str(tmp_path / "state"),
        workers=2,
    )
    result = dg.materialize([capture_files, normalised_captures], resources={"market": market})
    assert result.success
    metadata = {
        event.asset_key.path[-1]: event.materialization.metadata
        for event in result.get_asset_materialization_events()
    }
    captures = metadata["captures"]
    assert (captures["new_captures"].value, captures["late_captures"].value) == (4, 2)
    assert "no ticker lines found" in str(captures["rejected_captures"].value)
    # HUBC on 17 Oct; the sample's 30 and PRL on 18 Oct
    assert metadata["quotes"]["new_rows"].value == 32
    assert metadata["index_levels"]["new_rows"].value == 5
    assert metadata["quotes"]["partitions"].value == 2
    settings = market.settings()
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        mirrored = con.sql(
            "select capture_date, count(*) from normalised.quotes group by all order by 1"
        ).fetchall()
    assert mirrored == [(OCT_17, 1), (OCT_18, 31)]
