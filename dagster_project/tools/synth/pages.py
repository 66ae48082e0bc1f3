"""A synthetic page around its ticker strip: the date bar, the article and its list of stories,
as plain text or as the site's HTML."""

from __future__ import annotations

import datetime as dt
import html
import random

from dagster_project.tools.synth.headlines import Headline
from dagster_project.tools.synth.strip import half_up

_ARTICLE = (
    "The benchmark KSE-100 index {verb} {points:,} points as investors weighed the latest "
    "inflation numbers and the outlook for interest rates.",
    "Traders said volumes stayed thin ahead of the monetary policy announcement, with most "
    "activity concentrated in cement, banking and exploration stocks.",
    "The rupee was little changed against the US dollar in the inter-bank market, according to "
    "the central bank's closing rates.",
    "Analysts expect the market to remain range-bound until there is clarity on the IMF "
    "programme review and the next tranche of financing.",
    "Foreign investors were net sellers during the session, while local mutual funds and "
    "insurance companies bought on dips.",
    "Gold prices in the local market moved in line with international rates, the jewellers' "
    "association said in a statement.",
    "The government has asked the regulator to review the pricing mechanism for petroleum "
    "products before the start of the next fortnight.",
    "Exporters welcomed the decision, saying it would ease liquidity pressures that had built up "
    "over the last quarter.",
    "Earlier in the week, the index had touched an intraday high on the back of strong corporate "
    "results from the energy sector.",
    "Market participants said the outlook had improved after the cabinet approved the revised "
    "circular debt management plan.",
)


def _header(day: dt.date) -> str:
    return f"{day:%b} {day.day}, {day.year} اردو PRINT EDITION ► BR MARKETS ► Dollar to PKR ►"


def article_lines(
    rng: random.Random, day: dt.date, kse_change: int, stories: list[Headline]
) -> list[str]:
    """The page below the date bar: section, title (the first story), byline, body, the comment
    form and the list of stories (the title first, as the site repeats it)."""
    words = {
        "points": abs(half_up(kse_change, 100)),
        "verb": "gained" if kse_change >= 0 else "shed",
    }
    published = f"{day.day} {day:%b}, {day.year} {rng.randint(1, 12):02d}:{rng.randint(0, 59):02d}"
    body = [text.format(**words) for text in rng.sample(_ARTICLE, rng.randint(4, 7))]
    rng.sample(range(7), 4)  # the former headlines' draw: a seed keeps its prices and files
    return [
        *("Markets", "", stories[0].text, ""),
        f"BR Research Published {published}{rng.choice(('am', 'pm'))}",
        "",
        *[line for paragraph in body for line in (paragraph, "")],
        *("Comments", "", "200 characters", ""),
        *[line for story in stories for line in (story.text, "")],
        "Read more stories",
    ]


def text_page(strip: list[str], day: dt.date, article: list[str]) -> str:
    """The page as a text capture: the strip, the date bar, the article."""
    return "\n".join([*strip, _header(day), *article]) + "\n"


def _html_item(line: str) -> str:
    parts = line.split(" ")
    if len(parts) < 5:  # a broken line: symbol and whatever is left of it
        head, _, rest = line.partition(" ")
        return (
            f'<li class="ticker-item"><span class="symbol">{head}</span> <span>{rest}</span></li>'
        )
    pct_at = len(parts) - 1
    change_at = pct_at - 1
    direction_end = change_at - (1 if parts[change_at - 1] in ("▲", "▼") else 0)
    direction = " ".join(parts[2:direction_end])
    change = " ".join(parts[direction_end:pct_at])
    return (
        f'<li class="ticker-item"><span class="symbol">{parts[0]}</span>&nbsp;'
        f'<span class="price">{parts[1]}</span> <span class="direction">{direction}</span> '
        f'<span class="change">{change}</span> <span class="pct">{parts[pct_at]}</span></li>'
    )


def html_page(strip: list[str], day: dt.date, article: list[str]) -> str:
    """The page as the site's HTML: the strip twice in its marquee, decoy ticker text in
    scripts, the date bar and the article."""
    items = "\n".join(_html_item(line) for line in strip)
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in article if line)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(article[2])} - Business Recorder</title>\n"
        '<script>var ticker = "FAKE 1.00 Increased By ▲ 0.01 (1%)";</script>\n</head>\n<body>\n'
        f'<div class="marquee">\n<ul class="ticker">\n{items}\n</ul>\n'
        f'<ul class="ticker repeat" aria-hidden="true">\n{items}\n</ul>\n</div>\n'
        "<script>\nFAKE 2.00 Decreased By ▼ -0.01 (-0.5%)\n</script>\n"
        f'<div class="top-bar"><span class="date">{day:%b} {day.day}, {day.year}</span> '
        '<a href="/urdu">اردو</a> <a href="/print">PRINT EDITION</a> &#9658; '
        '<a href="/markets">BR MARKETS</a> &#9658; Dollar to PKR &#9658;</div>\n'
        f"<article>\n{paragraphs}\n</article>\n</body>\n</html>\n"
    )
