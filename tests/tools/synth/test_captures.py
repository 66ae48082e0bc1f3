"""Tests for dagster_project.tools.synth.captures: the files synth writes and expected.json."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from dagster_project.core.dating.calendar import PsxCalendar, psx_calendar
from dagster_project.core.dating.market_time import PKT
from dagster_project.core.errors import ConfigError
from dagster_project.core.normalise.captures import (
    CaptureSource,
    NormalisedFrames,
    normalise_captures,
)
from dagster_project.core.raw.landing import inventory
from dagster_project.settings import HOLIDAYS_SEED
from dagster_project.tools.synth.captures import SynthSummary, write_captures
from dagster_project.tools.synth.limits import PriceLimits
from dagster_project.tools.synth.market import INDEX_CODES

# Shares far above the defaults so that a small run has every kind of page.
OPTIONS: dict[str, Any] = {
    "days": 45,
    "symbols": 33,
    "captures_per_day": 3,
    "seed": 7,
    "start": dt.date(2024, 3, 20),
    "html_share": 0.2,
    "replay_share": 0.4,
    "broken_share": 0.2,
    "duplicate_share": 0.1,
}


class Generated:
    def __init__(self, root: Path, summary: SynthSummary, calendar: PsxCalendar) -> None:
        self.root, self.summary = root, summary
        self.expected = json.loads(summary.expected_path.read_text(encoding="utf-8"))
        self.files = inventory(root).files
        distinct = self.files.unique("sha256", keep="first", maintain_order=True)
        sources = [
            CaptureSource(sha256=row["sha256"], path=root / row["source_path"], byte_size=size)
            for row, size in zip(distinct.iter_rows(named=True), distinct["byte_size"], strict=True)
        ]
        self.frames: NormalisedFrames = normalise_captures(
            sources, calendar=calendar, max_bytes=10_000_000
        )
        self.path_of = dict(zip(distinct["sha256"], distinct["source_path"], strict=True))


@pytest.fixture(scope="module")
def calendar() -> PsxCalendar:
    return psx_calendar(HOLIDAYS_SEED)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, calendar: PsxCalendar) -> Generated:
    root = tmp_path_factory.mktemp("synth") / "raw"
    return Generated(root, write_captures(root, **OPTIONS), calendar)


def tree(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and, for captures, modification time."""
    return {
        path.relative_to(root).as_posix(): (
            path.read_bytes(),
            path.stat().st_mtime_ns if path.suffix != ".json" else 0,
        )
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_the_same_seed_writes_the_same_files(tmp_path: Path, generated: Generated) -> None:
    again = write_captures(tmp_path / "again", **OPTIONS)
    assert tree(tmp_path / "again") == tree(generated.root)
    assert again == SynthSummary(
        **{**vars(generated.summary), "out_dir": tmp_path / "again"}
        | {"expected_path": tmp_path / "again" / "expected.json"}
    )
    other = write_captures(tmp_path / "other", **{**OPTIONS, "seed": 8, "days": 3})
    assert other.files > 0
    assert (tmp_path / "other" / "expected.json").read_bytes() != (
        generated.summary.expected_path.read_bytes()
    )


def test_every_kind_of_page_is_there(generated: Generated) -> None:
    summary = generated.summary
    assert summary.sessions == OPTIONS["days"]
    assert summary.files == generated.files.height
    assert summary.files == OPTIONS["days"] * 3 + summary.replay_files + summary.duplicate_files
    assert min(summary.html_files, summary.replay_files, summary.duplicate_files) > 0
    assert summary.broken_lines > 0
    assert generated.files["sha256"].n_unique() == summary.files - summary.duplicate_files
    assert summary.total_bytes == generated.files["byte_size"].sum()


def test_every_capture_normalises_and_only_broken_lines_are_rejected(
    generated: Generated,
) -> None:
    captures = generated.frames.captures
    assert captures["reject_reason"].null_count() == captures.height
    assert (captures["quote_count"] == OPTIONS["symbols"]).all()
    assert (captures["index_count"] == len(INDEX_CODES)).all()
    html = captures.filter(pl.col("capture_format") == "html").height
    assert html == generated.summary.html_files
    rejected = Counter(
        (generated.path_of[sha], line)
        for sha, line in generated.frames.rejected_lines.select("sha256", "line").iter_rows()
    )
    expected = Counter(
        (item["source_path"], item["line"]) for item in generated.expected["broken_lines"]
    )
    # An exact duplicate file is one capture: its broken line is rejected once.
    assert rejected == expected
    assert sum(rejected.values()) == generated.summary.broken_lines


def test_sessions_are_consecutive_psx_sessions(generated: Generated, calendar: PsxCalendar) -> None:
    dates = [dt.date.fromisoformat(day) for day in generated.expected["market_dates"]]
    assert dates == sorted(dates)
    assert dates[0] == dt.date(2024, 3, 20)
    assert dates == [day for day in calendar.sessions_until(dates[-1]) if day >= dates[0]]
    assert all(day.weekday() < 5 for day in dates)
    # Eid ul-Fitr (10-12 Apr 2024) and Labour Day (1 May 2024) fall on weekdays.
    holidays = {dt.date(2024, 4, 10), dt.date(2024, 4, 11), dt.date(2024, 4, 12)}
    holidays.add(dt.date(2024, 5, 1))
    assert dates[0] < min(holidays) and max(holidays) < dates[-1]
    assert not holidays & set(dates)


def test_page_dates_sessions_and_capture_times(generated: Generated) -> None:
    captures = generated.frames.captures.join(
        generated.files.select("sha256", "source_path", "captured_at").unique("sha256"),
        on="sha256",
    )
    sessions = set(generated.expected["market_dates"])
    for row in captures.iter_rows(named=True):
        local = row["captured_at"].astimezone(PKT)
        assert row["source_path"].split("_")[1] == row["page_date"].isoformat()
        assert local.date() == row["page_date"]
        assert row["session_date"].isoformat() in sessions
        if not row["is_session_day"]:  # a weekend or holiday replay
            assert row["page_date"] > row["session_date"]
    replays = captures.filter(~pl.col("is_session_day"))
    assert replays.height > 0
    assert set(replays["page_date"].dt.weekday().to_list()) & {6, 7}


def test_the_winning_capture_shows_the_expected_close(generated: Generated) -> None:
    frames = generated.frames
    quotes = frames.quotes.with_columns(
        source_path=pl.col("sha256").replace_strict(generated.path_of)
    )
    levels = frames.index_levels.with_columns(
        source_path=pl.col("sha256").replace_strict(generated.path_of)
    )
    for day, truth in generated.expected["market_dates"].items():
        shown = quotes.filter(pl.col("source_path") == truth["source_path"])
        got = {
            symbol: [close, change, pct]
            for symbol, close, change, pct in shown.select(
                "symbol", "close_price", "change", "change_pct"
            ).iter_rows()
        }
        want = {symbol: [Decimal(text) for text in v] for symbol, v in truth["quotes"].items()}
        assert got == want, day
        shown_levels = levels.filter(pl.col("source_path") == truth["source_path"])
        got_levels = {
            code: [level, change, pct]
            for code, level, change, pct in shown_levels.select(
                "index_code", "level", "change", "change_pct"
            ).iter_rows()
        }
        want_levels = {c: [Decimal(text) for text in v] for c, v in truth["indices"].items()}
        assert got_levels == want_levels, day


def test_the_last_capture_of_a_session_is_taken_last(generated: Generated) -> None:
    files = generated.files.with_columns(
        page_date=pl.col("source_path").str.extract(r"_(\d{4}-\d{2}-\d{2})_").str.to_date()
    )
    for day, truth in generated.expected["market_dates"].items():
        same_day = files.filter(pl.col("page_date") == dt.date.fromisoformat(day))
        winner = same_day.filter(pl.col("source_path") == truth["source_path"])
        others = same_day.filter(pl.col("sha256") != winner["sha256"][0])
        assert (others["captured_at"] < winner["captured_at"][0]).all(), day
        assert winner["captured_at"][0].astimezone(PKT).time() > dt.time(15, 30)


def test_closes_chain_from_day_to_day(generated: Generated) -> None:
    """Each close is the previous one plus its change, within the price limit of its session
    (the sessions from 20 Mar 2024 cross the widening from 7.5% to 10%)."""
    limits = PriceLimits()
    days = list(generated.expected["market_dates"].items())
    seen = set()
    for (_, previous), (day, today) in itertools.pairwise(days):
        limit = limits.on(dt.date.fromisoformat(day))
        seen.add(limit.share)
        for symbol, (close, change, pct) in today["quotes"].items():
            prev_close = Decimal(previous["quotes"][symbol][0])
            assert Decimal(close) - Decimal(change) == prev_close
            most = max(prev_close * limit.share.numerator / limit.share.denominator, Decimal(1))
            assert abs(Decimal(change)) <= most and Decimal(close) >= 1
            assert pct == ticker_line_pct(Decimal(change), prev_close)
        for code, (level, change, _) in today["indices"].items():
            prev_level = Decimal(previous["indices"][code][0])
            # Levels are rounded to whole points (±0.5 each), changes to a tenth (±0.05).
            assert abs(Decimal(level) - Decimal(change) - prev_level) <= Decimal("1.05")
    assert len(seen) > 1, seen


def ticker_line_pct(change: Decimal, previous: Decimal) -> str:
    text = f"{(change / previous * 100).quantize(Decimal('0.01'), 'ROUND_HALF_UP'):f}"
    text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def test_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(ConfigError, match="not empty"):
        write_captures(tmp_path, days=1, symbols=1, captures_per_day=1, seed=0)


def test_a_large_batch_normalises_in_one_go(tmp_path: Path, calendar: PsxCalendar) -> None:
    """These 5,061 captures in one batch made polars 2.1 panic (``i < self.len()``)."""
    summary = write_captures(tmp_path / "raw", days=420, symbols=30, captures_per_day=12, seed=1)
    files = inventory(tmp_path / "raw").files.unique("sha256", keep="first", maintain_order=True)
    sources = [
        CaptureSource(row["sha256"], tmp_path / "raw" / row["source_path"], row["byte_size"])
        for row in files.iter_rows(named=True)
    ]
    frames = normalise_captures(sources, calendar=calendar, max_bytes=10_000_000)
    assert frames.captures.height == summary.files - summary.duplicate_files == 5_061
    assert frames.captures["reject_reason"].null_count() == frames.captures.height
    assert frames.quotes.height == 30 * frames.captures.height
    broken = {
        (item["source_path"], item["line"])
        for item in json.loads(summary.expected_path.read_text(encoding="utf-8"))["broken_lines"]
    }
    assert set(frames.rejected_lines["line"]) == {line for _, line in broken}
