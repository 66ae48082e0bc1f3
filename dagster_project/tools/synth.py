"""Synthetic Business Recorder captures for tests and benchmarks (``market-snapshots synth``).

Prices follow a seeded random walk over real PSX sessions; every page is printed exactly the way
the site prints its ticker strip, so the normaliser cannot tell it from a real capture. Beside the
pages, ``expected.json`` holds the ground truth: per market date the closing quotes and index
levels, as the page that should win that date prints them, and the links its headlines make.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import json
import math
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dagster_project.core.calendar import psx_calendar
from dagster_project.core.errors import ConfigError
from dagster_project.settings import DBT_PROJECT_DIR, HOLIDAYS_SEED
from dagster_project.tools.synth_headlines import Headline, headline_names, session_headlines

SECTORS_SEED = DBT_PROJECT_DIR / "seeds" / "psx_sectors.csv"
ALIASES_SEED = DBT_PROJECT_DIR / "seeds" / "psx_symbol_aliases.csv"
INDEX_CODES = ("BR100", "BR30", "KSE100", "KSE30")
EXPECTED_FILE = "expected.json"

_PKT = dt.timezone(dt.timedelta(hours=5), "PKT")
_INDEX_START = {"BR100": 3_500_00, "BR30": 16_000_00, "KSE100": 32_000_00, "KSE30": 20_000_00}
_REVERSION = 0.003  # pull of log(price / anchor) per session: prices neither die nor explode
_NO_TRADE = 0.03  # share of (symbol, session) pairs printed as "No Change"
_WEEKDAY_HOURS = (dt.time(9, 32), dt.time(15, 30))
_FRIDAY_HOURS = (dt.time(9, 17), dt.time(16, 30))
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


@dataclass(frozen=True)
class SynthSummary:
    """What :func:`write_captures` wrote.

    Attributes:
        out_dir: Where the captures are (``YYYY/MM/brecorder_<page date>_<HHMMSS>.<ext>``).
        expected_path: The ground-truth JSON.
        first_session, last_session: The market dates covered.
        sessions: Number of PSX sessions generated.
        files: Capture files written (duplicates included).
        html_files, replay_files, duplicate_files: Files of each special kind.
        broken_lines: Deliberately broken ticker lines (each is rejected when normalised).
        total_bytes: Bytes of all capture files.
    """

    out_dir: Path
    expected_path: Path
    first_session: dt.date
    last_session: dt.date
    sessions: int
    files: int
    html_files: int
    replay_files: int
    duplicate_files: int
    broken_lines: int
    total_bytes: int


@dataclass
class Instrument:
    """A stock or index on the strip and its current value (changes as the walk goes on)."""

    code: str
    is_index: bool
    value: int  # paisa for a stock, hundredths of a point for an index
    anchor: float
    volatility: float


# The 30 stocks of the shipped sample's strip (18 Oct 2024), all in the sector seed: synthetic
# history stays the same when the seed grows.
SAMPLE_STRIP_SYMBOLS = (
    "AGL", "AIRLINK", "BOP", "CNERGY", "DCL", "DFML", "DGKC", "FCCL", "FFBL", "FFL",
    "HUBC", "HUMNL", "KEL", "KOSM", "MLCF", "NBP", "OGDC", "PAEL", "PIBTL", "PPL",
    "PRL", "PTC", "SEARL", "TELE", "TOMCL", "TPLP", "TREET", "TRG", "UNITY", "WTL",
)  # fmt: skip


def seeded_symbols() -> list[str]:
    """The sample strip's symbols that ``dbt/seeds/psx_sectors.csv`` holds, in strip order."""
    with SECTORS_SEED.open(encoding="utf-8", newline="") as handle:
        seeded = {row["symbol"] for row in csv.DictReader(handle)}
    return [symbol for symbol in SAMPLE_STRIP_SYMBOLS if symbol in seeded]


