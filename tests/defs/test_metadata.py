"""The Markdown helpers behind the Dagster UI metadata (``defs/metadata.py``).

Queries run on an in-memory DuckDB; the expected Markdown is written out in full.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from dagster_project.defs.metadata import (
    headline_items,
    markdown_escape,
    markdown_list,
    markdown_table,
    query_frame,
    query_markdown,
    report_metadata,
)
from dagster_project.report.page import LatestReport, ReportFile
from tests.report.days import day


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute(
        """
        create table movers (market_date date, symbol varchar, change_pct decimal(18, 2),
            headline varchar);
        insert into movers values
            ('2024-10-18', 'HUBC', 5.06, null),
            ('2024-10-18', 'PRL', -9.62, 'Pakistan Refinery sustains Rs2.4bn in losses'),
            ('2024-10-17', 'AGL', 1.33, null);
        """
    )
    try:
        yield connection
    finally:
        connection.close()


def test_markdown_table_writes_a_header_a_rule_and_a_row_each() -> None:
    frame = pl.DataFrame({"symbol": ["HUBC", "PRL"], "rank": [1, None], "pct": [5.06, -9.62]})
    assert markdown_table(frame) == (
        "| symbol | rank | pct |\n|---|---|---|\n| HUBC | 1 | 5.06 |\n| PRL |  | -9.62 |"
    )


def test_an_empty_frame_says_so() -> None:
    assert markdown_table(pl.DataFrame()) == "_(no rows)_"
    assert markdown_table(pl.DataFrame(schema={"symbol": pl.String})) == "_(no rows)_"


def test_a_pipe_in_a_value_stays_in_its_cell() -> None:
    frame = pl.DataFrame({"symbol": ["LUCK"], "headline": ["Cement | steel lead gains"]})
    header, _, row = markdown_table(frame).splitlines()
    unescaped = row.replace("\\|", "")
    assert unescaped.count("|") == header.count("|")


def test_query_frame_keeps_python_values_and_binds_parameters(
    con: duckdb.DuckDBPyConnection,
) -> None:
    frame = query_frame(
        con,
        "select symbol, change_pct, market_date from movers where market_date = ? order by 1",
        [dt.date(2024, 10, 18)],
    )
    assert frame.columns == ["symbol", "change_pct", "market_date"]
    assert frame.rows() == [
        ("HUBC", Decimal("5.06"), dt.date(2024, 10, 18)),
        ("PRL", Decimal("-9.62"), dt.date(2024, 10, 18)),
    ]
    empty = query_frame(con, "select symbol from movers where symbol = ?", ("NONE",))
    assert empty.columns == ["symbol"] and empty.is_empty()


def test_query_markdown_is_the_query_as_a_table(con: duckdb.DuckDBPyConnection) -> None:
    sql = "select symbol, change_pct, headline from movers where market_date = ? order by 2 desc"
    assert query_markdown(con, sql, [dt.date(2024, 10, 18)]) == (
        "| symbol | change_pct | headline |\n"
        "|---|---|---|\n"
        "| HUBC | 5.06 |  |\n"
        "| PRL | -9.62 | Pakistan Refinery sustains Rs2.4bn in losses |"
    )
    assert query_markdown(con, sql, [dt.date(2024, 10, 19)]) == "_(no rows)_"
    assert query_markdown(con, "select count(*) as n from movers") == "| n |\n|---|\n| 3 |"


def test_markdown_escape_escapes_markup_only() -> None:
    assert markdown_escape("KSE-100 closes 335 points lower") == "KSE-100 closes 335 points lower"
    assert markdown_escape("a_b*c") == "a\\_b\\*c"
    assert markdown_escape("[x](y) <b> #1 | `z` \\") == "\\[x\\](y) \\<b\\> \\#1 \\| \\`z\\` \\\\"


def test_markdown_list_stops_at_the_limit_and_counts_the_rest() -> None:
    assert markdown_list([]) == "_(none)_"
    assert markdown_list(["**PRL**", "KSE100"]) == "- **PRL**\n- KSE100"
    assert markdown_list(["a", "b", "c"], limit=2) == "- a\n- b\n- … and 1 more"
    assert markdown_list([str(n) for n in range(31)]).splitlines()[-1] == "- … and 1 more"
    assert len(markdown_list([str(n) for n in range(30)]).splitlines()) == 30


def test_headline_items_name_each_headline_once_with_what_the_page_says() -> None:
    frame = pl.DataFrame(
        {
            "headline": ["KSE-100 closes lower", "Oil_prices *rise*", "KSE-100 closes lower"],
            "headline_kind": ["article", "story", "story"],
            "section": ["Markets", None, None],
            "news_source": ["BR Research", None, None],
        }
    )
    assert headline_items(frame) == [
        "KSE-100 closes lower _(article · Markets · BR Research)_",
        "Oil\\_prices \\*rise\\* _(story)_",
    ]


def test_headline_items_need_only_the_headline_and_its_kind() -> None:
    frame = pl.DataFrame({"headline": ["Rupee steady"], "headline_kind": ["story"]})
    assert headline_items(frame) == ["Rupee steady _(story)_"]
    assert headline_items(frame.clear()) == []


def test_the_report_metadata_links_the_file_and_gives_the_day(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "market-report-2024-10-18.html"
    metadata = report_metadata(LatestReport(ReportFile(path, day(), 1234), captures=()))
    assert metadata == {
        "path": dg.MetadataValue.path(str(path)),
        "url": dg.MetadataValue.url(path.as_uri()),
        "bytes": 1234,
        "market_date": "Fri 18 Oct 2024",
        "breadth": "12 up / 15 down / 3 unchanged of the strip's 30 symbols",
    }


def test_without_a_market_date_the_report_metadata_says_so_with_the_captures() -> None:
    metadata = report_metadata(LatestReport(None, captures=("2 captures", "1 rejected")))
    assert metadata == {
        "market_date": "",
        "note": "no market date loaded yet; no report written",
        "captures": dg.MetadataValue.text("2 captures\n1 rejected"),
    }
