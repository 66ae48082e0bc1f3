"""Tests for dagster_project.tools.synth.headlines and the headlines synth writes on its pages."""

from __future__ import annotations

import json
import random
from pathlib import Path

import polars as pl

from dagster_project.core.dating.calendar import psx_calendar
from dagster_project.core.normalise.captures import CaptureSource, normalise_captures
from dagster_project.core.raw.landing import inventory
from dagster_project.settings import HOLIDAYS_SEED
from dagster_project.tools.synth.captures import write_captures
from dagster_project.tools.synth.headlines import (
    KSE100,
    company_short_name,
    headline_names,
    session_headlines,
)
from dagster_project.tools.synth.symbols import ALIASES_SEED, SECTORS_SEED


def test_company_names_lose_the_and_their_legal_words() -> None:
    assert company_short_name("The Hub Power Company Limited") == "Hub Power"
    assert company_short_name("Pakistan Refinery Limited") == "Pakistan Refinery"
    assert company_short_name("Pakistan State Oil Company Limited") == "Pakistan State Oil"
    assert company_short_name("National Bank of Pakistan") == "National Bank of Pakistan"


def test_names_are_company_names_of_two_words_or_aliases() -> None:
    names = headline_names(
        ["PRL", "KEL", "SEARL", "PTC", "WAVESAPP", "SYN001"],
        sectors_seed=SECTORS_SEED,
        aliases_seed=ALIASES_SEED,
    )
    assert names["PRL"] == ["Pakistan Refinery"]
    assert names["KEL"] == ["K-Electric"]
    assert names["SEARL"] == ["Searle"]  # one word: only as an alias
    assert names["PTC"] == ["Pakistan Telecommunication"]  # PTCL is a code-like alias
    # WAVESAPP shares its short name with WHALE; SYN001 has no name at all.
    assert "WAVESAPP" not in names and "SYN001" not in names


def test_a_session_lists_the_kse100_named_stocks_and_unnamed_stories() -> None:
    names = {"PRL": ["Pakistan Refinery"], "KEL": ["K-Electric"], "HUBC": ["Hub Power"]}
    stories = session_headlines(random.Random(1), names=names, points=-335)
    assert len(stories) == len({story.text for story in stories}) == 5
    by_symbols = {story.symbols for story in stories}
    assert (KSE100,) in by_symbols and () in by_symbols
    index = next(story for story in stories if story.symbols == (KSE100,))
    assert index.text == "KSE-100 closes 335 points lower as profit-taking persists"
    for story in stories:
        for symbol in story.symbols:
            if symbol != KSE100:
                assert any(name in story.text for name in names[symbol])
    assert stories == session_headlines(random.Random(1), names=names, points=-335)


def test_every_page_shows_its_sessions_headlines(tmp_path: Path) -> None:
    root = tmp_path / "raw"
    summary = write_captures(
        root, days=4, symbols=30, captures_per_day=2, seed=9, html_share=0.5, replay_share=0,
        duplicate_share=0,
    )  # fmt: skip
    truth = json.loads(summary.expected_path.read_text(encoding="utf-8"))["market_dates"]
    files = inventory(root).files
    sources = [
        CaptureSource(sha256=row["sha256"], path=root / row["source_path"], byte_size=size)
        for row, size in zip(files.iter_rows(named=True), files["byte_size"], strict=True)
    ]
    frames = normalise_captures(sources, calendar=psx_calendar(HOLIDAYS_SEED), max_bytes=10**7)
    paths = files.select("sha256", "source_path")
    shown = frames.headlines.join(paths, on="sha256").with_columns(
        day=pl.col("source_path").str.extract(r"brecorder_(\d{4}-\d{2}-\d{2})_")
    )
    assert summary.html_files > 0
    for sha256, day in shown.select("sha256", "day").unique().iter_rows():
        page = shown.filter(sha256=sha256)
        assert set(page["headline"]) == set(truth[day]["headlines"]), day
        assert page.filter(headline_kind="article").height == 1
    assert shown["sha256"].n_unique() == summary.files
