"""The configured pages fetched into the raw dir: what each page gave, and the run in figures.

What the fetch asset (and a command that fetches) runs: every page is fetched (politely and
guarded: :mod:`.http`), each body written as a capture (:mod:`.capture_file`), and a page that
cannot be fetched is told with its reason while the others still land.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dagster_project.core.errors import ConfigError
from dagster_project.core.fetch.capture_file import write_capture
from dagster_project.core.fetch.http import fetch_all
from dagster_project.core.fetch.pages import Page
from dagster_project.core.fetch.policy import FetchPolicy

#: ``(level, message)``: where a run tells each page's outcome (a logger's ``log``).
Log = Callable[[int, str], None]
FETCHES_SCHEMA = dict.fromkeys(("url", "status", "reason", "path"), pl.String)


@dataclass(frozen=True, slots=True)
class PageFetched:
    """One page's outcome: the capture written (``path``, under the raw dir) or why not."""

    url: str
    status: int | None
    reason: str | None
    path: str | None
    size: int


@dataclass(frozen=True, slots=True)
class FetchRun:
    """Every configured page's outcome, in the order of the pages file."""

    fetches: tuple[PageFetched, ...]

    @property
    def failures(self) -> list[PageFetched]:
        return [fetched for fetched in self.fetches if fetched.path is None]

    @property
    def total_bytes(self) -> int:
        return sum(fetched.size for fetched in self.fetches)

    @property
    def summary(self) -> str:
        """``all N page(s) fetched``, or how many were not and why, URL by URL."""
        failed, pages = self.failures, len(self.fetches)
        if not failed:
            return f"all {pages} page(s) fetched"
        return f"{len(failed)} of {pages} page(s) not fetched: " + "; ".join(
            f"{fetched.url} ({fetched.reason})" for fetched in failed
        )

    def table(self) -> pl.DataFrame:
        """One row a page: URL, HTTP status, reason, the capture's path (text, None if none)."""
        rows = [
            {
                "url": fetched.url,
                "status": None if fetched.status is None else str(fetched.status),
                "reason": fetched.reason,
                "path": fetched.path,
            }
            for fetched in self.fetches
        ]
        return pl.DataFrame(rows, schema=FETCHES_SCHEMA)

    def failed_table(self) -> pl.DataFrame:
        """The pages not fetched: URL and reason."""
        return self.table().filter(pl.col("path").is_null()).select("url", "reason")


def fetch_pages(pages: Sequence[Page], raw_dir: Path, policy: FetchPolicy, *, log: Log) -> FetchRun:
    """Fetch ``pages`` and write each body as a capture under ``raw_dir``'s ``fetched/``.

    Raises:
        ConfigError: ``raw_dir`` is not a directory (nothing is fetched).
    """
    if not raw_dir.is_dir():
        raise ConfigError(f"raw dir {raw_dir} does not exist (set MARKET_RAW_DIR)")
    outcomes = fetch_all([page.url for page in pages], policy=policy)
    fetches: list[PageFetched] = []
    for page, outcome in zip(pages, outcomes, strict=True):
        url = outcome.url  # the page's URL without credentials
        if outcome.ok and outcome.body is not None:
            path = write_capture(outcome, raw_dir, name=page.name).relative_to(raw_dir).as_posix()
            size = len(outcome.body)
            log(logging.INFO, f"fetched {url} -> {path} ({size} bytes)")
            fetches.append(PageFetched(url, outcome.status_code, outcome.reason, path, size))
        else:
            reason = outcome.reason or "unknown error"
            log(logging.WARNING, f"could not fetch {url}: {reason}")
            fetches.append(PageFetched(url, outcome.status_code, reason, None, 0))
    return FetchRun(tuple(fetches))
