"""Storing a fetched body as a capture file under the raw dir, beside its sidecar.

A capture is written as ``<raw>/fetched/YYYY/MM/DD/<file>`` (date and time in Asia/Karachi) with
the fetch time as its modification time; its sidecar (see ``sidecar``) records the URL and fetch
time. Files are written atomically and an existing capture is never overwritten.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from dagster_project.core.dating.market_time import PKT, UNIX_EPOCH
from dagster_project.core.fetch.http import FetchOutcome
from dagster_project.core.fetch.sidecar import FetchSidecar, encode_sidecar, sidecar_path

FETCHED_SUBDIR = "fetched"
_HTML_SNIFF = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)


def _suffix(body: bytes, content_type: str | None) -> str:
    media = (content_type or "").split(";")[0].strip().lower()
    is_plain = media == "text/plain" and not _HTML_SNIFF.search(body, 0, 1024)
    return ".txt" if is_plain else ".html"


def _write_atomic(target: Path, data: bytes, *, mtime_ns: int | None, replace: bool) -> None:
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        temp.write_bytes(data)
        if mtime_ns is not None:
            os.utime(temp, ns=(mtime_ns, mtime_ns))
        if replace:
            os.replace(temp, target)
        else:
            os.link(temp, target)  # fails if target exists: never overwrites
    finally:
        temp.unlink(missing_ok=True)


def write_capture(outcome: FetchOutcome, raw_dir: Path, *, name: str | None = None) -> Path:
    """Write a successful fetch under ``<raw_dir>/fetched/YYYY/MM/DD/`` and return its path.

    The file is ``<host>[_<name>]_<HHMMSS>_<sha256[:12]>.html`` (``.txt`` for plain text), with
    date and time of ``fetched_at`` in Asia/Karachi; its modification time is ``fetched_at``.
    The sidecar is written first, so a landing that sees the file also sees its fetch time. An
    existing file of the same name (same host, second and content) is kept as it is.

    Raises:
        ValueError: the outcome is not a successful fetch.
    """
    if not outcome.ok or outcome.body is None:
        raise ValueError(f"cannot write a failed fetch of {outcome.url}: {outcome.reason}")
    body = outcome.body
    sha256 = hashlib.sha256(body).hexdigest()
    local = outcome.fetched_at.astimezone(PKT)
    host = (urlsplit(outcome.final_url).hostname or "unknown-host").lower()
    label = f"{host}_{name}" if name else host
    filename = f"{label}_{local:%H%M%S}_{sha256[:12]}{_suffix(body, outcome.content_type)}"
    target = raw_dir / FETCHED_SUBDIR / f"{local:%Y}" / f"{local:%m}" / f"{local:%d}" / filename
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    sidecar = FetchSidecar(
        url=outcome.url,
        final_url=outcome.final_url,
        status_code=outcome.status_code,
        fetched_at=outcome.fetched_at,
        sha256=sha256,
        byte_size=len(body),
        content_type=outcome.content_type,
        name=name,
    )
    _write_atomic(sidecar_path(target), encode_sidecar(sidecar), mtime_ns=None, replace=True)
    mtime_ns = (outcome.fetched_at - UNIX_EPOCH) // dt.timedelta(microseconds=1) * 1000
    # FileExistsError: a concurrent fetch wrote the same bytes in the same second meanwhile.
    with contextlib.suppress(FileExistsError):
        _write_atomic(target, body, mtime_ns=mtime_ns, replace=False)
    return target
