"""Which redirects are followed (the configured page's own site, never a downgrade) and how
credentials are kept out of every URL we store."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from dagster_project.core.fetch.capture_file import write_capture
from dagster_project.core.fetch.policy import FetchPolicy
from dagster_project.core.fetch.sidecar import sidecar_path
from dagster_project.core.fetch.site import redact, redirect_refusal, same_site
from tests.core.fetch.fetching import fetch
from tests.page_server import HTML_PAGE, PageServer

HOME = httpx.URL("https://www.brecorder.com/markets")


@pytest.mark.parametrize(
    ("host", "home", "allowed", "expected"),
    [
        ("www.brecorder.com", "www.brecorder.com", (), True),
        ("brecorder.com", "www.brecorder.com", (), True),
        ("www.brecorder.com", "brecorder.com", (), True),
        ("WWW.Brecorder.COM.", "www.brecorder.com", (), True),
        ("markets.brecorder.com", "www.brecorder.com", (), False),
        ("brecorder.com.evil.example", "brecorder.com", (), False),
        ("evil.example", "www.brecorder.com", (), False),
        ("markets.brecorder.com", "www.brecorder.com", ("Markets.Brecorder.com",), True),
        ("localhost", "127.0.0.1", (), False),
        ("2130706433", "127.0.0.1", (), False),
    ],
)
def test_same_site_is_the_same_host_give_or_take_www(
    host: str, home: str, allowed: tuple[str, ...], expected: bool
) -> None:
    assert same_site(host, home, allowed_hosts=allowed) is expected


@pytest.mark.parametrize(
    ("source", "target", "reason"),
    [
        ("https://www.brecorder.com/a", "https://brecorder.com/b", None),
        ("http://www.brecorder.com/a", "https://www.brecorder.com/a", None),
        (
            "https://www.brecorder.com/a",
            "http://www.brecorder.com/a",
            "redirect from https to http refused: http://www.brecorder.com/a",
        ),
        (
            "https://www.brecorder.com/a",
            "https://user:pw@evil.example/x",
            "redirect to another site refused: https://evil.example/x",
        ),
        (
            "https://www.brecorder.com/a",
            "ftp://www.brecorder.com/",
            "redirect to unsupported scheme 'ftp'",
        ),
    ],
)
def test_redirect_refusal(source: str, target: str, reason: str | None) -> None:
    refusal = redirect_refusal(
        httpx.URL(source), httpx.URL(target), home=HOME, policy=FetchPolicy()
    )
    assert refusal == reason


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://user:secret@host.example:8080/a?b=1#c", "http://host.example:8080/a?b=1#c"),
        ("https://user@host.example/", "https://host.example/"),
        ("https://a:b@c@host.example/", "https://host.example/"),
        ("https://www.brecorder.com/markets", "https://www.brecorder.com/markets"),
        ("not a url", "not a url"),
    ],
)
def test_redact_drops_credentials_and_nothing_else(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_a_redirect_to_another_host_is_refused(server: PageServer) -> None:
    outcome = fetch(server.url("/to-localhost"))
    target = server.url("/home.html", host="localhost")
    assert outcome.reason == f"redirect to another site refused: {target}"
    assert outcome.status_code == 302
    assert outcome.final_url == server.url("/to-localhost")
    assert outcome.attempts == 1
    assert server.hits["/home.html"] == 0


def test_a_redirect_to_a_decimal_ip_is_another_site(server: PageServer) -> None:
    outcome = fetch(server.url("/to-decimal-ip"))
    target = server.url("/home.html", host="2130706433")
    assert outcome.reason == f"redirect to another site refused: {target}"
    assert server.hits["/home.html"] == 0


def test_a_redirect_from_https_to_http_is_refused(tls_server: PageServer) -> None:
    outcome = fetch(tls_server.url("/to-plain-http"))
    target = tls_server.url("/home.html", scheme="http")
    assert outcome.reason == f"redirect from https to http refused: {target}"
    assert outcome.status_code == 302
    assert tls_server.hits["/home.html"] == 0


def test_credentials_in_a_redirect_are_neither_sent_nor_stored(
    server: PageServer, tmp_path: Path
) -> None:
    outcome = fetch(server.url("/to-userinfo"))
    assert outcome.ok, outcome.reason
    assert outcome.body == HTML_PAGE
    assert outcome.final_url == server.url("/home.html")
    assert not any(server.authorizations)
    capture = write_capture(outcome, tmp_path)
    assert json.loads(sidecar_path(capture).read_text())["final_url"] == server.url("/home.html")
    assert "secret" not in sidecar_path(capture).read_text()


def test_credentials_in_a_redirect_stay_out_of_a_failure(server: PageServer) -> None:
    outcome = fetch(server.url("/to-userinfo-missing"))
    assert outcome.reason == "HTTP 404 Not Found"
    assert outcome.final_url == server.url("/missing")
    assert "secret" not in repr(outcome)


def test_credentials_of_the_configured_url_are_used_but_not_stored(server: PageServer) -> None:
    outcome = fetch(server.url("/home.html", host="user:secret@127.0.0.1"))
    assert outcome.ok, outcome.reason
    assert outcome.url == outcome.final_url == server.url("/home.html")
    assert "secret" not in repr(outcome)
    assert server.authorizations[-1].startswith("Basic ")  # the page, not robots.txt
