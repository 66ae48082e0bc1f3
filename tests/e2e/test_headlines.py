"""Headlines end to end: the sample's headlines reach the marts, and exactly two of them are
linked, PRL's and the KSE-100's; synthetic sessions link what their ground truth says."""

from __future__ import annotations

import datetime as dt
import json

from dagster_project.settings import Settings
from tests.builds import query

MARKET_DATE = dt.date(2024, 10, 18)
PRL_HEADLINE = "July-September: Pakistan Refinery sustains Rs2.4bn in losses"
KSE_HEADLINE = "KSE-100 closes 335 points lower as profit-taking persists"
TITLE = "Growing North Korea support for Russia ‘very worrying’"


def test_the_sample_shows_eleven_distinct_headlines(sample_build: Settings) -> None:
    counts = query(
        sample_build,
        "select market_date, count(*), count(distinct headline_id), count(distinct capture_id), "
        "count(*) filter (where headline_kind = 'article'), "
        "count(*) filter (where headline_kind = 'story'), bool_and(is_daily_value) "
        "from marts.fct_headlines group by market_date",
    )
    assert counts == [(MARKET_DATE, 11, 11, 1, 1, 10, True)]
    article = query(
        sample_build,
        "select headline, position, section, news_source, published_date, "
        "strftime(published_at at time zone 'UTC', '%Y-%m-%d %H:%M') "
        "from marts.fct_headlines where headline_kind = 'article'",
    )
    assert article == [(TITLE, 0, "World", "Reuters", MARKET_DATE, "2024-10-18 15:37")]
    stories = query(
        sample_build,
        "select position, headline from marts.fct_headlines where headline_kind = 'story' "
        "order by position",
    )
    assert [position for position, _ in stories] == list(range(2, 12))
    assert (6, KSE_HEADLINE) in stories and (9, PRL_HEADLINE) in stories


def test_the_article_body_is_never_stored(sample_build: Settings) -> None:
    assert query(
        sample_build,
        "select count(*) from marts.fct_headlines "
        "where headline like '%France expressed concern%' or length(headline) > 200",
    ) == [(0,)]


def test_only_prl_and_the_kse100_are_linked(sample_build: Settings) -> None:
    links = query(
        sample_build,
        "select market_date, symbol, is_index, match_kind, matched_text, headline "
        "from marts.bridge_headline_symbol order by symbol",
    )
    assert links == [
        (MARKET_DATE, "KSE100", True, "alias", "KSE-100", KSE_HEADLINE),
        (MARKET_DATE, "PRL", False, "company_name", "Pakistan Refinery", PRL_HEADLINE),
    ]


def test_prl_is_the_only_mover_with_a_headline(sample_build: Settings) -> None:
    movers = query(
        sample_build,
        "select symbol, loser_rank, headline, headline_match from marts.fct_daily_movers "
        "where headline is not null",
    )
    assert movers == [("PRL", 1, PRL_HEADLINE, "company_name")]
    assert query(sample_build, "select count(*) from marts.fct_daily_movers") == [(30,)]
    assert query(
        sample_build, "select symbol, headline from marts.latest_daily_movers where symbol = 'PRL'"
    ) == [("PRL", PRL_HEADLINE)]


def test_the_headline_columns_carry_comments(sample_build: Settings) -> None:
    uncommented = query(
        sample_build,
        "select table_name, column_name from duckdb_columns() where schema_name = 'marts' "
        "and table_name in ('fct_headlines', 'bridge_headline_symbol', 'fct_daily_movers') "
        "and (comment is null or comment = '')",
    )
    assert uncommented == []


def test_synthetic_headlines_link_what_the_ground_truth_says(synthetic_build: Settings) -> None:
    settings = synthetic_build
    expected_path = settings.raw_dir / "synth" / "expected.json"
    truth = json.loads(expected_path.read_text(encoding="utf-8"))["market_dates"]
    days = sorted(dt.date.fromisoformat(day) for day in truth)  # not the sample's hand page
    expected = {
        (dt.date.fromisoformat(day), headline, symbol)
        for day, values in truth.items()
        for headline, symbols in values["headlines"].items()
        for symbol in symbols
    }
    links = query(
        settings,
        "select market_date, headline, symbol from marts.bridge_headline_symbol "
        "where market_date in (select unnest(?))",
        [days],
    )
    assert set(links) == expected
    assert len(expected) > len(truth)  # more than the KSE-100 each day
    shown = {headline for values in truth.values() for headline in values["headlines"]}
    assert query(
        settings,
        "select count(distinct headline) from marts.fct_headlines "
        "where market_date in (select unnest(?))",
        [days],
    ) == [(len(shown),)]
