"""Tests for dagster_project.core.capture.html: the text a browser shows, and the nesting guard."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dagster_project.core.capture.html import (
    MAX_HTML_DEPTH,
    MAX_HTML_REOPENED,
    check_nesting,
    html_to_text,
)
from dagster_project.core.capture.html_nesting import nesting_bound
from dagster_project.core.capture.html_process import convert_in_background
from dagster_project.core.errors import CaptureDecodeError

LINE = "AIRLINK 136.21 Decreased By ▼ -0.24 (-0.18%)"
STRIP_PAGE = (Path(__file__).parents[2] / "fixtures" / "captures" / "ticker_strip.html").read_text(
    encoding="utf-8"
)


def is_too_deep(reason: object) -> bool:
    return isinstance(reason, str) and bool(
        re.fullmatch(
            rf"HTML nested at least \d+ elements deep \(over {MAX_HTML_DEPTH}\): "
            "not a page a browser shows",
            reason,
        )
    )


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
    with pytest.raises(CaptureDecodeError, match=f"nested at least {MAX_HTML_DEPTH + 1} elements"):
        html_to_text("<div>" * 50_000 + "deep" + "</div>" * 50_000)
    assert html_to_text("<div>" * 2_000 + "deep" + "</div>" * 2_000) == "deep"


def test_nesting_just_over_the_limit_is_rejected_and_at_the_limit_is_not() -> None:
    with pytest.raises(CaptureDecodeError, match="elements deep"):
        check_nesting("<div>" * (MAX_HTML_DEPTH + 1))
    check_nesting("<div>" * (MAX_HTML_DEPTH - 1) + "<b>x</b>" * MAX_HTML_DEPTH)


def test_many_shallow_tags_are_converted() -> None:
    html = "<div>" + "<b>x</b>" * (MAX_HTML_DEPTH + 10) + "</div>"
    assert html_to_text(html) == "x" * (MAX_HTML_DEPTH + 10)


def test_a_real_format_page_passes_on_its_counts_alone_and_reads_as_before() -> None:
    bound = nesting_bound(STRIP_PAGE)
    assert bound is not None
    assert bound.depth <= MAX_HTML_DEPTH and bound.reopened <= MAX_HTML_REOPENED
    lines = html_to_text(STRIP_PAGE).split("\n")
    assert LINE in lines
    assert not any("FAKE" in line or "STYLE" in line for line in lines)


# Each page costs the parser seconds to minutes (hours at the capture cap: the time grows with
# the square of the depth); the guard must see through each way of hiding that depth.
HOSTILE = {
    # issue 31, defect 3: "<div/>" is no self-closing tag in HTML (181 s, then loaded)
    "self-closing divs": "<html><body>" + "<div/>" * 200_000 + STRIP_PAGE,
    "stray end tags": "<div></b>" * 50_000,
    "end tags that cannot close past a div": "<span><div></span>" * 50_000,
    "end tags in comments": "<div><!--</div>-->" * 50_000,
    "end tags in scripts": "<div><script></div></script>" * 50_000,
    "end tags hidden in a script": "<div><script><!--<script></script></div>--></script>" * 50_000,
    "end tags in attributes": '<div title="</div>">' * 50_000,
    "end tags past a special element": "<noscript><div></noscript>" * 50_000,
    "self-closing HTML after SVG": "<svg></br>" + "<section/>" * 50_000,
    "headings closing headings": "<h1><span><h2></h1>" * 50_000,
    "forms": "<form><div></form>" * 50_000,
}


def test_hostile_nesting_is_rejected_with_the_depth_not_after_minutes() -> None:
    # (in a worker: were one let through, it would get "took longer than 30 s", not hang here)
    reasons = convert_in_background(list(HOSTILE.values()), timeout=30)()
    let_through = {
        name: reason
        for name, reason in zip(HOSTILE, reasons, strict=True)
        if not is_too_deep(reason)
    }
    assert let_through == {}


def test_reopening_formatting_elements_is_rejected() -> None:
    # Each <b> closed by its <div> is reopened in every later <div>: 5,000 of them (110 KB)
    # cost the parser 12.5 million elements, gigabytes.
    page = "".join(f"<div><b id={number}></div>" for number in range(5_000))
    [reason] = convert_in_background([page], timeout=30)()
    assert isinstance(reason, str)
    assert re.fullmatch(
        rf"HTML reopens closed formatting elements at least \d+ times \(over {MAX_HTML_REOPENED}\)"
        ": not a page a browser shows",
        reason,
    )
