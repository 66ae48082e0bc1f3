"""Text as captures are compared: LF line endings, plain spaces, no zero-width or control
characters.

Control characters (C0 but tab and line ends, DEL, C1) are never page text: a page that carries
them (an ESC sequence, a BEL) would otherwise take them to the lake, the marts, the terminal and
the Dagster UI. Vertical tab and form feed count as spaces, as ``str.split`` counts them; the others
are removed.
"""

from __future__ import annotations

import re

UNICODE_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
UNICODE_SPACES += "\u202f\u205f\u3000"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
CONTROL_SPACES = "\x0b\x0c"
CONTROLS = "".join(
    chr(code)
    for code in (*range(0x20), *range(0x7F, 0xA0))
    if chr(code) not in "\t\n\r" + CONTROL_SPACES
)
# The same as a regular-expression class, for polars (Rust regex) and re alike.
CONTROLS_CLASS = r"[\x00-\x08\x0e-\x1f\x7f-\x9f]"
_TRANSLATION = (
    {ord(ch): " " for ch in UNICODE_SPACES + CONTROL_SPACES}
    | {ord(ch): None for ch in ZERO_WIDTH}
    | {ord(ch): None for ch in CONTROLS}
)
# Most captures hold none of these: one scan finds out, and only those that do are translated.
_TRANSLATED = re.compile(f"[{UNICODE_SPACES}{ZERO_WIDTH}{CONTROL_SPACES}]|{CONTROLS_CLASS}")


def normalise_text(text: str) -> str:
    """Use LF line endings, turn Unicode spaces into plain spaces, drop zero-width and control
    characters."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _TRANSLATED.search(text):
        text = text.translate(_TRANSLATION)
    return text


# What a terminal or a log viewer would act on rather than show: control characters, and the
# bidirectional overrides and isolates that can make a line read as something else.
_UNPRINTABLE = re.compile(f"{CONTROLS_CLASS}|[\\t\\n\\r\\x0b\\x0c\\u202a-\\u202e\\u2066-\\u2069]")
_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def printable(text: str) -> str:
    """``text`` safe to print as one line: every control character (ESC, BEL, a newline, …) and
    bidirectional override written as its escape (``\\x1b``, ``\\n``, ``\\u202e``).

    For what came from outside (file names, page text, reasons quoting them) on its way to a
    terminal or a log.
    """
    if not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(lambda match: _escape(match.group()), text)


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
