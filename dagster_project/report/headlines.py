"""The market date's headlines and the symbols they name, from the headline marts.

``marts.fct_headlines`` holds one row per headline per capture; the report shows each headline
once (by ``headline_id``): the pages' own articles first, then their lists of other stories, in
the order the day's loaded capture showed them. ``marts.bridge_headline_symbol`` gives the
symbols and indices each one names. A warehouse built before these marts existed has neither:
the report then has no headlines (``None``) and leaves the section out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

#: What a warehouse built before the headline marts raises: a missing table or column.
_MISSING = (duckdb.CatalogException, duckdb.BinderException)


@dataclass(frozen=True, slots=True)
class HeadlineLink:
    """A symbol (or index) a headline names, and how (``symbol``, ``company_name``, ``alias``)."""

    symbol: str
    is_index: bool
    match_kind: str


@dataclass(frozen=True, slots=True)
class Headline:
    """One distinct headline of the market date, with the symbols it names."""

    headline_id: str
    headline: str
    headline_kind: str
    """``article``: a page's own article title; ``story``: an entry of its list of stories."""
    section: str | None
    news_source: str | None
    published_at: dt.datetime | None
    capture_count: int
    """How many captures of the session showed it."""
    links: tuple[HeadlineLink, ...] = ()

    @property
    def is_article(self) -> bool:
        return self.headline_kind == "article"


_HEADLINES = """
select
    headline_id,
    any_value(headline),
    case when bool_or(headline_kind = 'article') then 'article' else 'story' end,
    any_value(section) filter (where section is not null),
    any_value(news_source) filter (where news_source is not null),
    any_value(published_at) filter (where published_at is not null),
    count(distinct capture_id)
from marts.fct_headlines
where market_date = ?
group by headline_id
order by
    bool_or(headline_kind = 'article') desc,
    bool_or(is_daily_value) desc,
    min(position) filter (where is_daily_value) nulls last,
    min(captured_at) nulls last,
    min(position),
    any_value(headline)
"""


def _links(con: duckdb.DuckDBPyConnection, market_date: dt.date) -> dict[str, list[HeadlineLink]]:
    try:
        rows = con.execute(
            "select headline_id, symbol, is_index, match_kind from marts.bridge_headline_symbol "
            "where market_date = ? order by headline_id, is_index, symbol",
            [market_date],
        ).fetchall()
    except _MISSING:
        return {}
    links: dict[str, list[HeadlineLink]] = {}
    for headline_id, symbol, is_index, match_kind in rows:
        links.setdefault(headline_id, []).append(HeadlineLink(symbol, bool(is_index), match_kind))
    return links


def day_headlines(
    con: duckdb.DuckDBPyConnection, market_date: dt.date
) -> tuple[Headline, ...] | None:
    """The market date's distinct headlines, articles first; None when the warehouse has none."""
    try:
        rows = con.execute(_HEADLINES, [market_date]).fetchall()
    except _MISSING:
        return None
    links = _links(con, market_date)
    return tuple(
        Headline(key, text, kind, section, source, published_at, count, tuple(links.get(key, ())))
        for key, text, kind, section, source, published_at, count in rows
    )


def mover_headlines(
    con: duckdb.DuckDBPyConnection, market_date: dt.date
) -> dict[str, tuple[str, str, str]]:
    """``symbol -> (headline_id, headline, headline_match)`` of ``marts.fct_daily_movers``: the
    most relevant headline of each symbol on the day, for the symbols that have one."""
    try:
        rows = con.execute(
            "select symbol, headline_id, headline, headline_match from marts.fct_daily_movers "
            "where market_date = ? and headline is not null",
            [market_date],
        ).fetchall()
    except _MISSING:
        return {}
    return {symbol: (headline_id, text, match) for symbol, headline_id, text, match in rows}
