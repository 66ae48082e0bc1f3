"""Tests for dagster_project.core.capture.html_nesting (and the parser rules of html_stack): the
depth and reopened elements found without parsing are never less than lexbor's."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from dagster_project.core.capture.html_nesting import Nesting, nesting_bound, scanned_nesting

CHECKS = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
NAMES = [
    *["div", "span", "p", "li", "ul", "dd", "dt", "a", "b", "i", "font", "nobr", "em", "strong"],
    *["table", "tbody", "tr", "td", "th", "caption", "col", "form", "select", "option"],
    *["optgroup", "button", "h1", "h2", "section", "pre", "listing", "object", "marquee", "x-y"],
    *["svg", "math", "g", "path", "foreignObject", "desc", "title", "mi", "mtext"],
    *["annotation-xml", "script", "style", "textarea", "xmp", "iframe", "noscript", "template"],
    *["br", "img", "hr", "image", "body", "html", "head", "plaintext"],
]
ATTRIBUTES = ["", " id=1", " id=2", " color=red", ' class="a>b"', " size=2/", ' x="', " /"]
OTHER = ["x", " ", "<!--", "-->", "<!-->", "<!-- </div> -->", "<", "<!x>", "</>", "<?x>"]
OTHER += ["<![CDATA[", "]]>", "<![CDATA[</g>]]>", '<annotation-xml encoding="text/html">']


def unlimited(html: str) -> Nesting:
    return scanned_nesting(html, max_depth=10**9, max_reopened=10**9)


def lexbor_depth(html: str) -> int:
    """The depth of the tree lexbor builds (html counted, and an element with no children)."""
    root = LexborHTMLParser(html).root
    deepest, nodes = 0, [(root, 1)] if root is not None else []
    while nodes:
        node, depth = nodes.pop()
        deepest = max(deepest, depth)
        child = node.child
        while child is not None:
            if child.is_element_node:
                nodes.append((child, depth + 1))
            child = child.next
    return deepest


def lexbor_elements(html: str) -> int:
    root = LexborHTMLParser(html).root
    return len(root.css("*")) if root is not None else 0  # (html included)


token = st.one_of(
    st.builds(
        lambda name, attributes, end: f"<{name}{attributes}{end}>",
        st.sampled_from(NAMES),
        st.sampled_from(ATTRIBUTES),
        st.sampled_from(["", "", "/"]),
    ),
    st.sampled_from(NAMES).map(lambda name: f"</{name}>"),
    st.sampled_from(OTHER),
)
# Hostile pages repeat a few tokens: what one repeat hides, many repeats multiply.
page = st.builds(
    lambda head, unit, repeats: "".join(head) + "".join(unit) * repeats + "x",
    st.lists(token, max_size=8),
    st.lists(token, min_size=1, max_size=7),
    st.integers(1, 120),
)


@CHECKS
@given(page)
def test_never_shallower_than_the_tree_lexbor_builds(html: str) -> None:
    # lexbor's tree counts html, body, a leaf element, and a section or column group it adds.
    assert lexbor_depth(html) <= unlimited(html).depth + 4


@CHECKS
@given(page)
def test_the_bound_from_counts_is_never_under_the_scan(html: str) -> None:
    scanned, bound = unlimited(html), nesting_bound(html)
    assert bound is not None  # (None only past 10,000 formatting tags)
    assert scanned.depth <= bound.depth
    assert scanned.reopened <= bound.reopened


def test_only_void_and_foreign_elements_close_themselves() -> None:
    assert unlimited("<div/>" * 5).depth == 5
    assert unlimited("<br/><img/><input/>" * 5).depth == 0
    assert unlimited("<svg>" + "<g/>" * 5).depth == 1
    assert unlimited("<svg><g>" + "<section/>" * 5).depth == 2  # SVG sections
    assert unlimited("<svg><g></br>" + "<section/>" * 5).depth == 5  # </br> left SVG


def test_end_tags_close_only_what_the_parser_closes() -> None:
    assert unlimited("<div></b>" * 5).depth == 5  # nothing to close
    assert unlimited("<span><div></span>" * 5).depth == 10  # not past a div
    assert unlimited("<div><span></div>" * 5).depth == 2  # a div closes what is in it
    assert unlimited("<noscript><div></noscript>" * 5).depth == 10


def test_comments_raw_text_and_attributes_hold_no_tags() -> None:
    assert unlimited("<div><!--</div>-->" * 5).depth == 5
    assert unlimited("<div><script>if (a</div>) {}</script>" * 5).depth == 5
    assert unlimited("<div><script><!--<script></script></div>--></script>" * 5).depth == 5
    assert unlimited('<div title="</div>">' * 5).depth == 5
    assert unlimited("<div><textarea></div></textarea>" * 5).depth == 5
    assert unlimited("<svg>" + "<g><![CDATA[></g>]]>" * 5).depth == 6  # in SVG, CDATA is text


def test_elements_the_parser_closes_do_not_add_up() -> None:
    assert unlimited("<p>x<div>y</div>" * 1_000).depth == 1
    assert unlimited("<ul>" + "<li>x" * 1_000).depth == 2
    assert unlimited("<table>" + "<tr><td>x<td>y" * 1_000 + "</table>").depth == 4
    assert unlimited("<select>" + "<option>x" * 1_000).depth == 2
    assert unlimited("<a href=1>x" * 1_000).depth == 1


def test_reopened_formatting_elements_are_counted_as_lexbor_creates_them() -> None:
    # Each <b> closed by its <div> is reopened in every later <div>: 0 + 1 + ... + 99.
    reopening = "".join(f"<div><b id={number}></div>" for number in range(100))
    assert unlimited(reopening).reopened == 4_950
    assert lexbor_elements(reopening) == 3 + 200 + 4_950  # html, head and body, and the tags
    # At most three alike: 0 + 1 + 2 + 3 + 3 + ...
    alike = "<p><b>x</p>" * 100
    assert unlimited(alike).reopened == 3 + 3 * 97
    assert lexbor_elements(alike) == 3 + 200 + 3 + 3 * 97
