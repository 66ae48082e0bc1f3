"""Reading capture bytes into normalised text: encodings, HTML to text, content hashing."""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from typing import Literal

import polars as pl
from selectolax.lexbor import LexborHTMLParser, LexborNode

from dagster_project.core.errors import CaptureDecodeError

CaptureFormat = Literal["text", "html"]

_UNICODE_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
_UNICODE_SPACES += "\u202f\u205f\u3000"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_TRANSLATION = {ord(ch): " " for ch in _UNICODE_SPACES} | {ord(ch): None for ch in _ZERO_WIDTH}
# Most captures hold none of these: one scan finds out, and only those that do are translated.
_TRANSLATED = re.compile(f"[{_UNICODE_SPACES}{_ZERO_WIDTH}]")

_HTML_SNIFF = re.compile(r"<!doctype\s+html|<html[\s>]|<body[\s>]", re.IGNORECASE)
_HTML_SNIFF_CHARS = 1024
# The same tests for polars (Rust regex): Python's \s also matches \x1c-\x1f.
_RUST_HTML_SNIFF = r"(?i)<!doctype[\s\x1c-\x1f]+html|<html[\s\x1c-\x1f>]|<body[\s\x1c-\x1f>]"
_RUST_NOT_BLANK = r"[^\s\x1c-\x1f]"
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
# Marks a block boundary in collected text; decoded captures never hold NUL (see _decode_bytes).
_BREAK = "\x00"


@dataclass(frozen=True)
class DecodedCapture:
    """A capture's text after decoding and normalisation.

    Attributes:
        text: LF line endings, plain spaces, no zero-width characters.
        capture_format: "html" when the text is markup still to be converted, else "text".
    """

    text: str
    capture_format: CaptureFormat


def sha256_hex(data: bytes) -> str:
    """Return the lowercase hex SHA-256 digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def normalise_text(text: str) -> str:
    """Use LF line endings, turn Unicode spaces into plain spaces, drop zero-width characters."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _TRANSLATED.search(text):
        text = text.translate(_TRANSLATION)
    return text


def _decode_bytes(data: bytes, name: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8", data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, body = "utf-16", data
    else:
        encoding, body = "utf-8", data
        nul_at = data.find(b"\x00")
        if nul_at >= 0:
            raise CaptureDecodeError(f"not text: NUL byte at offset {nul_at}", name=name)
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(data) - len(body))
        label = "UTF-8" if encoding == "utf-8" else "UTF-16"
        raise CaptureDecodeError(
            f"not text: undecodable as {label} (byte 0x{data[offset]:02x} at offset {offset})",
            name=name,
        ) from exc
    nul_at = text.find("\x00")
    if nul_at >= 0:
        raise CaptureDecodeError(f"not text: NUL character at index {nul_at}", name=name)
    return text


def decode_capture(data: bytes, *, name: str = "") -> DecodedCapture:
    """Decode and normalise a capture's bytes.

    Accepts UTF-8 (with or without BOM) and UTF-16 with a BOM; nothing else is guessed.

    Args:
        data: The file's bytes.
        name: File name or path; an ``.htm``/``.html`` suffix marks the capture as HTML.

    Raises:
        CaptureDecodeError: empty, whitespace-only, binary or undecodable input.
    """
    if not data:
        raise CaptureDecodeError("empty file", name=name)
    text = normalise_text(_decode_bytes(data, name))
    if not text.strip():
        raise CaptureDecodeError("whitespace-only file", name=name)
    is_html = name.lower().endswith((".htm", ".html")) or bool(
        _HTML_SNIFF.search(text, 0, _HTML_SNIFF_CHARS)
    )
    return DecodedCapture(text=text, capture_format="html" if is_html else "text")


def is_plain_text(data: bytes, name: str) -> bool:
    """Whether :func:`decode_texts` may decode these bytes: not named HTML, not empty, no
    UTF-16 BOM, no NUL byte (a UTF-8 BOM is fine)."""
    return (
        bool(data)
        and not name.lower().endswith((".htm", ".html"))
        and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        and b"\x00" not in data
    )


