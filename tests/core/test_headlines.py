"""Tests for dagster_project.core.headlines: the titles a page shows, never its body."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dagster_project.core import schemas
from dagster_project.core.capture.decode import capture_lines, decode_capture, sha256_hex
from dagster_project.core.dating.calendar import PsxCalendar, psx_calendar
from dagster_project.core.headlines import extract_headlines
from dagster_project.core.normalise.captures import CaptureSource, normalise_captures
from dagster_project.core.ticker import lines_frame
from dagster_project.settings import HOLIDAYS_SEED
from tests.captures import SAMPLE, page, stock_line

TITLE = "Growing North Korea support for Russia ‘very worrying’"
SAMPLE_STORIES = [
    "Changes made to elections laws cannot undo judgment on reserved seats: SC",
    "Pakistan’s inflation likely to stay in single digit in October, rate cut anticipated",
    "Rupee gains against US dollar",
    "Yahya Sinwar threw stick at drone just before death, according to Israel video",
    "KSE-100 closes 335 points lower as profit-taking persists",
    "SC abolishes policies of recruitment of govt employees’ children",
    "Gold prices hit record high in Pakistan, surpass Rs280,000 per tola amid global rally",
    "July-September: Pakistan Refinery sustains Rs2.4bn in losses",
    "US charges ex-Indian intelligence official in foiled Sikh separatist murder plot",
    "Pakistan crush England in second Test to set up series decider",
]
DAY = dt.date(2024, 10, 18)
STRIP = [stock_line("HUBC", "101.70", "4.90"), stock_line("PRL", "23.86", "-2.54")]
BODY = "PARIS: France expressed concern Friday about growing military cooperation " * 3


def headlines_of(text: str) -> pl.DataFrame:
    return extract_headlines(pl.DataFrame({"sha256": ["a" * 64], "text": [text]}))


def article(*, head: str, byline: str, stories: list[str] | None = None) -> str:
    """A text page: the strip, the date bar, ``head`` and the byline, a body, a story list."""
    listed = "" if stories is None else "\n\n".join(["Comments", "200 characters", *stories])
    tail = f"{listed}\n\nRead more stories" if stories is not None else ""
    return page(DAY, STRIP, article=f"{head}\n\n{byline}\n\n{BODY}\n\n{tail}")


def test_the_sample_page_gives_its_title_and_its_stories() -> None:
    frame = headlines_of(SAMPLE.read_text(encoding="utf-8"))
    assert frame.schema == schemas.HEADLINES
    first = frame.row(0, named=True)
    assert first == {
        "sha256": "a" * 64,
        "position": 0,
        "headline_kind": "article",
        "headline": TITLE,
        "section": "World",
        "news_source": "Reuters",
        "published_date": DAY,
        "published_at": dt.datetime(2024, 10, 18, 15, 37, tzinfo=dt.UTC),
    }
    stories = frame.filter(headline_kind="story")
    # The list repeats the title first: it is one headline of the page, the article's.
    assert stories["headline"].to_list() == SAMPLE_STORIES
    assert stories["position"].to_list() == list(range(2, 12))
    assert stories.select("section", "news_source", "published_at").null_count().row(0) == (
        10,
        10,
        10,
    )


def test_the_body_is_never_a_headline() -> None:
    frame = headlines_of(SAMPLE.read_text(encoding="utf-8"))
    assert not frame["headline"].str.contains("France expressed concern").any()
    assert not frame["headline"].str.contains("North Korean troops in Russia").any()


def test_an_html_page_gives_the_same_headlines_as_its_text() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    strip, _, rest = text.partition("\nOct 18, 2024")
    items = "\n".join(
        f'<li class="ticker-item">{html.escape(line)}</li>' for line in strip.split("\n")
    )
    paragraphs = "\n".join(
        f"<p>{html.escape(line)}</p>" for line in ("Oct 18, 2024" + rest).split("\n") if line
    )
    markup = (
        f"<!DOCTYPE html><html><head><title>{html.escape(TITLE)}</title>"
        "<script>var story = 'Read more stories';</script></head><body>"
        f'<ul class="ticker">{items}</ul><article>{paragraphs}</article></body></html>'
    )
    lines = capture_lines(decode_capture(markup.encode(), name="page.html"))
    from_html = extract_headlines(
        pl.DataFrame(schema={"sha256": pl.String, "text": pl.String}),
        lines_frame({"a" * 64: lines}),
    )
    assert_frame_equal(from_html, headlines_of(text))


def test_a_page_without_a_story_list_gives_its_title_only() -> None:
    frame = headlines_of(article(head="Markets\n\nPSX ends lower", byline="Published 04 Oct, 2023"))
    assert frame.select("headline_kind", "headline", "section", "news_source").rows() == [
        ("article", "PSX ends lower", "Markets", None)
    ]
    assert frame["published_date"].to_list() == [dt.date(2023, 10, 4)]
    assert frame["published_at"].to_list() == [None]


def test_pages_without_recognisable_headlines_give_no_rows() -> None:
    strip_only = Path(__file__).parents[1] / "fixtures" / "captures" / "ticker_strip.html"
    lines = capture_lines(decode_capture(strip_only.read_bytes(), name="strip.html"))
    texts = {
        "no byline, no list": page(DAY, STRIP, article="Just a title here\n"),
        "prose above the byline": page(DAY, STRIP, article=f"{BODY}\nPublished 30 Oct, 2019"),
        "no comment form": page(DAY, STRIP, article="Story one here\n\nRead more stories"),
        "not a byline": page(DAY, STRIP, article="Some title\n\nPublished in the gazette"),
        "empty": "",
    }
    frame = extract_headlines(
        pl.DataFrame({"sha256": list(texts), "text": list(texts.values())}),
        lines_frame({"strip": lines}),
    )
    assert frame.height == 0
    assert frame.schema == schemas.HEADLINES
    empty = extract_headlines(pl.DataFrame(schema={"sha256": pl.String, "text": pl.String}))
    assert empty.schema == schemas.HEADLINES and empty.height == 0


def test_bylines_print_line_sections_and_what_is_not_a_headline() -> None:
    frame = headlines_of(
        article(
            head="Markets Print 2025-09-23\n\nPSX ends lower",
            byline="BR Research   Published 23 Sep, 2025 12:05am",
            stories=[
                "KSE100 85,000 Increased By 1,000 (1.19%)",
                "Solo",
                "PSX ends lower",
                "Index breaches 159,000 mark",
                "Index breaches 159,000 mark",
                "x " * 150,
            ],
        )
    )
    assert frame.select("position", "headline_kind", "headline").rows() == [
        (0, "article", "PSX ends lower"),
        (4, "story", "Index breaches 159,000 mark"),
    ]
    assert frame.row(0, named=True)["section"] == "Markets"
    assert frame.row(0, named=True)["news_source"] == "BR Research"
    # 12:05am Pakistan time is 19:05 UTC the day before.
    assert frame["published_at"][0] == dt.datetime(2025, 9, 22, 19, 5, tzinfo=dt.UTC)


def test_a_date_bar_or_a_ticker_line_above_the_title_is_no_section() -> None:
    frame = headlines_of(
        article(head="Rupee gains against US dollar", byline="APP Published 1 Jan, 2024")
    )
    assert frame.select("headline", "section", "news_source").rows() == [
        ("Rupee gains against US dollar", None, "APP")
    ]


@pytest.fixture(scope="module")
def calendar() -> PsxCalendar:
    return psx_calendar(HOLIDAYS_SEED)


def test_normalising_keeps_the_ticker_frames_and_adds_the_headlines(
    tmp_path: Path, calendar: PsxCalendar
) -> None:
    def normalised(name: str, data: bytes) -> tuple[CaptureSource, ...]:
        path = tmp_path / name
        path.write_bytes(data)
        return (CaptureSource(sha256=sha256_hex(data), path=path, byte_size=len(data)),)

    full = SAMPLE.read_bytes()
    cut = full.split(b"\nWorld\n")[0] + b"\n"  # the strip and the date bar, no article, no list
    with_list = normalise_captures(normalised("full.txt", full), calendar=calendar, max_bytes=10**7)
    without = normalise_captures(normalised("cut.txt", cut), calendar=calendar, max_bytes=10**7)
    for name in ("quotes", "index_levels", "rejected_lines"):
        assert_frame_equal(
            getattr(with_list, name).drop("sha256"), getattr(without, name).drop("sha256")
        )
    assert with_list.headlines.height == 11 and without.headlines.height == 0
    assert with_list.headlines["sha256"].unique().to_list() == [sha256_hex(full)]
