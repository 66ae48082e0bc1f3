"""Reading a capture's fetch sidecar back, and refusing one that cannot be trusted."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from dagster_project.core.fetch.capture_file import write_capture
from dagster_project.core.fetch.sidecar import read_sidecar, sidecar_path
from tests.core.fetch.fetched import FETCHED_AT, outcome
from tests.page_server import HTML_PAGE


def test_the_sidecar_reads_back(tmp_path: Path) -> None:
    path = write_capture(outcome(HTML_PAGE), tmp_path, name="home")
    sidecar = read_sidecar(path)
    assert sidecar is not None
    assert sidecar.fetched_at == FETCHED_AT
    assert sidecar.fetched_at.tzinfo == dt.UTC
    assert (sidecar.url, sidecar.final_url, sidecar.status_code, sidecar.name) == (
        "https://brecorder.com/",
        "https://www.brecorder.com/",
        200,
        "home",
    )
    assert sidecar.byte_size == len(HTML_PAGE)
    sha = hashlib.sha256(HTML_PAGE).hexdigest()
    assert read_sidecar(path, expected_sha256=sha) == sidecar
    assert read_sidecar(path, expected_sha256="0" * 64) is None


@pytest.mark.parametrize(
    "sidecar",
    [None, "", "not json", "[]", '{"url": "x"}', json.dumps({
        "url": "u", "final_url": "u", "status_code": 200, "sha256": "s", "byte_size": 1,
        "fetched_at": "2024-10-17T23:30:05",  # naive: not trusted
    })],
)  # fmt: skip
def test_an_absent_or_broken_sidecar_reads_as_none(tmp_path: Path, sidecar: str | None) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(HTML_PAGE)
    if sidecar is not None:
        sidecar_path(path).write_text(sidecar)
    assert read_sidecar(path) is None
