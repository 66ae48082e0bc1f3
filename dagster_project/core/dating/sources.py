"""Dating a capture from outside its page: the fetch sidecar, the file name, the file time.

A page's own date bar dates it best; it is read by the ticker grammar. When the page shows none,
the capture's file may still say when it was taken, from these named sources, in this order:

1. ``sidecar``: the fetch time the fetch asset records beside the page;
2. ``file_name``: an ISO date or date-time in the file name (``2024-10-18``, ``20241018``,
   ``2024-10-18T1630``, ``2024-10-18_16-30``, ``2024-10-18T16:30+05:00``), Asia/Karachi unless a
   zone is written (``Z``, ``UTC``, ``PKT``, ``+05:00``, ``+0500``);
3. ``file_time``: the file's modification time, only when the operator trusts file times
   (a git clone or a copy resets them).

A print-edition line (``Markets Print 2025-09-23``) is never a source: it is the article's date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from dagster_project.core.dating.market_time import PKT

DatedBy = Literal["page", "sidecar", "file_name", "file_time"]
CapturedAtSource = Literal["sidecar", "file_name", "file_time", "unknown"]

_YEAR = r"(?P<year>20\d{2})"
_DATE = (
    rf"(?<![0-9]){_YEAR}(?:-(?P<month>\d{{2}})-(?P<day>\d{{2}})"
    r"|(?P<cmonth>\d{2})(?P<cday>\d{2}))"
)
_TIME = (
    r"(?:[T_ -](?P<hour>\d{2})[:.-]?(?P<minute>\d{2})(?:[:.-]?(?P<second>\d{2}))?"
    r"(?P<zone>Z|UTC|PKT|[+-]\d{2}:?\d{2})?)?"
)
_NAME_STAMP = re.compile(rf"{_DATE}{_TIME}(?![0-9])", re.IGNORECASE)


@dataclass(frozen=True)
class NameStamp:
    """The date (and time, when written) that a file name gives.

    Attributes:
        day: The Karachi date: as written, or that of the instant when a time is written.
        at: The instant in UTC, when the name also gives a time of day.
    """

    day: dt.date
    at: dt.datetime | None


def _zone(text: str | None) -> dt.tzinfo:
    if text is None or text.upper() == "PKT":
        return PKT
    if text.upper() in ("Z", "UTC"):
        return dt.UTC
    sign = -1 if text.startswith("-") else 1
    digits = text[1:].replace(":", "")
    offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return dt.timezone(sign * offset)


def name_stamp(name: str) -> NameStamp | None:
    """The first valid date (with its time, if any) written in ``name``, else None.

    Digits that run on (``202410181`` or an id like ``4339871``) are not a date, nor is an
    impossible one (``2024-02-30``); a time that is not a time (``25:00``) leaves the date alone.
    """
    for match in _NAME_STAMP.finditer(name):
        parts = match.groupdict()
        try:
            day = dt.date(
                int(parts["year"]),
                int(parts["month"] or parts["cmonth"]),
                int(parts["day"] or parts["cday"]),
            )
        except ValueError:
            continue
        if parts["hour"] is None:
            return NameStamp(day, None)
        try:
            local = dt.datetime.combine(
                day,
                dt.time(int(parts["hour"]), int(parts["minute"]), int(parts["second"] or 0)),
                tzinfo=_zone(parts["zone"]),
            )
        except ValueError:
            return NameStamp(day, None)
        return NameStamp(local.astimezone(PKT).date(), local.astimezone(dt.UTC))
    return None


@dataclass(frozen=True)
class FileDating:
    """What a capture's file says about when the page was taken.

    Attributes:
        file_date: The Karachi date the file dates the capture to, or None.
        dated_by: Which source gave ``file_date`` (None when none did).
        captured_at: When the page was taken (UTC), or None when no source says.
        captured_at_source: Which source gave ``captured_at``.
    """

    file_date: dt.date | None
    dated_by: DatedBy | None
    captured_at: dt.datetime | None
    captured_at_source: CapturedAtSource


def file_dating(
    name: str,
    *,
    modified_at: dt.datetime,
    fetched_at: dt.datetime | None = None,
    trust_file_time: bool = False,
) -> FileDating:
    """Date a capture from its file name, its fetch sidecar and its modification time.

    The file time dates the capture only when trusted. Trusted or not, it gives ``captured_at``
    when it falls on the Karachi date that the file name gives (the page was evidently taken
    that day); whether it falls on the page's own date is decided where the page date is known.
    """
    if fetched_at is not None:
        return FileDating(fetched_at.astimezone(PKT).date(), "sidecar", fetched_at, "sidecar")
    stamp = name_stamp(name)
    modified_day = modified_at.astimezone(PKT).date()
    if stamp is not None:
        if stamp.at is not None:
            return FileDating(stamp.day, "file_name", stamp.at, "file_name")
        if modified_day == stamp.day:
            return FileDating(stamp.day, "file_name", modified_at, "file_time")
        return FileDating(stamp.day, "file_name", None, "unknown")
    if trust_file_time:
        return FileDating(modified_day, "file_time", modified_at, "file_time")
    return FileDating(None, None, None, "unknown")
