"""Captures -> normalised frames: decode each new capture, parse every line at once, date it.

Pure functions over polars frames; the Dagster asset only wires them to the working database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import polars as pl

from dagster_project.core import schemas
from dagster_project.core.capture.decode import (
    DecodedCapture,
    capture_lines,
    decode_capture,
    decode_texts,
    is_plain_text,
    sha256_hex,
)
from dagster_project.core.capture.html_process import HTML_TIMEOUT, Converted, convert_in_background
from dagster_project.core.dating.calendar import PsxCalendar
from dagster_project.core.errors import CaptureChangedError, CaptureError
from dagster_project.core.headlines import extract_headlines
from dagster_project.core.ticker import TickerFrames, lines_frame, parse_lines, parse_texts


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
    headlines: pl.DataFrame


_READERS = 2  # threads reading and hashing the files that are not HTML
_BATCH = 128  # captures per reader task


def _read_bytes(source: CaptureSource, *, max_bytes: int) -> bytes:
    """The capture's bytes, or ``CaptureError`` with the reason it cannot be used."""
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
    return data


@dataclass(frozen=True)
class _Decoded:
    """A capture decoded one by one: its format and lines."""

    capture_format: str
    lines: list[str]


_Loaded = bytes | _Decoded | CaptureError


def _load(source: CaptureSource, max_bytes: int, html_timeout: float) -> _Loaded:
    """Plain-text bytes for :func:`decode_texts`, or the capture decoded and split here (HTML
    and other unusual captures), or the reason it cannot be used."""
    try:
        data = _read_bytes(source, max_bytes=max_bytes)
    except CaptureError as exc:
        return exc
    if is_plain_text(data, source.path.name):
        return data
    return _decode(data, source.path.name, html_timeout)


def _decode(data: bytes, name: str, html_timeout: float) -> _Decoded | CaptureError:
    try:
        decoded = decode_capture(data, name=name)
        if decoded.capture_format == "html":  # (sniffed) converted under the worker's time limit
            return _converted(convert_in_background([decoded.text], timeout=html_timeout)()[0])
        return _Decoded(decoded.capture_format, capture_lines(decoded))
    except CaptureError as exc:  # undecodable bytes, or HTML no browser would show
        return exc


def _load_all(sources: list[CaptureSource], max_bytes: int, html_timeout: float) -> list[_Loaded]:
    return [_load(source, max_bytes, html_timeout) for source in sources]


def _is_named_html(source: CaptureSource) -> bool:
    return source.path.name.lower().endswith((".htm", ".html"))


def _read_html(source: CaptureSource, max_bytes: int) -> DecodedCapture | CaptureError:
    try:
        return decode_capture(_read_bytes(source, max_bytes=max_bytes), name=source.path.name)
    except CaptureError as exc:
        return exc


def _converted(item: Converted) -> _Decoded | CaptureError:
    return CaptureError(item) if isinstance(item, str) else _Decoded("html", item)


