"""Every frame the pipeline hands on, declared once: its columns, in order, and their types.

The code that builds a frame selects and casts to its schema here; ``tests/core/test_schemas.py``
checks that the frames built from the sample have exactly these schemas and that the dbt
sources' ``data_type`` of each lake table agree with them (``dbt/models/staging/brecorder``).
"""

from __future__ import annotations

import polars as pl

_DECIMAL = pl.Decimal(18, 2)
_UTC = pl.Datetime("us", "UTC")

#: One row per capture file under the raw dir (``core/raw/landing.py::inventory``).
CAPTURE_FILES = pl.Schema(
    {
        "source_path": pl.String(),
        "sha256": pl.String(),
        "byte_size": pl.Int64(),
        "mtime_ns": pl.Int64(),
        "file_modified_at": _UTC,
        "fetched_at": _UTC,
        "file_date": pl.Date(),
        "file_dated_by": pl.String(),
        "captured_at": _UTC,
        "captured_at_source": pl.String(),
    }
)
#: What the calendar adds to a capture file for its ``file_date`` (``landing.with_file_sessions``):
#: ``landing.capture_files`` is :data:`CAPTURE_FILES` and these.
FILE_SESSIONS = pl.Schema(
    {
        "file_session_date": pl.Date(),
        "file_previous_session_date": pl.Date(),
        "file_is_session_day": pl.Boolean(),
    }
)
#: The capture files (and directories, ``…/``) under the raw dir that could not be read.
SKIPPED_FILES = pl.Schema({"source_path": pl.String(), "reason": pl.String()})
#: ``landing.psx_sessions``: the PSX calendar that dates the captures (``PsxCalendar``).
PSX_SESSIONS = pl.Schema({"session_date": pl.Date()})

#: Captures split into lines, the ticker parser's input (``ticker.lines_frame``).
LINES = pl.Schema({"sha256": pl.String(), "line_no": pl.Int32(), "line": pl.String()})

#: One row per normalised capture (``core/normalise/captures.py``).
CAPTURES = pl.Schema(
    {
        "sha256": pl.String(),
        "capture_format": pl.String(),
        "page_date": pl.Date(),
        "session_date": pl.Date(),
        "previous_session_date": pl.Date(),
        "is_session_day": pl.Boolean(),
        "reject_reason": pl.String(),
        "line_count": pl.Int32(),
        "quote_count": pl.Int32(),
        "index_count": pl.Int32(),
        "rejected_line_count": pl.Int32(),
    }
)
#: One row per stock quote line of a capture (``core/ticker``).
QUOTES = pl.Schema(
    {
        "sha256": pl.String(),
        "line_no": pl.Int32(),
        "symbol": pl.String(),
        "close_price": _DECIMAL,
        "change": _DECIMAL,
        "change_pct": _DECIMAL,
    }
)
#: One row per index line of a capture (``core/ticker``).
INDEX_LEVELS = pl.Schema(
    {
        "sha256": pl.String(),
        "line_no": pl.Int32(),
        "index_code": pl.String(),
        "level": _DECIMAL,
        "change": _DECIMAL,
        "change_pct": _DECIMAL,
    }
)
#: Ticker-like lines that did not parse, with the reason (``core/ticker``).
REJECTED_LINES = pl.Schema(
    {"sha256": pl.String(), "line_no": pl.Int32(), "line": pl.String(), "reason": pl.String()}
)
#: The page-date header of each capture that has one (``core/ticker``).
PAGE_DATES = pl.Schema(
    {"sha256": pl.String(), "page_date": pl.Date(), "header_line_no": pl.Int32()}
)
#: One row per distinct headline of a capture (``core/headlines.py``).
HEADLINES = pl.Schema(
    {
        "sha256": pl.String(),
        "position": pl.Int32(),
        "headline_kind": pl.String(),
        "headline": pl.String(),
        "section": pl.String(),
        "news_source": pl.String(),
        "published_date": pl.Date(),
        "published_at": _UTC,
    }
)

#: The lake's tables (and the working database's ``normalised.*`` mirror) by name, as dbt reads
#: them: the captures also carry the normaliser version they were parsed with, and every table
#: the ``capture_date`` of its partition (added by the lake, ``core/lake/files.py``).
LAKE_TABLES = {
    "captures": pl.Schema({**CAPTURES, "normaliser_version": pl.String()}),
    "quotes": QUOTES,
    "index_levels": INDEX_LEVELS,
    "rejected_lines": REJECTED_LINES,
    "headlines": HEADLINES,
}
#: The landing tables dbt reads (``landing.*``), by name.
LANDING_TABLES = {
    "capture_files": pl.Schema({**CAPTURE_FILES, **FILE_SESSIONS}),
    "skipped_files": SKIPPED_FILES,
    "psx_sessions": PSX_SESSIONS,
}