def _utf8(data: pl.Series) -> pl.Series:
    """``data`` as strings, null where it is not UTF-8.

    polars raises on the whole cast when one value is invalid, so a failing batch is halved
    until the culprits are found (rare: a handful of extra casts).
    """
    try:
        return data.cast(pl.String)
    except pl.exceptions.PolarsError:
        if len(data) <= 16:
            return pl.Series(data.name, [_utf8_or_none(value) for value in data], pl.String)
        half = len(data) // 2
        return pl.concat([_utf8(data.slice(0, half)), _utf8(data.slice(half))])


def _utf8_or_none(value: bytes | None) -> str | None:
    try:
        return None if value is None else value.decode("utf-8")
    except UnicodeDecodeError:
        return None


def decode_texts(captures: pl.DataFrame) -> pl.DataFrame:
    """Decode many plain-text captures at once, as :func:`decode_capture` would.

    Args:
        captures: ``sha256`` and ``data`` (binary) of captures passing :func:`is_plain_text`.

    Returns:
        ``sha256`` and ``text`` (normalised like :func:`normalise_text`). ``text`` is null where
        :func:`decode_capture` must decide: bytes that are not UTF-8 (it raises), blank text
        (it raises) or text that looks like HTML.
    """
    data = pl.col("data")
    body = captures.select(
        pl.when(data.bin.starts_with(codecs.BOM_UTF8)).then(data.bin.slice(3)).otherwise(data)
    ).to_series()
    text = pl.col("text")
    lf_only = (
        pl.when(text.str.contains("\r", literal=True))
        .then(
            text.str.replace_all("\r\n", "\n", literal=True).str.replace_all(
                "\r", "\n", literal=True
            )
        )
        .otherwise(text)
    )
    special = list(_UNICODE_SPACES + _ZERO_WIDTH)
    replacements = [" "] * len(_UNICODE_SPACES) + [""] * len(_ZERO_WIDTH)
    normalised = (
        pl.when(text.str.contains_any(special))
        .then(text.str.replace_many(special, replacements))
        .otherwise(text)
    )
    usable = text.str.contains(_RUST_NOT_BLANK) & ~text.str.slice(
        0, _HTML_SNIFF_CHARS
    ).str.contains(_RUST_HTML_SNIFF)
    return (
        pl.DataFrame({"sha256": captures["sha256"], "text": _utf8(body)})
        .lazy()
        .with_columns(text=lf_only)
        .with_columns(text=normalised)
        .with_columns(text=pl.when(usable).then(text))
        .collect()
    )


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
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*?(/?)>")
# Void elements never nest; these close themselves when a sibling starts (an unclosed <p> or <li>).
_FLAT_TAGS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "dt",
        "dd",
        "option",
        "optgroup",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "colgroup",
        "rb",
        "rt",
        "rp",
    ]
)


def html_depth(html: str) -> int:
    """An upper estimate of the element nesting depth, in one linear scan of the tags."""
    depth = deepest = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        if name.lower() in _FLAT_TAGS or self_closing:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def html_to_text(html: str) -> str:
    """Return the text lines a browser would show for ``html``, one per line, no blank lines.

    Block elements break lines, inline elements do not; whitespace runs collapse to one space;
    scripts, styles, templates, ``<head>`` and comments are dropped. Usually the hidden elements
    are removed, line-break markers are inserted around block elements and lexbor collects the
    text in one call; a page with ``<pre>`` (whose line breaks are kept) or NUL characters is
    walked node by node instead. Neither recurses; nesting deeper than ``MAX_HTML_DEPTH`` is
    rejected with ``CaptureDecodeError`` before parsing.
    """
    depth = html_depth(html)
    if depth > MAX_HTML_DEPTH:
        raise CaptureDecodeError(
            f"HTML nested {depth} elements deep (over {MAX_HTML_DEPTH}): not a page a browser shows"
        )
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


def capture_lines(decoded: DecodedCapture) -> list[str]:
    """Split a capture into whitespace-collapsed lines; index ``i`` is line number ``i + 1``.

    HTML is converted with :func:`html_to_text` first. Blank lines are kept as empty strings so
    that line numbers match the (converted) text.
    """
    if decoded.capture_format == "html":
        return html_to_text(decoded.text).split("\n")  # already whitespace-collapsed
    return [" ".join(line.split()) for line in decoded.text.split("\n")]