def normalise_captures(
    sources: Iterable[CaptureSource],
    *,
    calendar: PsxCalendar,
    max_bytes: int,
    index_codes: frozenset[str] = frozenset(),
    html_timeout: float = HTML_TIMEOUT,
) -> NormalisedFrames:
    """Decode and parse a batch of captures.

    A capture that cannot be used (too large, empty, undecodable, no ticker lines) gets a
    ``reject_reason``; its lines are still recorded where they exist. A capture without a page
    date is not rejected here: its file may date it (see
    :mod:`dagster_project.core.dating.sources`). A
    file whose bytes changed since it was inventoried is skipped: the next inventory sees it as
    a new capture.

    HTML captures (by name) are read first and converted in a worker process
    (:mod:`html_process`) while two threads read and hash the other files and polars decodes
    and parses the plain UTF-8 texts all at once (:func:`decode_texts`, :func:`parse_texts`:
    only their ticker strips are split into lines). The converted lines are parsed last and the
    frames merged. A page that takes longer than ``html_timeout`` seconds to convert (HTML
    sniffed in a text file too) is rejected with that reason.
    """
    sources = list(sources)
    html = [source for source in sources if _is_named_html(source)]
    others = [source for source in sources if not _is_named_html(source)]
    read_html = [_read_html(source, max_bytes) for source in html]
    pages = [item.text for item in read_html if isinstance(item, DecodedCapture)]
    conversions: Callable[[], list[Converted]] = convert_in_background(pages, timeout=html_timeout)
    batches = [others[at : at + _BATCH] for at in range(0, len(others), _BATCH)]
    with ThreadPoolExecutor(_READERS) as pool:
        read = pool.map(partial(_load_all, max_bytes=max_bytes, html_timeout=html_timeout), batches)
        loaded = [item for batch in read for item in batch]
    meta, plain, split = _sort_out(others, loaded)
    texts = decode_texts(
        pl.DataFrame(
            {"sha256": list(plain), "data": list(plain.values())},
            schema={"sha256": pl.String, "data": pl.Binary},
        )
    )
    # What decode_texts leaves undecided (not UTF-8, blank, HTML-like) decode_capture decides.
    names = {source.sha256: source.path.name for source in others}
    for sha256 in texts.filter(pl.col("text").is_null())["sha256"]:
        _record(meta, split, sha256, _decode(plain[sha256], names[sha256], html_timeout))
    parsed_texts, line_counts = parse_texts(
        texts.filter(pl.col("text").is_not_null()).sort("sha256"), index_codes=index_codes
    )
    converted = iter(conversions())
    html_loaded: list[_Loaded] = [
        _converted(next(converted)) if isinstance(item, DecodedCapture) else item
        for item in read_html
    ]
    html_meta, _, html_split = _sort_out(html, html_loaded)
    meta |= html_meta
    lines = lines_frame(split | html_split)
    parsed_lines = parse_lines(lines, index_codes=index_codes)
    parsed = _merged(parsed_texts, parsed_lines)
    for sha256, line_count in line_counts.iter_rows():
        meta[sha256] |= {"capture_format": "text", "line_count": line_count}
    captures = _capture_rows(list(meta.values()), parsed, calendar=calendar)
    return NormalisedFrames(
        captures=captures,
        quotes=parsed.quotes,
        index_levels=parsed.index_levels,
        rejected_lines=parsed.rejected_lines,
        headlines=extract_headlines(texts, lines),
    )


def _sort_out(
    sources: list[CaptureSource], loaded: list[_Loaded]
) -> tuple[dict[str, dict[str, object]], dict[str, bytes], dict[str, list[str]]]:
    """The captures rows begun, the bytes left for :func:`decode_texts`, the lines split."""
    meta: dict[str, dict[str, object]] = {}
    plain: dict[str, bytes] = {}
    split: dict[str, list[str]] = {}
    for source, item in zip(sources, loaded, strict=True):
        if isinstance(item, CaptureChangedError):
            continue
        meta[source.sha256] = {"sha256": source.sha256, "capture_format": None}
        if isinstance(item, bytes):
            plain[source.sha256] = item
        else:
            _record(meta, split, source.sha256, item)
    return meta, plain, split


def _record(
    meta: dict[str, dict[str, object]],
    split: dict[str, list[str]],
    sha256: str,
    item: _Decoded | CaptureError,
) -> None:
    if isinstance(item, CaptureError):
        meta[sha256]["reject_reason"] = item.reason
    else:
        meta[sha256] |= {"capture_format": item.capture_format, "line_count": len(item.lines)}
        split[sha256] = item.lines


def _merged(first: TickerFrames, second: TickerFrames) -> TickerFrames:
    """The frames of two disjoint sets of captures, each sorted by sha256 (then line_no)."""
    frames = [
        first_frame.merge_sorted(second_frame, key="sha256")
        for first_frame, second_frame in zip(
            (first.quotes, first.index_levels, first.rejected_lines, first.page_dates),
            (second.quotes, second.index_levels, second.rejected_lines, second.page_dates),
            strict=True,
        )
    ]
    return TickerFrames(*frames)


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
            .when(pl.col("page_date").is_not_null() & pl.col("session_date").is_null())
            .then(pl.lit("page date outside the PSX calendar (before 2000-01-01)"))
        )
        .select(list(schemas.CAPTURES))
        .cast(schemas.CAPTURES)
        .sort("sha256")
    )
