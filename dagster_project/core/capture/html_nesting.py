"""How deep an HTML page nests, as the HTML parser would build it, without parsing it.

The parser's time grows with the square of the depth of its stack of open elements, and with
the number of formatting elements it reopens. :func:`html_nesting` first bounds both from a few
counts (enough for nearly every page), then, when that bound is over a limit, scans the tags
through :class:`html_stack.OpenElements`, which follows the parser's rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

from dagster_project.core.capture.html_stack import BREAKOUT, RAW_TEXT, OpenElements

_WS = "\t\n\f\r "
_NAME = rf"[^{_WS}/>][^{_WS}/>=]*+"
_VALUE = rf"""(?>"[^"]*+"|'[^']*+'|[^{_WS}>"'][^{_WS}>]*+)"""
_EQUALS = rf"[{_WS}]*+=[{_WS}]*+"
_ATTRIBUTES = rf"(?>[{_WS}]++|/(?!>)|{_NAME}(?>{_EQUALS}{_VALUE})?)*+"
# A start or end tag as the tokenizer reads it (a quoted attribute value may hold ">").
_TAG = re.compile(rf"<(/?)([A-Za-z][^{_WS}/>]*+)({_ATTRIBUTES})(/?)>")
_ATTRIBUTE = re.compile(rf"({_NAME})(?>{_EQUALS}({_VALUE}))?")  # a name, and its value if any
# The next tag, or the start of other markup ("</>" and other "<"s are text here).
_TOKEN = re.compile(rf"{_TAG.pattern}|<(?:(/?[A-Za-z])|[!?]|/(?!>))")
_EMPTY_COMMENT = re.compile(r"<!---?>")
_COMMENT_END = re.compile(r"--!?>")
# In a script, "<!--" hides a "<script>" and its "</script>" (the "double escaped" state).
_SCRIPT_MARK = re.compile(r"<!--(-*>)?|-->|<(/?)script(?=[\t\n\f\r />])", re.IGNORECASE)
_RAW_TEXT_END = {name: re.compile(rf"</{name}(?=[{_WS}/>])", re.IGNORECASE) for name in RAW_TEXT}
_ALIASES = {"h2": "h1", "h3": "h1", "h4": "h1", "h5": "h1", "h6": "h1"}
# For the bound: the start tags of formatting elements but <a> (group 1), of table parts the
# parser may add a row and a section for (2, 3) and of markers (2, 4: a cell, an object...).
_COUNTED_TAG = re.compile(
    r"<(?=[abcefimnostuABCEFIMNOSTU])(?i:(b|big|code|em|font|i|nobr|s|small|strike|strong|tt|u)"
    rf"|(td|th)|(tr|col)|(caption|object|applet|marquee|template))(?=[{_WS}/>])"
)
_FORMATTING_TAG = re.compile(rf"<[A-Za-z]++{_ATTRIBUTES}/?>")
_MAX_FORMATTING = 10_000
_LONG_TAG = 256  # characters


@dataclass(frozen=True)
class Nesting:
    """How deep the parser's stack of open elements gets (html and body not counted), and how
    many formatting elements it reopens."""

    depth: int
    reopened: int


def html_nesting(html: str, *, max_depth: int, max_reopened: int) -> Nesting:
    """The nesting of ``html``, never less than the parser's: :func:`nesting_bound` when that
    is within both limits, else :func:`scanned_nesting` (which stops once over a limit)."""
    bound = nesting_bound(html)
    if bound is not None and bound.depth <= max_depth and bound.reopened <= max_reopened:
        return bound
    return scanned_nesting(html, max_depth=max_depth, max_reopened=max_reopened)


def nesting_bound(html: str) -> Nesting | None:
    """An upper bound of the nesting of ``html``, from counts (None past 10,000 formatting
    tags: the scan is then as quick).

    Each start tag opens at most one element, and a cell or row at most two more (a row and a
    section); the parser reopens formatting elements on text and tags, at most one <a> and
    three alike others per marker level (a cell, an object...); an element it reopened stays
    open when a fourth alike element drops it from the list to reopen.
    """
    opening = html.count("<")
    formatting: list[str | int] = []
    parts = markers = 0
    for found in _COUNTED_TAG.finditer(html):
        if found.group(1) and len(formatting) == _MAX_FORMATTING:
            return None
        if found.group(1):  # the whole tag tells alike ones apart (a long one stands alone)
            tag = _FORMATTING_TAG.match(html, found.start(), found.start() + _LONG_TAG)
            formatting.append(tag.group(0) if tag else found.start())
        else:
            parts += found.group(4) is None
            markers += found.group(3) is None
    to_reopen = 1 + 3 * len(set(formatting))  # per marker level
    depth = opening - html.count("</") + 2 * parts + len(formatting) + to_reopen * (1 + markers)
    return Nesting(depth + 10, (2 * opening + 1) * to_reopen)  # (10: elements open a moment)


