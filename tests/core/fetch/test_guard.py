"""The guard under every fetch: one total deadline, and no private addresses unless allowed.

Against the real loopback server: headers that trickle in, attempts that add up, redirects to
other spellings of 127.0.0.1.
"""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from dagster_project.core.fetch.policy import FetchPolicy
from tests.core.fetch.fetching import POLICY, fetch
from tests.page_server import HTML_PAGE, PageServer


def test_headers_trickling_in_are_cut_at_the_total_timeout(server: PageServer) -> None:
    # Every header byte arrives well within the read timeout; the headers take 3 s in all.
    policy = FetchPolicy(read_timeout=1.0, total_timeout=0.5, attempts=1)
    started = time.monotonic()
    outcome = fetch(server.url("/trickle-headers"), policy=policy)
    elapsed = time.monotonic() - started
    assert outcome.reason == (
        "total timeout of 0.5 s exceeded while waiting for the headers of the page after 1 attempt"
    )
    assert outcome.status_code is None
    assert 0.5 <= elapsed < 1.0


def test_a_tls_handshake_that_never_ends_is_cut_at_the_total_timeout(silent_port: int) -> None:
    policy = FetchPolicy(connect_timeout=1.0, total_timeout=0.3, attempts=2, backoff=0)
    started = time.monotonic()
    outcome = fetch(f"https://127.0.0.1:{silent_port}/home.html", policy=policy)
    assert outcome.reason == (
        "total timeout of 0.3 s exceeded while connecting to 127.0.0.1 after 1 attempt"
    )
    assert time.monotonic() - started < 0.8


def test_an_https_page_is_fetched_through_the_guard(tls_server: PageServer) -> None:
    outcome = fetch(tls_server.url("/moved"))
    assert outcome.ok, outcome.reason
    assert outcome.final_url == tls_server.url("/home.html")
    assert outcome.body == HTML_PAGE
    assert tls_server.hits["/robots.txt"] == 1


def test_the_total_timeout_covers_every_attempt(server: PageServer) -> None:
    # Each attempt times out reading (0.3 s); five of them would take 1.5 s.
    policy = FetchPolicy(read_timeout=0.3, total_timeout=0.5, attempts=5, backoff=0)
    started = time.monotonic()
    outcome = fetch(server.url("/slow"), policy=policy)
    assert outcome.reason == (
        "total timeout of 0.5 s exceeded while waiting for the headers of the page after 2 attempts"
    )
    assert outcome.attempts == 2
    assert server.hits["/slow"] == 2
    assert time.monotonic() - started < 1.0


def test_no_backoff_is_waited_past_the_total_timeout(server: PageServer) -> None:
    policy = FetchPolicy(total_timeout=0.5, attempts=3, backoff=0.4)
    sleeps: list[float] = []
    outcome = fetch(server.url("/down"), policy=policy, sleeps=sleeps)
    assert outcome.reason == (
        "HTTP 503 Service Unavailable after 2 attempts"
        " (the next attempt would pass the total timeout of 0.5 s)"
    )
    assert sleeps == [0.4]
    assert server.hits["/down"] == 2


def test_the_configured_page_may_itself_be_on_a_local_address(server: PageServer) -> None:
    # No opt-in needed: the page list itself names 127.0.0.1.
    outcome = fetch(server.url("/moved"), policy=FetchPolicy())
    assert outcome.ok, outcome.reason
    assert outcome.body == HTML_PAGE


def test_a_redirect_to_a_loopback_name_is_refused_even_on_an_allowed_host(
    server: PageServer,
) -> None:
    outcome = fetch(
        server.url("/to-localhost"), policy=replace(POLICY, allowed_hosts=("localhost",))
    )
    assert outcome.reason is not None
    assert outcome.reason.startswith("refused to connect to localhost: ")
    assert outcome.reason.endswith(" is a loopback address")
    assert outcome.attempts == 1
    assert server.hits["/home.html"] == 0


@pytest.mark.parametrize(
    ("path", "host"), [("/to-decimal-ip", "2130706433"), ("/to-hex-ip", "0x7f000001")]
)
def test_numeric_spellings_of_loopback_are_refused(
    server: PageServer, path: str, host: str
) -> None:
    outcome = fetch(server.url(path), policy=replace(POLICY, allowed_hosts=(host,)))
    assert outcome.reason == f"refused to connect to {host}: 127.0.0.1 is a loopback address"
    assert server.hits["/home.html"] == 0


def test_private_addresses_are_reached_with_the_policy_opt_in(server: PageServer) -> None:
    policy = replace(POLICY, allowed_hosts=("localhost",), allow_private_addresses=True)
    outcome = fetch(server.url("/to-localhost"), policy=policy)
    assert outcome.ok, outcome.reason
    assert outcome.final_url == server.url("/home.html", host="localhost")
