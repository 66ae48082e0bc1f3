"""Fetching pages against a real HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest

from dagster_project.core.fetch.http import fetch_all, make_client
from dagster_project.core.fetch.policy import DEFAULT_USER_AGENT, FetchPolicy
from tests.core.fetch.fetching import POLICY, closed_port_url, fetch
from tests.page_server import CAP, HTML_PAGE, PageServer


def test_a_page_is_fetched_with_our_user_agent(server: PageServer) -> None:
    before = dt.datetime.now(dt.UTC)
    outcome = fetch(server.url("/home.html"))
    assert outcome.ok, outcome.reason
    assert outcome.body == HTML_PAGE
    assert outcome.status_code == 200
    assert outcome.final_url == outcome.url == server.url("/home.html")
    assert outcome.attempts == 1
    assert outcome.reason is None
    assert outcome.content_type == "text/html; charset=utf-8"
    assert before <= outcome.fetched_at <= dt.datetime.now(dt.UTC)
    assert outcome.fetched_at.tzinfo is dt.UTC
    # robots.txt (a 404 here: everything allowed), then the page.
    assert server.hits["/robots.txt"] == 1
    assert server.user_agents == [DEFAULT_USER_AGENT] * 2


def test_404_fails_at_once_without_retrying(server: PageServer) -> None:
    sleeps: list[float] = []
    outcome = fetch(server.url("/missing"), sleeps=sleeps)
    assert not outcome.ok
    assert outcome.reason == "HTTP 404 Not Found"
    assert outcome.status_code == 404
    assert outcome.body is None
    assert outcome.attempts == 1
    assert server.hits["/missing"] == 1
    assert sleeps == []


def test_500_then_200_is_retried_after_a_backoff(server: PageServer) -> None:
    sleeps: list[float] = []
    outcome = fetch(server.url("/flaky"), sleeps=sleeps)
    assert outcome.ok, outcome.reason
    assert outcome.body == HTML_PAGE
    assert outcome.attempts == 2
    assert server.hits["/flaky"] == 2
    assert sleeps == [0.01]


def test_a_lasting_5xx_gives_up_after_every_attempt_with_exponential_backoff(
    server: PageServer,
) -> None:
    sleeps: list[float] = []
    outcome = fetch(server.url("/down"), sleeps=sleeps)
    assert outcome.reason == "HTTP 503 Service Unavailable after 3 attempts"
    assert outcome.status_code == 503
    assert outcome.attempts == 3
    assert server.hits["/down"] == 3
    assert sleeps == [0.01, 0.02]


def test_a_slow_response_times_out_and_is_retried(server: PageServer) -> None:
    started = time.monotonic()
    outcome = fetch(
        server.url("/slow"), policy=FetchPolicy(read_timeout=0.2, attempts=2, backoff=0)
    )
    assert not outcome.ok
    assert outcome.reason == "read timed out after 2 attempts"
    assert outcome.status_code is None
    assert server.hits["/slow"] == 2
    assert time.monotonic() - started < 2.0


def test_a_trickling_body_is_cut_by_the_total_timeout(server: PageServer) -> None:
    policy = FetchPolicy(read_timeout=0.5, total_timeout=0.3, attempts=1)
    started = time.monotonic()
    outcome = fetch(server.url("/trickle"), policy=policy)
    assert (
        outcome.reason
        == "total timeout of 0.3 s exceeded while reading the body of the page after 1 attempt"
    )
    assert time.monotonic() - started < 2.0


def test_a_body_declared_over_the_cap_is_not_read(server: PageServer) -> None:
    outcome = fetch(server.url("/big"))
    assert outcome.reason == f"body exceeds {CAP}-byte cap (Content-Length {CAP + 1})"
    assert outcome.body is None
    assert outcome.attempts == 1


def test_an_endless_body_is_read_only_up_to_the_cap(server: PageServer) -> None:
    outcome = fetch(server.url("/endless"))
    assert outcome.reason == f"body exceeds {CAP}-byte cap"
    assert outcome.attempts == 1
    # The server managed to push only what the socket buffers held, not its 64 MB.
    assert server.sent_bytes < 16 * 1024 * 1024


def test_a_redirect_loop_is_bounded(server: PageServer) -> None:
    outcome = fetch(server.url("/loop"))
    assert outcome.reason == "too many redirects (3)"
    assert outcome.attempts == 1
    assert server.hits["/loop"] == 4  # the first request and three redirects followed


def test_redirects_are_followed_to_the_final_url(server: PageServer) -> None:
    outcome = fetch(server.url("/moved"))
    assert outcome.ok, outcome.reason
    assert outcome.url == server.url("/moved")
    assert outcome.final_url == server.url("/home.html")


def test_a_redirect_to_another_scheme_is_refused(server: PageServer) -> None:
    outcome = fetch(server.url("/to-ftp"))
    assert outcome.reason == "redirect to unsupported scheme 'ftp'"
    assert outcome.status_code == 302


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/x", "unsupported scheme 'ftp': only http and https"),
        ("file:///etc/passwd", "unsupported scheme 'file': only http and https"),
        ("www.brecorder.com", "unsupported scheme '': only http and https"),
        ("https:///markets", "URL has no host"),
    ],
)
def test_only_http_and_https_urls_are_fetched(url: str, reason: str) -> None:
    outcome = fetch(url)
    assert (outcome.ok, outcome.reason, outcome.attempts) == (False, reason, 0)


def test_non_text_and_empty_bodies_fail(server: PageServer) -> None:
    assert fetch(server.url("/image")).reason == "unsupported content type 'image/png'"
    assert fetch(server.url("/empty")).reason == "empty body (HTTP 200)"


def test_a_refused_connection_is_retried_then_reported() -> None:
    outcome = fetch(closed_port_url(), policy=FetchPolicy(attempts=2, backoff=0))
    assert outcome.reason is not None
    assert outcome.reason.startswith("connection failed: ")
    assert outcome.reason.endswith(" after 2 attempts")


def test_fetch_all_keeps_going_past_failures_in_order(server: PageServer) -> None:
    urls = [server.url("/missing"), "ftp://example.com/", server.url("/home.html")]
    outcomes = fetch_all(urls, policy=POLICY, sleep=lambda _: None)
    assert [o.url for o in outcomes] == urls
    assert [o.ok for o in outcomes] == [False, False, True]


def test_the_client_sends_the_policy_user_agent() -> None:
    with make_client(FetchPolicy(user_agent="probe/1")) as client:
        assert client.headers["User-Agent"] == "probe/1"
        assert not client.follow_redirects
        assert client.timeout == httpx.Timeout(connect=5.0, read=20.0, write=20.0, pool=5.0)
