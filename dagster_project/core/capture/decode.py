"""Reading capture bytes into normalised text: encodings, content hashing, lines to parse."""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from typing import Literal

import polars as pl

from dagster_project.core.capture.html import html_to_text
from dagster_project.core.capture.text import (
    CONTROL_SPACES,
    CONTROLS_CLASS,
    UNICODE_SPACES,
    ZERO_WIDTH,
    normalise_text,
)
from dagster_project.core.errors import CaptureDecodeError

CaptureFormat = Literal["text", "html"]

_HTML_SNIFF = re.compile(r"<!doctype\s+html|<html[\s>]|<body[\s>]", re.IGNORECASE)
_HTML_SNIFF_CHARS = 1024
# The same tests for polars (Rust regex): Python's \s also matches \x1c-\x1f.
_RUST_HTML_SNIFF = r"(?i)<!doctype[\s\x1c-\x1f]+html|<html[\s\x1c-\x1f>]|<body[\s\x1c-\x1f>]"
_RUST_NOT_BLANK = r"[^\s\x1c-\x1f]"


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
    special = list(UNICODE_SPACES + CONTROL_SPACES + ZERO_WIDTH)
    replacements = [" "] * len(UNICODE_SPACES + CONTROL_SPACES) + [""] * len(ZERO_WIDTH)
    normalised = (
        pl.when(text.str.contains_any(special))
        .then(text.str.replace_many(special, replacements))
        .otherwise(text)
    )
    no_controls = (
        pl.when(text.str.contains(CONTROLS_CLASS))
        .then(text.str.replace_all(CONTROLS_CLASS, ""))
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
        .with_columns(text=no_controls)
        .with_columns(text=pl.when(usable).then(text))
        .collect()
    )


def capture_lines(decoded: DecodedCapture) -> list[str]:
    """Split a capture into whitespace-collapsed lines; index ``i`` is line number ``i + 1``.

    HTML is converted with :func:`html_to_text` first. Blank lines are kept as empty strings so
    that line numbers match the (converted) text.
    """
    if decoded.capture_format == "html":
        return html_to_text(decoded.text).split("\n")  # already whitespace-collapsed
    return [" ".join(line.split()) for line in decoded.text.split("\n")]
