"""Reading capture bytes into normalised text: encodings, HTML to text, content hashing."""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from typing import Literal

from selectolax.lexbor import LexborHTMLParser, LexborNode

from dagster_project.core.errors import CaptureDecodeError

CaptureFormat = Literal["text", "html"]

_UNICODE_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
_UNICODE_SPACES += "\u202f\u205f\u3000"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_TRANSLATION = {ord(ch): " " for ch in _UNICODE_SPACES} | {ord(ch): None for ch in _ZERO_WIDTH}

_HTML_SNIFF = re.compile(r"<!doctype\s+html|<html[\s>]|<body[\s>]", re.IGNORECASE)
_HTML_SNIFF_CHARS = 1024
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
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_TRANSLATION)


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


def html_to_text(html: str) -> str:
    """Return the text lines a browser would show for ``html``, one per line, no blank lines.

    Block elements break lines, inline elements do not; whitespace runs collapse to one space;
    scripts, styles, templates, ``<head>`` and comments are dropped. The tree is walked
    iteratively, so arbitrarily deep nesting cannot exhaust the Python stack.
    """
    root = LexborHTMLParser(html).root
    if root is None:
        return ""
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
    text = html_to_text(decoded.text) if decoded.capture_format == "html" else decoded.text
    return [" ".join(line.split()) for line in text.split("\n")]
