"""``ticker/layout.py``: the order integer sorts like (sha256, line_no) and gives back the rank."""

import polars as pl

from dagster_project.core.ticker.layout import ORDER, capture_rank, ordered


def test_order_sorts_by_capture_then_line_and_gives_the_capture_back() -> None:
    frame = pl.LazyFrame(
        {
            "sha256": ["b", "a", "b", "a"],
            "line_no": pl.Series([1, 7, -3, 2_000_000_000], dtype=pl.Int32),
            "rank": [1, 0, 1, 0],
        }
    )
    got = ordered(frame, pl.col("rank")).with_columns(back=capture_rank()).sort(ORDER).collect()
    assert got.select("sha256", "line_no").rows() == [
        ("a", 7),
        ("a", 2_000_000_000),
        ("b", -3),
        ("b", 1),
    ]
    assert got["back"].to_list() == [0, 0, 1, 1]