def scanned_nesting(html: str, *, max_depth: int, max_reopened: int) -> Nesting:
    """The nesting of ``html`` found by reading its tags as the tokenizer does, and opening and
    closing elements as the parser does; the scan stops once over either limit."""
    stack = OpenElements()
    position = 0
    while stack.depth <= max_depth and stack.reopened <= max_reopened:
        token = _TOKEN.search(html, position)
        if stack.to_reopen and (token.start() if token else len(html)) > position:
            stack.text()
        if token is None:
            break
        closing, name, attributes, self_closing, unended = token.groups()
        if name is None:  # a tag that never ends ("<b" up to the end), a comment, a DOCTYPE...
            foreign = bool(stack.spaces) and bool(stack.spaces[-1])
            position = -1 if unended else _markup_end(html, token.start(), cdata=foreign)
        else:
            name = name.lower()
            name = _ALIASES.get(name, name)
            position = token.end()
            if closing:
                stack.end_tag(name)
            elif stack.start_tag(
                name,
                token.group(0),
                leaves_foreign=stack.in_foreign() and _leaves_foreign(name, attributes),
                html_encoding=name == "annotation-xml" and _html_encoding(attributes),
                self_closing=bool(self_closing),
            ):
                position = _raw_text_end(html, position, name)
        if position < 0:  # the rest is in a comment, a tag or raw text that does not end
            break
    return Nesting(stack.depth, stack.reopened)


def _attributes(text: str) -> dict[str, str]:
    """The attributes of a tag (the first of a name counts), values unquoted and unescaped."""
    found: dict[str, str] = {}
    for attribute in _ATTRIBUTE.finditer(text):
        name, value = attribute.group(1).lower(), attribute.group(2) or ""
        found.setdefault(name, unescape(value[1:-1] if value[:1] in "\"'" else value))
    return found


def _leaves_foreign(name: str, attributes: str) -> bool:
    """Whether a start tag met in SVG or MathML content leaves it for HTML."""
    if name == "font":
        return not _attributes(attributes).keys().isdisjoint({"color", "face", "size"})
    return name in BREAKOUT


def _html_encoding(attributes: str) -> bool:
    encoding = _attributes(attributes).get("encoding", "").lower()
    return encoding in ("text/html", "application/xhtml+xml")


def _markup_end(html: str, at: int, *, cdata: bool) -> int:
    """Past what starts with "<" at ``at`` and is no tag: a comment, a DOCTYPE... (and, with
    ``cdata``, in SVG or MathML, a CDATA section), or -1 when it does not end."""
    if html.startswith("<!--", at):
        end = _EMPTY_COMMENT.match(html, at) or _COMMENT_END.search(html, at + 4)
        return end.end() if end else -1
    if cdata and html.startswith("<![CDATA[", at):
        end_at = html.find("]]>", at + 9)
        return end_at + 3 if end_at >= 0 else -1
    end_at = html.find(">", at)  # a DOCTYPE or a bogus comment ("<!x", "<?x", "</ x"): to ">"
    return end_at + 1 if end_at >= 0 else -1


def _raw_text_end(html: str, start: int, name: str) -> int:
    """Past the end tag of the raw-text element ``name`` whose content starts at ``start``."""
    if name == "script":
        end_at = _script_end(html, start)
    else:
        found = _RAW_TEXT_END[name].search(html, start) if name != "plaintext" else None
        end_at = found.start() if found else -1  # <plaintext> never ends
    tag = _TAG.match(html, end_at) if end_at >= 0 else None
    return tag.end() if tag else -1


def _script_end(html: str, start: int) -> int:
    """Where the ``</script>`` ending a script whose content starts at ``start`` is, or -1."""
    state = "data"  # or "escaped" (after "<!--"), or "double" (then after "<script")
    for mark in _SCRIPT_MARK.finditer(html, start):
        text, empty_comment, closing = mark.group(0, 1, 2)
        if text.startswith("<!--"):  # ("<!-->" ends what it starts)
            state = "data" if empty_comment else "escaped" if state == "data" else state
        elif text == "-->":
            state = "data"
        elif closing and state != "double":
            return mark.start()
        elif closing or state == "escaped":
            state = "escaped" if closing else "double"
    return -1
