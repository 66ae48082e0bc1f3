"""Text as captures are compared: LF line endings, plain spaces, no zero-width characters."""

from __future__ import annotations

import re

UNICODE_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
UNICODE_SPACES += "\u202f\u205f\u3000"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_TRANSLATION = {ord(ch): " " for ch in UNICODE_SPACES} | {ord(ch): None for ch in ZERO_WIDTH}
# Most captures hold none of these: one scan finds out, and only those that do are translated.
_TRANSLATED = re.compile(f"[{UNICODE_SPACES}{ZERO_WIDTH}]")


def normalise_text(text: str) -> str:
    """Use LF line endings, turn Unicode spaces into plain spaces, drop zero-width characters."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _TRANSLATED.search(text):
        text = text.translate(_TRANSLATION)
    return text
