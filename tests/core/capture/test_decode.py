"""Tests for dagster_project.core.capture.decode."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dagster_project.core.capture.decode import (
    DecodedCapture,
    capture_lines,
    decode_capture,
    decode_texts,
    sha256_hex,
)
from dagster_project.core.errors import CaptureDecodeError, CaptureError
from dagster_project.core.ticker import lines_frame, parse_lines

FIXTURES = Path(__file__).parents[2] / "fixtures" / "captures"
SAMPLE = FIXTURES / "brecorder_2024-10-18.txt"
HTML_STRIP = FIXTURES / "ticker_strip.html"
LINE = "AIRLINK 136.21 Decreased By ▼ -0.24 (-0.18%)"


def test_sha256_hex() -> None:
    assert sha256_hex(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_plain_utf8() -> None:
    decoded = decode_capture(f"{LINE}\nOct 18, 2024\n".encode())
    assert decoded == DecodedCapture(text=f"{LINE}\nOct 18, 2024\n", capture_format="text")


def test_utf8_bom_and_crlf() -> None:
    decoded = decode_capture(codecs.BOM_UTF8 + f"{LINE}\r\nsecond\rthird\r\n".encode())
    assert decoded.text == f"{LINE}\nsecond\nthird\n"


def test_unicode_spaces_and_zero_width_characters() -> None:
    raw = "AIRLINK\u00a0136.21\u202fDecreased\u2007By ▼\u2009-0.24\u200b (-0.18%)\ufeff"
    assert decode_capture(raw.encode()).text == "AIRLINK 136.21 Decreased By ▼ -0.24 (-0.18%)"


def test_control_characters_never_reach_the_text() -> None:
    # ESC sequences (clear screen, OSC window title / hyperlink / clipboard), BEL, C1 controls:
    # never page text, and they would reach the terminal and the marts.
    raw = (
        "PRL slump\x1b[2J continues\x07\n"
        "\x1b]0;pwned\x07Title\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \x9b31m\x85end\x7f\n"
        f"{LINE}\x0bnext\x0c\n"
    )
    expected = "PRL slump[2J continues\n]0;pwnedTitle]8;;http://x\\link]8;;\\ 31mend\n"
    expected += f"{LINE} next \n"
    assert decode_capture(raw.encode()).text == expected
    frame = pl.DataFrame({"sha256": ["a"], "data": [raw.encode()]})
    assert decode_texts(frame)["text"].to_list() == [expected]
    assert capture_lines(decode_capture(raw.encode()))[2] == f"{LINE} next"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(encoding: str) -> None:
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    decoded = decode_capture(bom + f"{LINE}\r\n".encode(encoding))
    assert decoded.text == f"{LINE}\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \r\n\t\n", "whitespace-only file"),
        ("\u00a0\u200b\n".encode(), "whitespace-only file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not text: NUL byte at offset 8"),
        (LINE.encode("utf-16-le"), "not text: NUL byte at offset 1"),
        (b"AGL 38.00\xff", "not text: undecodable as UTF-8 (byte 0xff at offset 9)"),
        ("Café".encode("latin-1"), "not text: undecodable as UTF-8 (byte 0xe9 at offset 3)"),
        (codecs.BOM_UTF8 + b"ab\xc3", "not text: undecodable as UTF-8 (byte 0xc3 at offset 5)"),
        (
            codecs.BOM_UTF16_LE + b"a\x00b",
            "not text: undecodable as UTF-16 (byte 0x62 at offset 4)",
        ),
        (codecs.BOM_UTF16_LE + b"\x00\x00a\x00", "not text: NUL character at index 0"),
    ],
)
def test_rejected_bytes(data: bytes, reason: str) -> None:
    with pytest.raises(CaptureDecodeError) as caught:
        decode_capture(data, name="capture.txt")
    assert caught.value.reason == reason
    assert caught.value.name == "capture.txt"
    assert isinstance(caught.value, CaptureError)
    assert str(caught.value) == f"capture.txt: {reason}"


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("<p>x</p>", "page.HTML", "html"),
        ("<p>x</p>", "page.htm", "html"),
        ("\n  <!DOCTYPE html><p>x</p>", "", "html"),
        ("<!-- saved --><HTML lang=en><p>x</p>", "", "html"),
        ("<body>x</body>", "", "html"),
        (LINE, "page.txt", "text"),
        ("a <b> tag is not a page", "", "text"),
        ("x" * 2000 + "<html>", "", "text"),
    ],
)
def test_html_detection(text: str, name: str, expected: str) -> None:
    assert decode_capture(text.encode(), name=name).capture_format == expected


def test_capture_lines_keep_line_numbers() -> None:
    decoded = decode_capture(b"  first   line \n\n\tthird\n")
    assert capture_lines(decoded) == ["first line", "", "third", ""]


def test_capture_lines_converts_html() -> None:
    decoded = decode_capture(b"<html><body><p>a</p><p>b  c</p></body></html>")
    assert capture_lines(decoded) == ["a", "b c"]


def test_html_strip_gives_the_same_quotes_as_the_text_sample() -> None:
    text_lines = capture_lines(decode_capture(SAMPLE.read_bytes(), name=SAMPLE.name))
    html_decoded = decode_capture(HTML_STRIP.read_bytes(), name=HTML_STRIP.name)
    html_lines = capture_lines(html_decoded)
    assert html_decoded.capture_format == "html"
    assert not any("FAKE" in line or "STYLE" in line or "SCRIPT" in line for line in html_lines)
    assert not any("TEMPLATE" in line for line in html_lines)
    from_text = parse_lines(lines_frame({"text": text_lines}))
    from_html = parse_lines(lines_frame({"html": html_lines}))
    values = pl.exclude("sha256", "line_no")
    assert_frame_equal(from_html.quotes.select(values), from_text.quotes.select(values))
    assert_frame_equal(from_html.index_levels.select(values), from_text.index_levels.select(values))
    # The marquee repeats the strip; the repeats are exact so they vanish silently.
    assert from_html.rejected_lines.is_empty()
    html_dates = from_html.page_dates["page_date"].to_list()
    assert html_dates == from_text.page_dates["page_date"].to_list() == [dt.date(2024, 10, 18)]
