"""``core/fetch/landed.py``: the configured pages fetched into the raw dir from the loopback page
server, each outcome told at its level, and the run in figures."""

from __future__ import annotations

import logging
from pathlib import Path

import polars as pl
import pytest

from dagster_project.core.errors import ConfigError
from dagster_project.core.fetch.landed import FetchRun, PageFetched, fetch_pages
from dagster_project.core.fetch.pages import Page
from tests.core.fetch.fetching import POLICY
from tests.page_server import TEXT_PAGE, PageServer


def test_a_page_lands_and_one_that_fails_is_told_why(tmp_path: Path, server: PageServer) -> None:
    told: list[tuple[int, str]] = []
    pages = [Page(server.url("/ticker.txt"), "ticker"), Page(server.url("/missing"))]
    run = fetch_pages(pages, tmp_path, POLICY, log=lambda level, text: told.append((level, text)))
    landed, missing = run.fetches
    assert landed.path is not None and landed.path.startswith("fetched/")
    assert (tmp_path / landed.path).read_bytes() == TEXT_PAGE
    assert (landed.status, landed.size, run.total_bytes) == (200, len(TEXT_PAGE), len(TEXT_PAGE))
    assert (missing.path, missing.status, missing.size) == (None, 404, 0)
    assert run.failures == [missing]
    assert [level for level, _ in told] == [logging.INFO, logging.WARNING]
    assert told[1][1] == f"could not fetch {missing.url}: {missing.reason}"
    assert run.summary == f"1 of 2 page(s) not fetched: {missing.url} ({missing.reason})"


def test_the_run_in_tables_and_a_summary() -> None:
    run = FetchRun(
        (
            PageFetched("https://a/", 200, None, "fetched/a.html", 10),
            PageFetched("https://b/", None, "timed out", None, 0),
        )
    )
    assert run.table().rows() == [
        ("https://a/", "200", None, "fetched/a.html"),
        ("https://b/", None, "timed out", None),
    ]
    assert run.failed_table().equals(pl.DataFrame({"url": ["https://b/"], "reason": ["timed out"]}))
    assert FetchRun(run.fetches[:1]).summary == "all 1 page(s) fetched"


def test_a_missing_raw_dir_fetches_nothing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"does not exist \(set MARKET_RAW_DIR\)"):
        fetch_pages([Page("https://a/")], tmp_path / "absent", POLICY, log=print)
