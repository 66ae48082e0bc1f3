"""Retry-After on 429 and 503: read as seconds or as an HTTP date, waited for within limits."""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from dataclasses import replace

import pytest

from dagster_project.core.fetch.retry_after import retry_after_seconds
from tests.core.fetch.fetching import POLICY, fetch
from tests.page_server import HTML_PAGE, PageServer

NOW = dt.datetime(2015, 10, 21, 7, 27, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("0", 0.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:00:00 GMT", 0.0),  # already past: no wait
        ("1.5", None),
        ("-5", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_seconds_or_an_http_date(value: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, now=NOW) == seconds


def test_retry_after_seconds_are_waited_instead_of_the_backoff(server: PageServer) -> None:
    sleeps: list[float] = []
    outcome = fetch(server.url("/busy"), policy=replace(POLICY, total_timeout=5.0), sleeps=sleeps)
    assert outcome.ok, outcome.reason
    assert outcome.body == HTML_PAGE
    assert outcome.attempts == 2
    assert sleeps == [1.0]


def test_retry_after_as_an_http_date_is_waited_for(server: PageServer) -> None:
    server.retry_after = email.utils.formatdate(time.time() + 3, usegmt=True)
    sleeps: list[float] = []
    outcome = fetch(
        server.url("/throttled"), policy=replace(POLICY, total_timeout=5.0), sleeps=sleeps
    )
    assert outcome.ok, outcome.reason
    [slept] = sleeps
    assert 1.5 < slept <= 3.0  # whole seconds: 2 to 3 s from now


def test_a_retry_after_beyond_the_policy_limit_ends_the_fetch(server: PageServer) -> None:
    server.retry_after = "3600"
    sleeps: list[float] = []
    outcome = fetch(server.url("/busy"), policy=replace(POLICY, total_timeout=5.0), sleeps=sleeps)
    assert outcome.reason == (
        "HTTP 503 Service Unavailable after 1 attempt"
        " (Retry-After 3600 s is more than the 30 s allowed)"
    )
    assert outcome.status_code == 503
    assert sleeps == []
    assert server.hits["/busy"] == 1


def test_a_retry_after_past_the_total_timeout_ends_the_fetch(server: PageServer) -> None:
    server.retry_after = "5"
    sleeps: list[float] = []
    outcome = fetch(server.url("/throttled"), sleeps=sleeps)
    assert outcome.reason == (
        "HTTP 429 Too Many Requests after 1 attempt"
        " (Retry-After 5 s would pass the total timeout of 1 s)"
    )
    assert sleeps == []
    assert server.hits["/throttled"] == 1
