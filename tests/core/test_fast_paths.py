"""The normaliser's fast paths give exactly what the plain, line-by-line definitions give.

Each fast path is compared with the slower definition it stands in for, on hostile input:
``decode_texts`` with ``decode_capture``, the tree-walking-free ``html_to_text`` with the walker,
``parse_texts`` with ``parse_lines`` over every line, and the well-formed-line shortcut of the
grammar with judging every rule of every line.
"""

from __future__ import annotations

import codecs

import polars as pl
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from selectolax.lexbor import LexborHTMLParser

from dagster_project.core.capture.decode import (
    capture_lines,
    decode_capture,
    decode_texts,
    is_plain_text,
)
from dagster_project.core.capture.html import _walk_to_text, html_to_text
from dagster_project.core.errors import CaptureDecodeError
from dagster_project.core.ticker import lines_frame, parse_lines, parse_texts
from dagster_project.core.ticker.judge import by_rules, judge
from dagster_project.core.ticker.layout import CARRIED, ordered
from dagster_project.core.ticker.rules import VALUE_NAMES
from tests.captures import SAMPLE, sample_ticker_lines
from tests.strategies import examples, mutator

CHECKS = examples(300)
REAL = sample_ticker_lines()
SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")
ALPHABET = "AKSEOZ0129 ,.-+()%▲▼IncreasdByDcNoChgOctFebSept\u00a0\u200b\t\r\x1c\x85é١\n"
HEADERS = ["Oct 18, 2024 x", "Feb 30, 2024", "Sept 5, 2025", "  Oct\t 17,  2024  ", "May 1, 2024"]


mutated = mutator(ALPHABET, max_edits=5)


LINE = st.one_of(
    st.sampled_from(REAL),
    st.sampled_from(REAL).flatmap(mutated),
    st.sampled_from(HEADERS).flatmap(mutated),
    st.text(alphabet=ALPHABET, max_size=50),
)
TEXT = st.one_of(st.lists(LINE, max_size=25).map("\n".join), mutated(SAMPLE_TEXT[:2000]))


def decoded_or_reason(data: bytes, name: str) -> tuple[str, str] | str:
    try:
        decoded = decode_capture(data, name=name)
    except CaptureDecodeError as exc:
        return exc.reason
    return decoded.text, decoded.capture_format


@CHECKS
@given(
    st.lists(
        st.one_of(
            TEXT.map(str.encode),
            TEXT.map(lambda text: codecs.BOM_UTF8 + text.encode()),
            TEXT.map(lambda text: text.encode("cp1256", errors="replace")),
            st.sampled_from(
                [b" \n\t", b"\x1c", b"<html><body>x", b"ab<BODY>", b"\x1b]0;t\x07A\x0bB\x85"]
            ),
            st.binary(max_size=40),
        ),
        max_size=8,
    )
)
def test_decode_texts_agrees_with_decode_capture(blobs: list[bytes]) -> None:
    plain = [data for data in blobs if is_plain_text(data, "page.txt")]
    frame = pl.DataFrame(
        {"sha256": [str(n) for n in range(len(plain))], "data": plain},
        schema={"sha256": pl.String, "data": pl.Binary},
    )
    for data, text in zip(plain, decode_texts(frame)["text"], strict=True):
        expected = decoded_or_reason(data, "page.txt")
        if text is None:  # left to decode_capture: an error, blank, or HTML-looking text
            assert isinstance(expected, str) or expected[1] == "html"
        else:
            assert expected == (text, "text")


HTML = st.recursive(
    st.lists(
        st.sampled_from([*"ab \n\t\r\u00a0\u200b<>&", "&nbsp;", "&#13;", "<!-- c -->", "\x1c"]),
        max_size=10,
    ).map("".join),
    lambda inner: (
        st.builds(
            lambda tag, body, close: f"<{tag}>{body}" + (f"</{tag}>" if close else ""),
            st.sampled_from(
                [
                    "div",
                    "li",
                    "span",
                    "td",
                    "tr",
                    "table",
                    "p",
                    "b",
                    "br",
                    "script",
                    "style",
                    "head",
                    "title",
                    "template",
                    "noscript",
                    "svg",
                    "body",
                    "ul",
                    "pre",
                    "textarea",
                ]
            ),
            inner,
            st.booleans(),
        )
        | st.lists(inner, max_size=4).map("".join)
    ),
    max_leaves=30,
)


@CHECKS
@given(HTML)
def test_html_to_text_agrees_with_the_tree_walk(html: str) -> None:
    root = LexborHTMLParser(html).root
    assert html_to_text(html) == (_walk_to_text(root) if root is not None else "")


# Up to 24 texts an example (a parse costs ~50 ms of fixed polars work however few its lines):
# 150 examples compare as many texts as 300 examples of up to six did (~1,000), in half the time.
@examples(150)
@given(st.lists(TEXT, min_size=4, max_size=24))
def test_parse_texts_agrees_with_parse_lines(texts: list[str]) -> None:
    results = [decoded_or_reason(text.encode(), "t.txt") for text in texts]
    decoded = [item[0] if isinstance(item, tuple) else "x" for item in results]  # blank: "x"
    shas = [f"s{number}" for number in range(len(decoded))]
    lines = {
        sha: capture_lines(decode_capture(text.encode(), name="t.txt"))
        for sha, text in zip(shas, decoded, strict=True)
    }
    expected = parse_lines(
        pl.concat([lines_frame({sha: lines[sha]}) for sha in shas], rechunk=True)
    )
    half = len(shas) // 2  # some as texts, the others already split into lines
    as_texts = pl.DataFrame({"sha256": shas[half:], "text": decoded[half:]})
    as_lines = pl.concat(
        [lines_frame({sha: lines[sha]}) for sha in shas[:half]] or [lines_frame({"": []})]
    )
    got, counts = parse_texts(as_texts, as_lines)
    for name in ("quotes", "index_levels", "rejected_lines", "page_dates"):
        assert_frame_equal(getattr(got, name), getattr(expected, name))
    assert dict(counts.iter_rows()) == {sha: len(lines[sha]) for sha in shas[half:]}


@CHECKS
@given(st.lists(LINE.map(lambda line: " ".join(line.split())), max_size=30))
def test_the_well_formed_shortcut_agrees_with_every_rule(lines: list[str]) -> None:
    candidates = lines_frame({"c": lines}).lazy().pipe(ordered, pl.lit(0)).select(CARRIED)
    got = judge(candidates).sort("order")
    every_rule = by_rules(candidates).sort("order")
    assert_frame_equal(
        got.select("line_no", "symbol", "reason", "is_index"),
        every_rule.select("line_no", "symbol", "reason", "is_index"),
    )
    valid = pl.col("reason").is_null()
    expected_values = every_rule.filter(valid).select(*VALUE_NAMES.values())
    assert_frame_equal(got.filter(valid).select(*VALUE_NAMES.values()), expected_values)
