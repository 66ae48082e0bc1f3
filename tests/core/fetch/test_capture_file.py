"""Writing a fetched body as a capture file with its sidecar."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from dagster_project.core.fetch.capture_file import write_capture
from dagster_project.core.fetch.http import FetchOutcome
from dagster_project.core.fetch.sidecar import sidecar_path
from tests.core.fetch.fetched import FETCHED_AT, outcome
from tests.page_server import HTML_PAGE, TEXT_PAGE


def test_a_capture_is_written_under_the_karachi_date_with_its_fetch_time(tmp_path: Path) -> None:
    path = write_capture(outcome(HTML_PAGE), tmp_path)
    sha = hashlib.sha256(HTML_PAGE).hexdigest()
    assert path == tmp_path / "fetched/2024/10/18" / f"www.brecorder.com_043005_{sha[:12]}.html"
    assert path.read_bytes() == HTML_PAGE
    assert path.stat().st_mtime_ns == 1_729_207_805_123_456_000
    sidecar = json.loads(sidecar_path(path).read_text())
    assert sidecar_path(path).name == f".{path.name}.json"
    assert sidecar == {
        "url": "https://brecorder.com/",
        "final_url": "https://www.brecorder.com/",
        "status_code": 200,
        "fetched_at": "2024-10-17T23:30:05.123456+00:00",
        "sha256": sha,
        "byte_size": len(HTML_PAGE),
        "content_type": "text/html",
        "name": None,
    }
    assert sorted(p.name for p in path.parent.iterdir()) == [sidecar_path(path).name, path.name]


def test_the_page_name_goes_into_the_file_name(tmp_path: Path) -> None:
    path = write_capture(outcome(HTML_PAGE), tmp_path, name="markets")
    assert path.name.startswith("www.brecorder.com_markets_043005_")


@pytest.mark.parametrize(
    ("body", "content_type", "suffix"),
    [
        (TEXT_PAGE, "text/plain; charset=utf-8", ".txt"),
        (HTML_PAGE, "text/plain", ".html"),  # markup served as text is still HTML
        (TEXT_PAGE, None, ".html"),
        (TEXT_PAGE, "text/html", ".html"),
    ],
)
def test_only_clearly_plain_text_is_written_as_txt(
    tmp_path: Path, body: bytes, content_type: str | None, suffix: str
) -> None:
    assert write_capture(outcome(body, content_type=content_type), tmp_path).suffix == suffix


def test_an_existing_capture_is_never_overwritten(tmp_path: Path) -> None:
    path = write_capture(outcome(HTML_PAGE), tmp_path)
    os.utime(path, ns=(1, 1))
    path.chmod(0o444)
    assert write_capture(outcome(HTML_PAGE), tmp_path) == path
    assert path.stat().st_mtime_ns == 1
    assert path.read_bytes() == HTML_PAGE
    assert len(list(path.parent.iterdir())) == 2  # no temporary files left behind


def test_a_failed_fetch_cannot_be_written(tmp_path: Path) -> None:
    failed = FetchOutcome(
        "https://x.org/", False, "https://x.org/", 404, FETCHED_AT, None, "HTTP 404 Not Found", 1
    )
    with pytest.raises(ValueError, match="HTTP 404"):
        write_capture(failed, tmp_path)
