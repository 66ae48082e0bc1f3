"""The daily facts' UI metadata (``defs/transform/daily_metadata.py``) over a small marts DB.

The events are Dagster's own ``dg.Output`` objects, as dbt's stream yields them, and the
working database holds just the mart columns the metadata reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from dagster_project.defs.transform.daily_metadata import with_daily_metadata
from dagster_project.settings import Settings, make_settings

FACTS = {
    "marts__fct_daily_movers": "fct_daily_movers",
    "marts__fct_index_changes": "fct_index_changes",
    "marts__fct_sector_daily": "fct_sector_daily",
    "marts__fct_headlines": "fct_headlines",
    "marts__bridge_headline_symbol": "bridge_headline_symbol",
}
WEEK = {"min_market_date": "2024-10-14", "max_market_date": "2024-10-18"}

MARTS = """
create schema marts;
create table marts.fct_daily_movers (market_date date, symbol varchar, sector varchar,
    close_price decimal(18, 2), change decimal(18, 2), change_pct decimal(18, 2),
    gainer_rank integer, loser_rank integer, headline varchar);
insert into marts.fct_daily_movers values
    ('2024-10-17', 'AGL', 'CHEMICAL', 38.00, 0.50, 1.33, 1, null, null),
    ('2024-10-18', 'HUBC', 'POWER', 101.70, 4.90, 5.06, 1, null, null),
    ('2024-10-18', 'TRG', 'TECHNOLOGY', 60.10, 1.10, 1.86, 2, null, null),
    ('2024-10-18', 'PRL', 'REFINERY', 26.30, -2.80, -9.62, null, 1,
        'Pakistan Refinery sustains Rs2.4bn in losses'),
    ('2024-10-18', 'AGL', 'CHEMICAL', 38.00, 0.00, 0.00, null, null, null);
create table marts.fct_index_changes (market_date date, index_code varchar,
    level decimal(18, 2), change decimal(18, 2), change_pct decimal(18, 2),
    prev_level decimal(18, 2));
insert into marts.fct_index_changes values
    ('2024-10-18', 'KSE100', 85250.00, -335.30, -0.39, 85585.30);
create table marts.fct_sector_daily (market_date date, sector varchar, symbol_count integer,
    advancers integer, decliners integer, unchanged integer, avg_change_pct decimal(18, 4));
insert into marts.fct_sector_daily values
    ('2024-10-18', 'POWER', 1, 1, 0, 0, 5.0600),
    ('2024-10-18', 'REFINERY', 1, 0, 1, 0, -9.6200);
create table marts.fct_headlines (market_date date, headline varchar, headline_kind varchar,
    section varchar, news_source varchar, is_daily_value boolean, position integer);
insert into marts.fct_headlines values
    ('2024-10-18', 'Rupee steady', 'story', null, null, false, 1),
    ('2024-10-18', 'KSE-100 closes 335 points lower', 'article', 'Markets', null, true, 1),
    ('2024-10-18', 'Rupee steady', 'story', null, null, true, 2);
create table marts.bridge_headline_symbol (market_date date, symbol varchar,
    match_kind varchar, matched_text varchar, headline varchar);
insert into marts.bridge_headline_symbol values
    ('2024-10-18', 'PRL', 'company_name', 'Pakistan Refinery',
        'Pakistan Refinery sustains Rs2.4bn in losses'),
    ('2024-10-18', 'KSE100', 'alias', 'KSE-100', 'KSE-100 closes 335 points lower');
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    built = make_settings(raw_dir=tmp_path / "raw", warehouse=tmp_path / "wh" / "market.duckdb")
    built.state_dir.mkdir(parents=True)
    con = duckdb.connect(str(built.work_db))
    try:
        con.execute(MARTS)
    finally:
        con.close()
    return built


def _outputs(*names: str) -> list[dg.Output[None]]:
    return [dg.Output(None, output_name=name, metadata={"dbt": name}) for name in names]


def _enriched(
    events: list[Any], settings: Settings, window: dict[str, str] = WEEK
) -> dict[str, dict[str, Any]]:
    done = list(with_daily_metadata(iter(events), settings=settings, dbt_vars=window, facts=FACTS))
    assert [event.output_name for event in done] == [event.output_name for event in events]
    return {event.output_name: {k: v.value for k, v in event.metadata.items()} for event in done}


def test_the_movers_show_the_latest_days_gainers_and_losers(settings: Settings) -> None:
    [movers] = _enriched(_outputs("marts__fct_daily_movers"), settings).values()
    assert movers["dbt"] == "marts__fct_daily_movers"  # dbt's own metadata is kept
    assert movers["dagster/row_count"] == 5
    assert movers["window"] == "2024-10-14 … 2024-10-18"
    assert movers["latest_market_date_in_window"] == "2024-10-18"
    header = "| rank | symbol | sector | close_price | change | change_pct | headline |\n"
    rule = "|---|---|---|---|---|---|---|\n"
    assert movers["top_gainers"] == (
        header + rule + "| 1 | HUBC | POWER | 101.70 | 4.90 | 5.06 |  |\n"
        "| 2 | TRG | TECHNOLOGY | 60.10 | 1.10 | 1.86 |  |"
    )
    assert movers["top_losers"] == (
        header + rule + "| 1 | PRL | REFINERY | 26.30 | -2.80 | -9.62 | "
        "Pakistan Refinery sustains Rs2.4bn in losses |"
    )


