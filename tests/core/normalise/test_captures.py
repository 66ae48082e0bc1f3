import datetime as dt
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from dagster_project.core import schemas
from dagster_project.core.capture.decode import sha256_hex
from dagster_project.core.capture.html_process import convert
from dagster_project.core.dating.calendar import PsxCalendar, psx_calendar
from dagster_project.core.normalise import captures as normalise
from dagster_project.core.normalise.captures import CaptureSource, normalise_captures
from dagster_project.settings import HOLIDAYS_SEED
from tests.captures import SAMPLE, page, stock_line


@pytest.fixture(scope="module")
def calendar() -> PsxCalendar:
    return psx_calendar(HOLIDAYS_SEED)


def source(path: Path, data: bytes) -> CaptureSource:
    path.write_bytes(data)
    return CaptureSource(sha256=sha256_hex(data), path=path, byte_size=len(data))


def test_a_batch_of_captures(tmp_path: Path, calendar: PsxCalendar) -> None:
    sources = [
        source(tmp_path / "sample.txt", SAMPLE.read_bytes()),
        source(
            tmp_path / "saturday.txt",
            page(dt.date(2024, 10, 19), [stock_line("HUBC", "1.00", "0.01")]).encode(),
        ),
        source(tmp_path / "undated.txt", stock_line("HUBC", "1.00", "0.01").encode()),
        source(tmp_path / "empty.txt", b""),
        source(tmp_path / "prose.txt", b"Nothing to see here.\n"),
        source(tmp_path / "broken.txt", page(dt.date(2024, 10, 18), ["TRG 44.5"]).encode()),
    ]
    frames = normalise_captures(sources, calendar=calendar, max_bytes=1_000_000)
    assert frames.captures.schema == schemas.CAPTURES
    by_name = {
        src.path.name: row
        for src in sources
        for row in frames.captures.filter(sha256=src.sha256).iter_rows(named=True)
    }
    sample = by_name["sample.txt"]
    assert (sample["quote_count"], sample["index_count"], sample["reject_reason"]) == (30, 4, None)
    assert (sample["session_date"], sample["previous_session_date"]) == (
        dt.date(2024, 10, 18),
        dt.date(2024, 10, 17),
    )
    saturday = by_name["saturday.txt"]
    assert (saturday["is_session_day"], saturday["session_date"]) == (False, dt.date(2024, 10, 18))
    # No page date: the capture's file dates it downstream, or it is rejected there.
    undated = by_name["undated.txt"]
    assert (undated["page_date"], undated["reject_reason"], undated["quote_count"]) == (
        None,
        None,
        1,
    )
    assert by_name["empty.txt"]["reject_reason"] == "empty file"
    assert by_name["prose.txt"]["reject_reason"] == "no ticker lines found"
    assert by_name["broken.txt"]["reject_reason"].startswith("no valid ticker lines")
    assert frames.rejected_lines["line"].to_list() == ["TRG 44.5"]


def test_too_large_captures_are_rejected_unread(tmp_path: Path, calendar: PsxCalendar) -> None:
    big = CaptureSource(sha256="0" * 64, path=tmp_path / "missing.txt", byte_size=11)
    frames = normalise_captures([big], calendar=calendar, max_bytes=10)
    assert frames.captures["reject_reason"].to_list() == [
        "capture too large: 11 bytes exceeds the 10-byte cap"
    ]


def test_a_file_changed_since_the_inventory_is_skipped(
    tmp_path: Path, calendar: PsxCalendar
) -> None:
    changed = source(tmp_path / "a.txt", SAMPLE.read_bytes())
    (tmp_path / "a.txt").write_bytes(b"rewritten")
    frames = normalise_captures([changed], calendar=calendar, max_bytes=1_000_000)
    assert frames.captures.is_empty()


def test_no_captures(calendar: PsxCalendar) -> None:
    frames = normalise_captures([], calendar=calendar, max_bytes=10)
    assert frames.captures.is_empty() and frames.quotes.is_empty()


def test_hostile_html_is_a_rejected_capture_not_a_failed_batch(
    tmp_path: Path, calendar: PsxCalendar
) -> None:
    deep = ("<html><body>" + "<div>" * 20_000 + "x").encode()
    sources = [
        source(tmp_path / "deep.html", deep),
        source(tmp_path / "sample.txt", SAMPLE.read_bytes()),
    ]
    frames = normalise_captures(sources, calendar=calendar, max_bytes=10_000_000)
    reasons = dict(frames.captures.select("sha256", "reject_reason").iter_rows())
    assert "elements deep (over 10000)" in reasons[sources[0].sha256]
    assert reasons[sources[1].sha256] is None


def test_html_too_slow_to_convert_is_a_rejected_capture(
    tmp_path: Path, calendar: PsxCalendar
) -> None:
    # lexbor takes minutes over the options of one <select> (quadratic, not nested): the worker
    # is stopped after html_timeout seconds, named HTML or sniffed in a text file alike.
    slow = b"<html><body><select>" + b"<option></option>" * 300_000
    sources = [
        source(tmp_path / "slow.html", slow),
        source(tmp_path / "slow.txt", slow + b" "),
        source(tmp_path / "sample.txt", SAMPLE.read_bytes()),
    ]
    frames = normalise_captures(sources, calendar=calendar, max_bytes=10_000_000, html_timeout=1)
    reasons = dict(frames.captures.select("sha256", "reject_reason").iter_rows())
    assert [reasons[item.sha256] for item in sources] == [
        "HTML took longer than 1 s to convert",
        "HTML took longer than 1 s to convert",
        None,
    ]


def test_html_converted_in_the_worker_gives_the_same_frames(
    tmp_path: Path, calendar: PsxCalendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    sniffed = b"<html><body><p>" + stock_line("HUBC", "1.00", "0.01").encode()
    strip = (Path(__file__).parents[2] / "fixtures" / "captures" / "ticker_strip.html").read_bytes()
    sources = [
        source(tmp_path / "strip.html", strip),
        source(tmp_path / "other.HTM", strip.replace(b"AIRLINK", b"AIRLINKX")),
        source(tmp_path / "deep.html", b"<html><body>" + b"<div>" * 20_000 + b"x"),
        source(tmp_path / "empty.html", b""),
        source(tmp_path / "sniffed.txt", sniffed),
        source(tmp_path / "sample.txt", SAMPLE.read_bytes()),
        source(tmp_path / "changed.html", strip + b"<p>x</p>"),
    ]
    (tmp_path / "changed.html").write_bytes(b"rewritten")
    monkeypatch.setattr(  # the pages converted in this process instead
        normalise, "convert_in_background", lambda pages, **_: lambda: list(map(convert, pages))
    )
    here = normalise_captures(sources, calendar=calendar, max_bytes=10_000_000)
    monkeypatch.undo()
    worker = normalise_captures(sources, calendar=calendar, max_bytes=10_000_000)
    for name in ("captures", "quotes", "index_levels", "rejected_lines", "headlines"):
        assert_frame_equal(getattr(worker, name), getattr(here, name))
    formats = dict(here.captures.select("sha256", "capture_format").iter_rows())
    assert [formats.get(item.sha256) for item in sources] == [
        "html", "html", None, None, "html", "text", None
    ]  # fmt: skip
    assert here.quotes.filter(sha256=sources[1].sha256)["symbol"].str.contains("AIRLINKX").any()