def symbol_names(count: int) -> list[str]:
    """``count`` stock symbols: the seeded ones first, then ``SYN001``, ``SYN002`` ..., A→Z."""
    seeded = seeded_symbols()
    made_up = [f"SYN{number:03d}" for number in range(1, max(0, count - len(seeded)) + 1)]
    return sorted([*seeded[:count], *made_up])


def psx_sessions(start: dt.date, count: int) -> list[dt.date]:
    """The first ``count`` PSX sessions on or after ``start``."""
    calendar = psx_calendar(HOLIDAYS_SEED)
    days: list[dt.date] = []
    day = start
    while len(days) < count:
        if calendar.is_session(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded to an integer, halves away from zero."""
    quotient = (2 * abs(numerator) + denominator) // (2 * denominator)
    return -quotient if numerator < 0 else quotient


def _grouped(units: int, decimals: int) -> str:
    """``units`` (scaled by 10**decimals) as ``-1,234.5``."""
    sign, magnitude = ("-" if units < 0 else ""), abs(units)
    whole, fraction = divmod(magnitude, 10**decimals)
    return f"{sign}{whole:,}.{fraction:0{decimals}d}" if decimals else f"{sign}{whole:,}"


def _trimmed(units: int, decimals: int) -> str:
    """Like :func:`_grouped` without trailing zeros (``-0.6``, ``5.06``, ``0``, ``-181``)."""
    text = _grouped(units, decimals)
    if decimals:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _pct(change: int, previous: int) -> str:
    return _trimmed(_half_up(change * 10_000, previous), 2)


def ticker_line(instrument: Instrument, value: int, previous: int) -> tuple[str, list[str]]:
    """The printed line and its [value, change, pct] as the parser reads them back."""
    change = value - previous
    pct = _pct(change, previous)
    if instrument.is_index:  # level to whole points, change to one decimal, no arrow
        level, tenths = _half_up(value, 100), _half_up(change, 10)
        phrase = "Increased By" if tenths > 0 else "Decreased By" if tenths < 0 else "No Change"
        shown = [_grouped(level, 0), _trimmed(tenths, 1)]
        parsed = [str(level), _trimmed(tenths, 1).replace(",", ""), pct]
    else:
        phrase = (
            "Increased By ▲" if change > 0 else "Decreased By ▼" if change < 0 else "No Change ▼"
        )
        shown = [_grouped(value, 2), _grouped(change, 2)]
        parsed = [text.replace(",", "") for text in shown] + [pct]
    return f"{instrument.code} {shown[0]} {phrase} {shown[1]} ({pct}%)", parsed


def _instruments(rng: random.Random, symbols: int) -> list[Instrument]:
    stocks = []
    for code in symbol_names(symbols):
        value = int(math.exp(rng.uniform(math.log(2), math.log(600))) * 100)
        stocks.append(Instrument(code, False, value, math.log(value), rng.uniform(0.012, 0.03)))
    indices = [
        Instrument(code, True, start, math.log(start), rng.uniform(0.006, 0.011))
        for code, start in _INDEX_START.items()
    ]
    return stocks + indices


def _clamp(item: Instrument, previous: int, change: int) -> int:
    """``change`` held within the daily limit: ±10% or Rs 1 and a floor of Rs 1 for a stock,
    ±6% for an index."""
    if item.is_index:
        return max(-previous * 6 // 100, min(previous * 6 // 100, change))
    limit = max(previous // 10, 100)
    change = max(-limit, min(limit, change))
    return max(previous + change, 100) - previous


def _session_values(rng: random.Random, items: list[Instrument], captures: int) -> list[list[int]]:
    """Per capture of one session, each instrument's value; the last row is the close.

    The close is a mean-reverting log random walk; intraday values follow a noisy bridge from
    the previous close to today's.
    """
    closes = []
    for item in items:
        drift = -_REVERSION * (math.log(item.value) - item.anchor)
        move = (
            0.0
            if not item.is_index and rng.random() < _NO_TRADE
            else rng.gauss(drift, item.volatility)
        )
        closes.append(item.value + _clamp(item, item.value, round(item.value * move)))
    rows = []
    for number in range(1, captures):
        share = number / captures
        spread = math.sqrt(share * (1 - share))
        row = []
        for item, close in zip(items, closes, strict=True):
            noise = rng.gauss(0.0, item.volatility * spread)
            change = round((close - item.value) * share + item.value * noise)
            row.append(item.value + _clamp(item, item.value, change))
        rows.append(row)
    return [*rows, closes]


def _capture_times(rng: random.Random, session: dt.date, captures: int) -> list[dt.datetime]:
    """Capture times (PKT): spread over the session hours, the last one after the close."""
    hours = _FRIDAY_HOURS if session.weekday() == 4 else _WEEKDAY_HOURS
    start, end = (dt.datetime.combine(session, time, _PKT) for time in hours)
    slot = (end - start).total_seconds() / max(1, captures - 1)
    times = [
        start + dt.timedelta(seconds=int(slot * (number + rng.uniform(0.05, 0.95))))
        for number in range(captures - 1)
    ]
    return [*times, end + dt.timedelta(seconds=rng.randint(10 * 60, 6 * 3600))]


def _header(day: dt.date) -> str:
    return f"{day:%b} {day.day}, {day.year} اردو PRINT EDITION ► BR MARKETS ► Dollar to PKR ►"


def _article(
    rng: random.Random, day: dt.date, kse_change: int, stories: list[Headline]
) -> list[str]:
    """The page below the date bar: section, title (the first story), byline, body, the comment
    form and the list of stories (the title first, as the site repeats it)."""
    words = {
        "points": abs(_half_up(kse_change, 100)),
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


def _text_page(strip: list[str], day: dt.date, article: list[str]) -> str:
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


def _html_page(strip: list[str], day: dt.date, article: list[str]) -> str:
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


def _broken(rng: random.Random, line: str) -> str:
    """A ticker line cut short inside its price or later (never a valid line)."""
    symbol_end = line.index(" ")
    return line[: rng.randint(symbol_end + 2, len(line) - 1)].rstrip()


class _Writer:
    """Writes capture files with their modification times and keeps the tallies."""

    def __init__(self, out_dir: Path, rng: random.Random, html_share: float) -> None:
        self.out_dir, self.rng, self.html_share = out_dir, rng, html_share
        self.names: set[str] = set()
        self.counts = {"files": 0, "html": 0, "replay": 0, "duplicate": 0, "bytes": 0}

    def write(self, day: dt.date, at: dt.datetime, strip: list[str], article: list[str]) -> str:
        is_html = self.rng.random() < self.html_share
        content = (_html_page if is_html else _text_page)(strip, day, article).encode()
        name = f"{day:%Y/%m}/brecorder_{day.isoformat()}_{at:%H%M%S}.{'html' if is_html else 'txt'}"
        self.counts["html"] += is_html
        return self._put(name, content, at)

    def duplicate(self, original: str, at: dt.datetime) -> None:
        content = (self.out_dir / original).read_bytes()
        stem, _, suffix = original.rpartition(".")
        self.counts["duplicate"] += 1
        self._put(f"{stem}_copy.{suffix}", content, at)

    def _put(self, name: str, content: bytes, at: dt.datetime) -> str:
        while name in self.names:
            stem, _, suffix = name.rpartition(".")
            name = f"{stem}_1.{suffix}"
        self.names.add(name)
        path = self.out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        stamp = int(at.timestamp()) * 1_000_000_000
        os.utime(path, ns=(stamp, stamp))
        self.counts["files"] += 1
        self.counts["bytes"] += len(content)
        return name


def _strips(
    items: list[Instrument], rows: list[list[int]]
) -> Iterator[tuple[list[str], dict[str, list[str]]]]:
    """Per row of values, the printed strip and the values as the parser reads them back."""
    for row in rows:
        strip, parsed = [], {}
        for item, value in zip(items, row, strict=True):
            line, numbers = ticker_line(item, value, item.value)
            strip.append(line)
            parsed[item.code] = numbers
        yield strip, parsed


def _with_broken_line(rng: random.Random, strip: list[str], share: float) -> list[str]:
    """The broken lines to insert (none or one), inserted in place into ``strip``."""
    if rng.random() >= share:
        return []
    at_line = rng.randrange(len(strip) - len(INDEX_CODES))
    line = strip[at_line]
    broken = line[: rng.randint(line.index(" ") + 2, len(line) - 1)].rstrip()
    strip.insert(at_line, broken)
    return [broken]


def write_captures(
    out_dir: Path,
    *,
    days: int,
    symbols: int,
    captures_per_day: int,
    seed: int,
    start: dt.date = dt.date(2015, 1, 1),
    html_share: float = 0.05,
    replay_share: float = 0.05,
    broken_share: float = 0.02,
    duplicate_share: float = 0.01,
    expected_path: Path | None = None,
) -> SynthSummary:
    """Write ``days`` PSX sessions from ``start`` on, ``captures_per_day`` captures each.

    The last capture of a session (taken after the close) shows the session's close; earlier
    ones show prices on their way there. Around them, each at roughly its share of captures:
    HTML pages, replays (a page dated the next day when that is no session, else taken before
    the next open, showing the close), exact duplicate files (copied later) and broken lines
    (a ticker line cut short, inserted beside the intact one). Deterministic given ``seed``.

    Raises:
        ConfigError: a size below 1, or ``out_dir`` exists and is not empty.
    """
    if min(days, symbols, captures_per_day) < 1:
        raise ConfigError("--days, --symbols and --captures-per-day must be at least 1")
    if out_dir.exists() and any(out_dir.iterdir()):
        raise ConfigError(f"{out_dir} is not empty: synth writes into a new or empty directory")
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    items = _instruments(rng, symbols)
    kse100 = [item.code for item in items].index("KSE100")
    sessions = psx_sessions(start, days)
    is_session = psx_calendar(HOLIDAYS_SEED).is_session
    writer = _Writer(out_dir, rng, html_share)
    market_dates: dict[str, object] = {}
    broken: list[dict[str, str]] = []
    stocks = [item.code for item in items if not item.is_index]
    names = headline_names(stocks, sectors_seed=SECTORS_SEED, aliases_seed=ALIASES_SEED)
    for number, session in enumerate(sessions):
        rows = _session_values(rng, items, captures_per_day)
        times = _capture_times(rng, session, captures_per_day)
        change = rows[-1][kse100] - items[kse100].value
        story_rng = random.Random(f"{seed}:{session.isoformat()}")  # the prices' draws stay apart
        stories = session_headlines(story_rng, names=names, points=_half_up(change, 100))
        article = _article(rng, session, change, stories)
        strips = list(_strips(items, rows))
        for (strip, _), at in zip(strips, times, strict=True):
            lines = list(strip)
            bad = _with_broken_line(rng, lines, broken_share)
            name = writer.write(session, at, lines, article)
            copies = 2 if name.endswith(".html") else 1  # the HTML marquee repeats its list
            broken += [{"source_path": name, "line": line} for line in bad * copies]
            if rng.random() < duplicate_share:
                writer.duplicate(name, at + dt.timedelta(minutes=rng.randint(1, 90)))
        closing_strip, parsed = strips[-1]
        market_dates[session.isoformat()] = {
            "source_path": name,
            "quotes": {code: parsed[code] for code in parsed if code not in INDEX_CODES},
            "indices": {code: parsed[code] for code in INDEX_CODES},
            "headlines": {story.text: list(story.symbols) for story in stories},
        }
        for item, close in zip(items, rows[-1], strict=True):
            item.value = close
        has_next = number + 1 < len(sessions)
        if rng.random() < replay_share:
            next_day = session + dt.timedelta(days=1)
            if not is_session(next_day):  # a weekend or holiday page shows the last close
                when = dt.time(rng.randint(9, 21), rng.randint(0, 59), rng.randint(0, 59))
            elif has_next:  # taken before the next session opened
                when = dt.time(8, rng.randint(0, 59), rng.randint(0, 59))
            else:
                continue
            writer.counts["replay"] += 1
            replay_at = dt.datetime.combine(next_day, when, _PKT)
            writer.write(next_day, replay_at, closing_strip, article)
    params: dict[str, object] = {"days": days, "symbols": symbols, "seed": seed}
    params |= {"captures_per_day": captures_per_day, "start": start.isoformat()}
    params |= {"html_share": html_share, "replay_share": replay_share}
    params |= {"broken_share": broken_share, "duplicate_share": duplicate_share}
    expected_path = expected_path or out_dir / EXPECTED_FILE
    expected_path.parent.mkdir(parents=True, exist_ok=True)
    ground_truth = {
        "params": params,
        "symbols": [item.code for item in items if not item.is_index],
        "index_codes": list(INDEX_CODES),
        "files": writer.counts,
        "broken_lines": broken,
        "market_dates": market_dates,
    }
    expected_path.write_text(
        json.dumps(ground_truth, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    return SynthSummary(
        out_dir=out_dir,
        expected_path=expected_path,
        first_session=sessions[0],
        last_session=sessions[-1],
        sessions=len(sessions),
        files=writer.counts["files"],
        html_files=writer.counts["html"],
        replay_files=writer.counts["replay"],
        duplicate_files=writer.counts["duplicate"],
        broken_lines=len(broken),
        total_bytes=writer.counts["bytes"],
    )


def _synth(args: argparse.Namespace) -> int:
    """The ``synth`` sub-command's handler."""
    summary = write_captures(
        Path(args.out),
        days=args.days,
        symbols=args.symbols,
        captures_per_day=args.captures_per_day,
        seed=args.seed,
        start=args.start,
        html_share=args.html_share,
        replay_share=args.replay_share,
        broken_share=args.broken_share,
        duplicate_share=args.duplicate_share,
        expected_path=Path(args.expected) if args.expected else None,
    )
    print(
        f"wrote {summary.files} capture files ({summary.total_bytes / 1e6:.1f} MB) to "
        f"{summary.out_dir}: {summary.sessions} sessions {summary.first_session} … "
        f"{summary.last_session}, {summary.html_files} HTML, {summary.replay_files} replays, "
        f"{summary.duplicate_files} duplicates, {summary.broken_lines} broken lines\n"
        f"ground truth: {summary.expected_path}"
    )
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``market-snapshots synth`` on the CLI's sub-command set."""
    synth = commands.add_parser(
        "synth", help="write synthetic captures (for tests and benchmarks) and expected.json"
    )
    synth.add_argument("--days", type=int, required=True, help="number of PSX sessions")
    synth.add_argument("--symbols", type=int, default=30, help="stocks on the strip (default 30)")
    synth.add_argument(
        "--captures-per-day", type=int, default=1, help="captures per session (default 1)"
    )
    synth.add_argument("--out", required=True, help="new or empty directory to write into")
    synth.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    synth.add_argument(
        "--start",
        type=dt.date.fromisoformat,
        default=dt.date(2015, 1, 1),
        help="first day (YYYY-MM-DD); sessions start on or after it (default 2015-01-01)",
    )
    for kind, default, what in (
        ("html", 0.05, "captures written as HTML"),
        ("replay", 0.05, "sessions followed by a replay page"),
        ("broken", 0.02, "captures with a broken ticker line"),
        ("duplicate", 0.01, "captures also written as an exact duplicate file"),
    ):
        synth.add_argument(
            f"--{kind}-share", type=float, default=default, help=f"share of {what} ({default})"
        )
    synth.add_argument(
        "--expected", help=f"where to write the ground truth (default OUT/{EXPECTED_FILE})"
    )
    synth.set_defaults(handler=_synth)
