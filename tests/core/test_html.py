"""Tests for dagster_project.core.html and the worker process of html_process."""

from __future__ import annotations

import pytest

from dagster_project.core import html_process
from dagster_project.core.errors import CaptureDecodeError
from dagster_project.core.html import MAX_HTML_DEPTH, html_depth, html_to_text

LINE = "AIRLINK 136.21 Decreased By ▼ -0.24 (-0.18%)"


def test_html_to_text_inline_and_block_elements() -> None:
    html = (
        "<ul><li><span>AIRLINK</span> <span>136.21</span> <span>Decreased By</span>"
        " <span>▼ -0.24</span> <span>(-0.18%)</span></li>"
        "<li><a href='#'>A &amp; <b>B</b></a>&nbsp;<em>C</em></li></ul>"
        "<div>one<br>two<p>three</p>  four\n five</div><table><tr><td>x</td><td>y</td></tr></table>"
        "<!-- COMMENT 1.00 --><style>p {}</style><script>if (a < b) {}</script>"
    )
    assert html_to_text(html) == f"{LINE}\nA & B C\none\ntwo\nthree\nfour five\nx y"


def test_html_to_text_drops_head_and_hidden_elements() -> None:
    html = (
        "<html><head><title>T</title><script>S</script></head><body>"
        "<noscript>N</noscript><template>P</template>visible</body></html>"
    )
    assert html_to_text(html) == "visible"


def test_deeply_nested_html_is_rejected_before_parsing() -> None:
    depth = 50_000  # lexbor would take about half a minute on this; the scan refuses it at once
    with pytest.raises(CaptureDecodeError, match="nested 50000 elements deep"):
        html_to_text("<div>" * depth + "deep" + "</div>" * depth)
    assert html_to_text("<div>" * 2_000 + "deep" + "</div>" * 2_000) == "deep"


def test_many_shallow_tags_are_scanned_and_converted() -> None:
    # More opening tags than the limit: the depth scan runs, and finds the page shallow.
    html = "<div>" + "<b>x</b>" * (MAX_HTML_DEPTH + 10) + "</div>"
    assert html_depth(html) == 2
    assert html_to_text(html) == "x" * (MAX_HTML_DEPTH + 10)


def test_nesting_just_over_the_limit_is_rejected() -> None:
    depth = MAX_HTML_DEPTH + 1
    with pytest.raises(CaptureDecodeError, match=f"nested {depth} elements deep"):
        html_to_text("<div>" * depth + "</div>" * depth)


PAGES = [
    f"<html><body><ul><li>{LINE}</li></ul><p>Oct 18, 2024</p></body></html>",
    "<pre>a\n  b</pre>",
    "<div>" * (MAX_HTML_DEPTH + 1),
    "",
]


def test_the_worker_converts_like_this_process() -> None:
    expected = [html_process.convert(page) for page in PAGES]
    assert expected[2] == f"HTML nested {MAX_HTML_DEPTH + 1} elements deep (over 10000): " + (
        "not a page a browser shows"
    )
    assert html_process.convert_in_background(PAGES)() == expected


def test_a_worker_that_cannot_start_leaves_the_work_to_this_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(html_process.sys, "executable", "/nonexistent/python")
    assert html_process.convert_in_background(PAGES)() == [
        html_process.convert(page) for page in PAGES
    ]
