"""Headlines for synthetic pages: a session's list of stories, some naming symbols of the strip.

A story names one stock the way Business Recorder writes it (its company name without ``The``
and legal words, or a short name of ``psx_symbol_aliases``), or the KSE-100, or nothing at all.
Each comes with the symbols ``marts.bridge_headline_symbol`` should link it to, which
:mod:`.captures` records in ``expected.json``. Deterministic given the generator.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

KSE100 = "KSE100"
_UNNAMED = (
    "Rupee inches up against US dollar",
    "Gold prices remain steady in Pakistan",
    "Cement despatches rise year-on-year",
    "Cabinet approves revised power tariff plan",
    "Oil prices edge higher on supply worries",
    "SBP reserves increase by ${amount} million",
    "Cotton prices unchanged in spot market",
    "Exporters seek relief in gas tariff",
)
_INDEX = "KSE-100 closes {points} points {direction} as profit-taking persists"
_NAMING = (
    "{name} posts Rs{amount}bn profit for the quarter",
    "{name} shares slide after weak results",
    "{name} board approves interim dividend",
    "{name} to raise capital through rights issue",
    "{name} wins export order worth ${amount} million",
)
_LEGAL_WORDS = re.compile(
    r"(\s+(Limited|Ltd\.?|Company|Co\.?|Corporation|Corp\.?|Inc\.?|PLC|\(Pvt\.?\)|Pvt\.?))+\s*$",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Headline:
    """A story of the list and the symbols (or index codes) it names."""

    text: str
    symbols: tuple[str, ...]


def _key(name: str) -> str:
    return " ".join(_WORD.findall(name))


def company_short_name(company_name: str) -> str:
    """``The Hub Power Company Limited`` -> ``Hub Power``, as the bridge's company-name rule."""
    return _LEGAL_WORDS.sub("", re.sub(r"^The\s+", "", company_name))


def headline_names(
    symbols: Iterable[str], *, sectors_seed: Path, aliases_seed: Path
) -> dict[str, list[str]]:
    """Per symbol of ``symbols``, the names a synthetic headline may call it by.

    The short company name when it has two words or more and names no other symbol of the
    seed, and every alias that is not refused and holds a lower-case letter (a name, not a
    code); symbols with neither are left out.
    """
    with sectors_seed.open(encoding="utf-8", newline="") as handle:
        companies = {row["symbol"]: row["company_name"] for row in csv.DictReader(handle)}
    with aliases_seed.open(encoding="utf-8", newline="") as handle:
        aliases = [row for row in csv.DictReader(handle) if row["is_refused"] != "true"]
    owners: dict[str, set[str]] = {}
    for symbol, company in companies.items():
        owners.setdefault(_key(company_short_name(company)), set()).add(symbol)
    names: dict[str, list[str]] = {}
    for symbol in symbols:
        short = company_short_name(companies.get(symbol, ""))
        found = (
            [short] if len(_WORD.findall(short)) >= 2 and owners[_key(short)] == {symbol} else []
        )
        found += [
            row["alias"]
            for row in aliases
            if row["symbol"] == symbol and re.search(r"[a-z]", row["alias"])
        ]
        if found:
            names[symbol] = sorted(set(found))
    return names


def session_headlines(
    rng: random.Random, *, names: Mapping[str, list[str]], points: int, count: int = 5
) -> list[Headline]:
    """``count`` distinct stories of one session: the KSE-100's move, one to three naming a
    stock of ``names`` (by a name chosen at random), the rest naming nothing.

    Args:
        rng: The session's own generator.
        names: What :func:`headline_names` returned.
        points: The KSE-100's change in points (negative: lower).
        count: How many stories (at least 2).
    """
    direction = "higher" if points >= 0 else "lower"
    stories = [Headline(_INDEX.format(points=abs(points), direction=direction), (KSE100,))]
    named = rng.sample(sorted(names), min(len(names), rng.randint(1, 3), count - 1))
    templates = rng.sample(_NAMING, len(named))
    for symbol, template in zip(named, templates, strict=True):
        text = template.format(name=rng.choice(names[symbol]), amount=rng.randint(2, 90))
        stories.append(Headline(text, (symbol,)))
    for template in rng.sample(_UNNAMED, count - len(stories)):
        stories.append(Headline(template.format(amount=rng.randint(20, 400)), ()))
    rng.shuffle(stories)
    return stories
