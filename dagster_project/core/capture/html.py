"""HTML captures to the text lines a browser would show (lexbor, through selectolax)."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from dagster_project.core.capture.html_nesting import html_nesting
from dagster_project.core.capture.text import normalise_text
from dagster_project.core.errors import CaptureDecodeError

_WHITESPACE_RUN = re.compile(r"\s+")

# Elements whose content a browser does not render as text.
_HIDDEN_TAGS = frozenset({"head", "script", "style", "noscript", "template", "title"})
# Elements that start and end a line of their own (CSS display: block, list-item, table-row...).
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd",
        "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html",
        "legend", "li", "main", "menu", "nav", "ol", "option", "p", "pre", "section", "summary",
        "table", "tbody", "tfoot", "thead", "tr", "ul",
    }
)  # fmt: skip
# Table cells sit side by side on a row: separate them by a space.
_CELL_TAGS = frozenset({"td", "th"})
_BLOCK_SELECTOR = ",".join(sorted(_BLOCK_TAGS))
_CELL_SELECTOR = ",".join(sorted(_CELL_TAGS))
# Marks a block boundary in collected text; decoded captures never hold NUL
# (see capture._decode_bytes).
_BREAK = "\x00"


def _enter(node: LexborNode, parts: list[str], in_pre: int) -> bool:
    """Emit what opening ``node`` contributes; return whether to descend into it."""
    tag = node.tag or ""
    if node.is_text_node:
        value = node.text_content or ""
        parts.append(value if in_pre else _WHITESPACE_RUN.sub(" ", value))
        return False
    if not node.is_element_node or tag in _HIDDEN_TAGS:
        return False
    if tag in _BLOCK_TAGS:
        parts.append("\n")
    elif tag in _CELL_TAGS:
        parts.append(" ")
    return True


# Nesting deeper than this is rejected before parsing: the HTML parser's time grows with the square
# of the depth (50,000 levels take half a minute), and no real page comes close (they nest < 100).
MAX_HTML_DEPTH = 10_000
# So is a page whose parser would reopen more formatting elements than this (a <b> closed by its
# <div> is reopened in the next <div>): each costs it an element, about 0.5 µs and 300 bytes,
# and real pages reopen a few.
MAX_HTML_REOPENED = 1_000_000


def check_nesting(html: str) -> None:
    """Raise ``CaptureDecodeError`` when the parser would nest ``html`` deeper than
    ``MAX_HTML_DEPTH`` or reopen more than ``MAX_HTML_REOPENED`` elements (see
    :mod:`html_nesting`: ``<div/>`` and stray end tags count as the parser counts them)."""
    nesting = html_nesting(html, max_depth=MAX_HTML_DEPTH, max_reopened=MAX_HTML_REOPENED)
    if nesting.depth > MAX_HTML_DEPTH:
        raise CaptureDecodeError(
            f"HTML nested at least {nesting.depth} elements deep (over {MAX_HTML_DEPTH}): "
            "not a page a browser shows"
        )
    if nesting.reopened > MAX_HTML_REOPENED:
        raise CaptureDecodeError(
            f"HTML reopens closed formatting elements at least {nesting.reopened} times "
            f"(over {MAX_HTML_REOPENED}): not a page a browser shows"
        )


def html_to_text(html: str) -> str:
    """Return the text lines a browser would show for ``html``, one per line, no blank lines.

    Block elements break lines, inline elements do not; whitespace runs collapse to one space;
    scripts, styles, templates, ``<head>`` and comments are dropped. Usually the hidden elements
    are removed, line-break markers are inserted around block elements and lexbor collects the
    text in one call; a page with ``<pre>`` (whose line breaks are kept) or NUL characters is
    walked node by node instead. Neither recurses; a page nested too deep for the parser is
    rejected with ``CaptureDecodeError`` before parsing (:func:`check_nesting`).
    """
    check_nesting(html)
    parser = LexborHTMLParser(html)
    root = parser.root
    if root is None:
        return ""
    if "\x00" in html or parser.css_first("pre") is not None:
        return _walk_to_text(root)
    parser.strip_tags(list(_HIDDEN_TAGS), recursive=True)
    for node in root.css(_BLOCK_SELECTOR):
        node.insert_before(_BREAK)
        node.insert_after(_BREAK)
    for node in root.css(_CELL_SELECTOR):
        node.insert_before(" ")
        node.insert_after(" ")
    text = " ".join(root.text(deep=True, separator="", strip=False).split())
    return _finish([text.replace(_BREAK, "\n")])


def _walk_to_text(root: LexborNode) -> str:
    """:func:`html_to_text` by walking the tree node by node (iteratively: any depth works)."""
    parts: list[str] = []
    in_pre = 0
    node = root
    root_id = root.mem_id
    while True:
        descend = _enter(node, parts, in_pre)
        child = node.first_child if descend else None
        if child is not None:
            in_pre += node.tag == "pre"
            node = child
            continue
        # Leave ``node`` (and every ancestor whose last child it is) until a sibling exists.
        while True:
            tag = node.tag or ""
            if node.is_element_node and tag not in _HIDDEN_TAGS:
                if tag in _BLOCK_TAGS:
                    parts.append("\n")
                elif tag in _CELL_TAGS:
                    parts.append(" ")
            if node.mem_id == root_id:
                return _finish(parts)
            sibling = node.next
            if sibling is not None:
                node = sibling
                break
            parent = node.parent
            if parent is None:
                return _finish(parts)
            node = parent
            in_pre -= node.tag == "pre"


def _finish(parts: list[str]) -> str:
    lines = (" ".join(line.split()) for line in normalise_text("".join(parts)).split("\n"))
    return "\n".join(line for line in lines if line)
