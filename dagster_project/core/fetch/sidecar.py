"""The sidecar: a hidden JSON file beside each fetched capture, recording its URL and fetch time.

For a capture ``<dir>/<file>`` the sidecar is ``<dir>/.<file>.json``. ``write_capture`` (in
``capture_file``) writes it with ``encode_sidecar``; landing reads it back with ``read_sidecar``
to date the capture by when it was fetched.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FetchSidecar:
    """The facts recorded beside a fetched capture file."""

    url: str
    final_url: str
    status_code: int | None
    fetched_at: dt.datetime
    sha256: str
    byte_size: int
    content_type: str | None = None
    name: str | None = None


def sidecar_path(capture_path: Path) -> Path:
    """Where the hidden JSON sidecar of ``capture_path`` lives."""
    return capture_path.with_name(f".{capture_path.name}.json")


def encode_sidecar(sidecar: FetchSidecar) -> bytes:
    """The sidecar file's bytes: indented JSON, fetch time as ISO 8601 in UTC, a final newline."""
    data = {
        "url": sidecar.url,
        "final_url": sidecar.final_url,
        "status_code": sidecar.status_code,
        "fetched_at": sidecar.fetched_at.astimezone(dt.UTC).isoformat(),
        "sha256": sidecar.sha256,
        "byte_size": sidecar.byte_size,
        "content_type": sidecar.content_type,
        "name": sidecar.name,
    }
    return (json.dumps(data, indent=2) + "\n").encode()


def read_sidecar(capture_path: Path, *, expected_sha256: str | None = None) -> FetchSidecar | None:
    """The sidecar of a fetched capture, or None when absent, unreadable or not matching.

    One small file read, no hashing: pass the capture's known ``expected_sha256`` to ignore a
    sidecar left beside a file whose bytes were since replaced.
    """
    try:
        data = json.loads(sidecar_path(capture_path).read_bytes())
        fetched_at = dt.datetime.fromisoformat(data["fetched_at"])
        sidecar = FetchSidecar(
            url=str(data["url"]),
            final_url=str(data["final_url"]),
            status_code=None if data["status_code"] is None else int(data["status_code"]),
            fetched_at=fetched_at.astimezone(dt.UTC),
            sha256=str(data["sha256"]),
            byte_size=int(data["byte_size"]),
            content_type=data.get("content_type"),
            name=data.get("name"),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if fetched_at.tzinfo is None:
        return None
    if expected_sha256 is not None and sidecar.sha256 != expected_sha256.lower():
        return None
    return sidecar
