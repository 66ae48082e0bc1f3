"""A synthetic capture history on disk and its ground truth, ``expected.json``."""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path

from dagster_project.core.dating.calendar import psx_calendar
from dagster_project.core.errors import ConfigError
from dagster_project.settings import HOLIDAYS_SEED
from dagster_project.tools.synth.actions import corporate_actions
from dagster_project.tools.synth.headlines import headline_names, session_headlines
from dagster_project.tools.synth.limits import PriceLimits
from dagster_project.tools.synth.market import INDEX_CODES, instruments, session_values
from dagster_project.tools.synth.pages import article_lines
from dagster_project.tools.synth.schedule import PKT, capture_times, psx_sessions
from dagster_project.tools.synth.strip import half_up, strips, with_broken_line
from dagster_project.tools.synth.symbols import ALIASES_SEED, SECTORS_SEED
from dagster_project.tools.synth.writer import CaptureWriter

EXPECTED_FILE = "expected.json"


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
    action_share: float = 0.0,
    expected_path: Path | None = None,
) -> SynthSummary:
    """Write ``days`` PSX sessions from ``start`` on, ``captures_per_day`` captures each.

    The last capture of a session (taken after the close) shows the session's close; earlier
    ones show prices on their way there. Around them, each at roughly its share of captures:
    HTML pages, replays (a page dated the next day when that is no session, else taken before
    the next open, showing the close), exact duplicate files (copied later) and broken lines
    (a ticker line cut short, inserted beside the intact one). With ``action_share``, that share
    of the stocks has a corporate action before a session (``tools/synth/actions.py``): its
    previous close is adjusted and the strip's change measured against the adjusted price.
    Deterministic given ``seed``.

    Raises:
        ConfigError: a size below 1, or ``out_dir`` exists and is not empty.
    """
    if min(days, symbols, captures_per_day) < 1:
        raise ConfigError("--days, --symbols and --captures-per-day must be at least 1")
    if out_dir.exists() and any(out_dir.iterdir()):
        raise ConfigError(f"{out_dir} is not empty: synth writes into a new or empty directory")
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    items = instruments(rng, symbols)
    kse100 = [item.code for item in items].index("KSE100")
    sessions = psx_sessions(start, days)
    is_session = psx_calendar(HOLIDAYS_SEED).is_session
    limits = PriceLimits()
    writer = CaptureWriter(out_dir, rng, html_share)
    market_dates: dict[str, object] = {}
    broken: list[dict[str, str]] = []
    stocks = [item.code for item in items if not item.is_index]
    names = headline_names(stocks, sectors_seed=SECTORS_SEED, aliases_seed=ALIASES_SEED)
    actions: list[dict[str, object]] = []
    for number, session in enumerate(sessions):
        if number > 0:  # the first session has no close before it to adjust
            actions += corporate_actions(items, seed=seed, session=session, share=action_share)
        rows = session_values(rng, items, captures_per_day, limits.on(session))
        times = capture_times(rng, session, captures_per_day)
        change = rows[-1][kse100] - items[kse100].value
        story_rng = random.Random(f"{seed}:{session.isoformat()}")  # the prices' draws stay apart
        stories = session_headlines(story_rng, names=names, points=half_up(change, 100))
        article = article_lines(rng, session, change, stories)
        session_strips = list(strips(items, rows))
        for (strip, _), at in zip(session_strips, times, strict=True):
            lines = list(strip)
            bad = with_broken_line(rng, lines, broken_share)
            name = writer.write(session, at, lines, article)
            copies = 2 if name.endswith(".html") else 1  # the HTML marquee repeats its list
            broken += [{"source_path": name, "line": line} for line in bad * copies]
            if rng.random() < duplicate_share:
                writer.duplicate(name, at + dt.timedelta(minutes=rng.randint(1, 90)))
        closing_strip, parsed = session_strips[-1]
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
            replay_at = dt.datetime.combine(next_day, when, PKT)
            writer.write(next_day, replay_at, closing_strip, article)
    params: dict[str, object] = {"days": days, "symbols": symbols, "seed": seed}
    params |= {"captures_per_day": captures_per_day, "start": start.isoformat()}
    params |= {"html_share": html_share, "replay_share": replay_share}
    params |= {"broken_share": broken_share, "duplicate_share": duplicate_share}
    params |= {"action_share": action_share}
    expected_path = expected_path or out_dir / EXPECTED_FILE
    expected_path.parent.mkdir(parents=True, exist_ok=True)
    ground_truth = {
        "params": params,
        "symbols": stocks,
        "index_codes": list(INDEX_CODES),
        "files": writer.counts,
        "broken_lines": broken,
        "market_dates": market_dates,
        "corporate_actions": actions,
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
