"""Reading a ``Retry-After`` header (RFC 9110): a number of seconds or an HTTP date."""

from __future__ import annotations

import datetime as dt
import email.utils


def retry_after_seconds(value: str | None, *, now: dt.datetime) -> float | None:
    """The seconds ``value`` asks to wait (0 for a date already past), or None if unreadable."""
    text = (value or "").strip()
    if text.isascii() and text.isdigit():
        return float(int(text))
    if not text:
        return None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000": UTC by RFC 5322
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())