def test_each_fact_gets_its_own_tables(settings: Settings) -> None:
    names = ("marts__fct_index_changes", "marts__fct_sector_daily", "marts__fct_headlines")
    found = _enriched(_outputs(*names, "marts__bridge_headline_symbol"), settings)
    assert found["marts__fct_index_changes"]["index_moves"] == (
        "| index_code | level | change | change_pct | prev_level |\n|---|---|---|---|---|\n"
        "| KSE100 | 85250.00 | -335.30 | -0.39 | 85585.30 |"
    )
    assert found["marts__fct_sector_daily"]["sectors"] == (
        "| sector | symbol_count | advancers | decliners | unchanged | avg_change_pct |\n"
        "|---|---|---|---|---|---|\n"
        "| POWER | 1 | 1 | 0 | 0 | 5.0600 |\n| REFINERY | 1 | 0 | 1 | 0 | -9.6200 |"
    )
    # The daily capture's headlines first, each once.
    assert found["marts__fct_headlines"]["headlines"] == (
        "- KSE-100 closes 335 points lower _(article · Markets)_\n- Rupee steady _(story)_"
    )
    assert found["marts__bridge_headline_symbol"]["links"] == (
        "- **KSE100** (alias: KSE-100): KSE-100 closes 335 points lower\n"
        "- **PRL** (company_name: Pakistan Refinery): "
        "Pakistan Refinery sustains Rs2.4bn in losses"
    )
    assert found["marts__fct_headlines"]["dagster/row_count"] == 3


def test_the_window_decides_the_day_shown(settings: Settings) -> None:
    thursday = {"min_market_date": "2024-10-17", "max_market_date": "2024-10-17"}
    [movers] = _enriched(_outputs("marts__fct_daily_movers"), settings, thursday).values()
    assert movers["window"] == "2024-10-17 … 2024-10-17"
    assert movers["latest_market_date_in_window"] == "2024-10-17"
    assert movers["top_gainers"].splitlines()[2:] == [
        "| 1 | AGL | CHEMICAL | 38.00 | 0.50 | 1.33 |  |"
    ]
    assert movers["top_losers"] == "_(no rows)_"
    monday = {"min_market_date": "2024-10-14", "max_market_date": "2024-10-14"}
    [empty] = _enriched(_outputs("marts__fct_daily_movers"), settings, monday).values()
    assert empty == {
        "dbt": "marts__fct_daily_movers",
        "dagster/row_count": 5,
        "window": "2024-10-14 … 2024-10-14",
        "latest_market_date_in_window": "none",
    }


def test_other_events_pass_through_unchanged_and_in_order(settings: Settings) -> None:
    check = dg.AssetCheckResult(asset_key=dg.AssetKey(["marts", "fct_daily_movers"]), passed=True)
    [base, fact, view] = _outputs(
        "staging__stg_brecorder__quotes", "marts__fct_daily_movers", "marts__latest_daily_movers"
    )
    events: list[Any] = [base, check, fact, view]
    done = list(with_daily_metadata(events, settings=settings, dbt_vars=WEEK, facts=FACTS))
    assert done[0] is base and done[1] is check and done[3] is view
    assert done[2] is not fact and "top_gainers" in done[2].metadata


def test_without_a_readable_database_the_events_are_left_alone(tmp_path: Path) -> None:
    missing = make_settings(raw_dir=tmp_path / "raw", warehouse=tmp_path / "wh" / "m.duckdb")
    events = _outputs("marts__fct_daily_movers", "staging__stg_brecorder__quotes")
    done = list(with_daily_metadata(events, settings=missing, dbt_vars=WEEK, facts=FACTS))
    assert done == events and all(a is b for a, b in zip(done, events, strict=True))
    assert not missing.work_db.exists()  # a read-only open creates nothing


def test_a_dbt_failure_still_reports_what_was_built_then_fails(settings: Settings) -> None:
    def stream() -> Iterator[Any]:
        yield from _outputs("marts__fct_daily_movers")
        raise RuntimeError("dbt build failed: fct_sector_daily")

    done: list[Any] = []
    with pytest.raises(RuntimeError, match="dbt build failed: fct_sector_daily"):
        for event in with_daily_metadata(stream(), settings=settings, dbt_vars=WEEK, facts=FACTS):
            done.append(event)
    assert [event.output_name for event in done] == ["marts__fct_daily_movers"]
    assert done[0].metadata["dagster/row_count"].value == 5


def test_page_text_never_renders_as_markdown_or_html(settings: Settings) -> None:
    hostile = "Refinery ![px](http://evil.example/p.png) <img src=x onerror=alert(1)> *big*"
    con = duckdb.connect(str(settings.work_db))
    try:
        con.execute(
            "update marts.fct_daily_movers set headline = ? where symbol = 'PRL'", [hostile]
        )
        con.execute(
            "update marts.fct_headlines set headline = ?, section = '[s](http://x)'", [hostile]
        )
        con.execute("update marts.bridge_headline_symbol set headline = ?", [hostile])
    finally:
        con.close()
    names = ("marts__fct_daily_movers", "marts__fct_headlines", "marts__bridge_headline_symbol")
    found = _enriched(_outputs(*names), settings)
    escaped = (
        "Refinery \\!\\[px\\](http://evil.example/p.png) \\<img src=x onerror=alert(1)\\> \\*big\\*"
    )
    shown = [
        found["marts__fct_daily_movers"]["top_losers"],
        found["marts__fct_headlines"]["headlines"],
        found["marts__bridge_headline_symbol"]["links"],
    ]
    for markdown in shown:
        assert escaped in markdown
        assert re.search(r"(?<!\\)[<>\[\]!]", markdown) is None  # none unescaped
    assert "\\[s\\](http://x)" in shown[1]
