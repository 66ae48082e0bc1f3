"""Tests for dagster_project.core.capture.html_process: pages converted in worker processes, each
under a time limit."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from dagster_project.core.capture.html import MAX_HTML_DEPTH
from dagster_project.core.capture.html_process import convert, convert_in_background
from dagster_project.core.errors import WarehouseError

LINE = "AIRLINK 136.21 Decreased By ▼ -0.24 (-0.18%)"
PAGES = [
    f"<html><body><ul><li>{LINE}</li></ul><p>Oct 18, 2024</p></body></html>",
    "<pre>a\n  b</pre>",
    "<div>" * (MAX_HTML_DEPTH + 1),
    "",
]
# Shallow, but lexbor takes minutes over the options of one <select> (5 MB).
SLOW = "<html><body><select>" + "<option></option>" * 300_000
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")  # a second of CPU time in /proc/<pid>/stat


def test_the_worker_converts_like_this_process() -> None:
    expected = [convert(page) for page in PAGES]
    assert expected[2] == (
        f"HTML nested at least {MAX_HTML_DEPTH + 1} elements deep (over {MAX_HTML_DEPTH}): "
        "not a page a browser shows"
    )
    assert convert_in_background(PAGES)() == expected


def test_a_page_over_the_time_limit_is_rejected_and_the_others_converted() -> None:
    pages = [PAGES[0], SLOW, PAGES[1], SLOW, PAGES[2]]
    assert convert_in_background(pages, timeout=1)() == [
        convert(PAGES[0]),
        "HTML took longer than 1 s to convert",
        convert(PAGES[1]),  # by a new worker
        "HTML took longer than 1 s to convert",
        convert(PAGES[2]),
    ]


def busy_worker() -> int:
    """The pid of this process's HTML worker, once it has spent a second of CPU converting."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()  # from the state on
                command = (stat.parent / "cmdline").read_text()
            except OSError:
                continue
            ticks = int(fields[11])  # utime
            if int(fields[1]) == os.getpid() and "serve()" in command and ticks >= CLOCK_TICKS:
                return int(stat.parent.name)
        time.sleep(0.05)
    raise AssertionError("no busy HTML worker")


@pytest.mark.skipif(sys.platform != "linux", reason="finds the worker in /proc")
def test_a_page_whose_worker_is_killed_is_rejected_and_the_others_converted() -> None:
    # As the kernel kills a worker out of memory (a crash in lexbor ends it with SIGSEGV).
    results = convert_in_background([SLOW, PAGES[0]], timeout=120)
    os.kill(busy_worker(), signal.SIGKILL)
    assert results() == ["HTML conversion crashed (signal SIGKILL)", convert(PAGES[0])]


def test_no_pages_start_no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    assert convert_in_background([])() == []


def test_a_worker_that_cannot_start_fails_the_batch_rather_than_convert_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Converting here could not be stopped: one slow page would hold the build.
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    results = convert_in_background(PAGES)
    with pytest.raises(WarehouseError, match="cannot start the HTML worker"):
        results()
