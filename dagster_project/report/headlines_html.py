"""The report's "Headlines" section: the day's headlines, each with the symbols it names."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from dagster_project.report.data import DayReport
from dagster_project.report.format import arrow, byline, direction, percent
from dagster_project.report.headlines import Headline, HeadlineLink

#: How a headline named a symbol, in the words of the tooltip.
MATCHED_BY = {"symbol": "its code", "company_name": "its company name", "alias": "a short name"}


def _link(link: HeadlineLink, moves: dict[str, Decimal]) -> str:
    move = moves.get(link.symbol)
    shown = (
        ""
        if move is None
        else f' <span class="{direction(move)}">{arrow(move)} {percent(move)}</span>'
    )
    named = MATCHED_BY.get(link.match_kind, link.match_kind)
    symbol = escape(link.symbol)
    return (
        f'<span class="tag" data-symbol="{symbol}" title="{symbol}: named by {escape(named)}">'
        f"{symbol}{shown}</span>"
    )


def _item(headline: Headline, moves: dict[str, Decimal]) -> str:
    kind = '<span class="kind">Article</span> ' if headline.is_article else ""
    by = byline(headline.section, headline.news_source, headline.published_at)
    meta = f' <span class="by">{escape(by)}</span>' if by else ""
    tags = "".join(_link(link, moves) for link in headline.links)
    tags = f' <span class="tags">{tags}</span>' if tags else ""
    key = escape(headline.headline_id)
    return (
        f'<li id="headline-{key}" data-headline="{key}" '
        f'data-kind="{escape(headline.headline_kind)}">'
        f'{kind}<span class="hl">{escape(headline.headline)}</span>{meta}{tags}</li>'
    )


def headlines_section(day: DayReport) -> str:
    """The section, or nothing for a warehouse built before the headline marts."""
    if day.headlines is None:
        return ""
    if not day.headlines:
        body = '<p class="note">No headline was captured for this session.</p>'
    else:
        moves = {quote.symbol: quote.change_pct for quote in day.quotes}
        moves |= {index.index_code: index.change_pct for index in day.indices}
        items = "".join(_item(headline, moves) for headline in day.headlines)
        body = f'<ol class="headlines">{items}</ol>'
    return (
        '<section class="panel" data-panel="headlines"><h2>Headlines</h2><p class="note">'
        "The titles the captured pages of this session showed, each once: their own article "
        "first, then their list of other stories. Beside a headline, the symbols and indices it "
        f"names, with their move of the day.</p>{body}</section>"
    )
