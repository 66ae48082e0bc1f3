"""Captures -> normalised frames: decode each new capture, parse every line at once, date it.

Pure functions over polars frames; the Dagster asset only wires them to the working database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dagster_project.core.calendar import PsxCalendar
from dagster_project.core.capture import capture_lines, decode_capture, sha256_hex
from dagster_project.core.errors import CaptureChangedError, CaptureError
from dagster_project.core.ticker import TickerFrames, lines_frame, parse_lines

CAPTURES_SCHEMA: dict[str, pl.DataType] = {
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


@dataclass(frozen=True)
class CaptureSource:
    """One distinct capture to normalise: its hash and a file holding its bytes."""

    sha256: str
    path: Path
    byte_size: int


@dataclass(frozen=True)
class NormalisedFrames:
    """Everything normalising a batch of captures produced, ready to load."""

    captures: pl.DataFrame
    quotes: pl.DataFrame
    index_levels: pl.DataFrame
    rejected_lines: pl.DataFrame


def _read(source: CaptureSource, *, max_bytes: int) -> tuple[str, list[str]]:
    """Return (capture_format, lines) or raise ``CaptureError`` with the reason."""
    if source.byte_size > max_bytes:
        raise CaptureError(
            f"capture too large: {source.byte_size} bytes exceeds the {max_bytes}-byte cap"
        )
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        raise CaptureError(f"unreadable file: {exc.strerror or exc}") from exc
    if sha256_hex(data) != source.sha256:
        raise CaptureChangedError(f"{source.path} changed after it was inventoried")
    decoded = decode_capture(data, name=source.path.name)
    return decoded.capture_format, capture_lines(decoded)


def normalise_captures(
    sources: Iterable[CaptureSource], *, calendar: PsxCalendar, max_bytes: int
) -> NormalisedFrames:
    """Decode and parse a batch of captures.

    A capture that cannot be used (too large, empty, undecodable, no ticker lines, no page date)
    gets a ``reject_reason``; its lines are still recorded where they exist. A file whose bytes
    changed since it was inventoried is skipped: the next inventory sees it as a new capture.
    """
    meta: list[dict[str, object]] = []
    frames: list[pl.DataFrame] = []
    for source in sources:
        row: dict[str, object] = {"sha256": source.sha256, "capture_format": None}
        try:
            row["capture_format"], lines = _read(source, max_bytes=max_bytes)
        except CaptureChangedError:
            continue
        except CaptureError as exc:
            row["reject_reason"] = exc.reason
        else:
            row["line_count"] = len(lines)
            frames.append(lines_frame(source.sha256, lines))
        meta.append(row)

    parsed = parse_lines(pl.concat(frames) if frames else lines_frame("", []))
    captures = _capture_rows(meta, parsed, calendar=calendar)
    return NormalisedFrames(
        captures=captures,
        quotes=parsed.quotes,
        index_levels=parsed.index_levels,
        rejected_lines=parsed.rejected_lines,
    )


def _counts(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    return frame.group_by("sha256").agg(pl.len().cast(pl.Int32).alias(name))


def _capture_rows(
    meta: list[dict[str, object]], parsed: TickerFrames, *, calendar: PsxCalendar
) -> pl.DataFrame:
    base = pl.DataFrame(
        meta,
        schema={
            "sha256": pl.String,
            "capture_format": pl.String,
            "reject_reason": pl.String,
            "line_count": pl.Int32,
        },
    )
    dated = base.join(parsed.page_dates.select("sha256", "page_date"), on="sha256", how="left")
    for frame, name in (
        (parsed.quotes, "quote_count"),
        (parsed.index_levels, "index_count"),
        (parsed.rejected_lines, "rejected_line_count"),
    ):
        dated = dated.join(_counts(frame, name), on="sha256", how="left").with_columns(
            pl.col(name).fill_null(0)
        )
    sessions = calendar.resolve(dated["page_date"])
    has_ticker = (pl.col("quote_count") + pl.col("index_count")) > 0
    return (
        dated.join(sessions, on="page_date", how="left")
        .with_columns(
            reject_reason=pl.when(pl.col("reject_reason").is_not_null())
            .then(pl.col("reject_reason"))
            .when(~has_ticker & (pl.col("rejected_line_count") > 0))
            .then(pl.lit("no valid ticker lines: every ticker-like line was rejected"))
            .when(~has_ticker)
            .then(pl.lit("no ticker lines found"))
            .when(pl.col("page_date").is_null())
            .then(pl.lit("no page date in header: cannot tell which session the quotes show"))
            .when(pl.col("session_date").is_null())
            .then(pl.lit("page date outside the PSX calendar (before 2000-01-01)"))
        )
        .select(list(CAPTURES_SCHEMA))
        .cast(CAPTURES_SCHEMA)  # type: ignore[arg-type]
        .sort("sha256")
    )
