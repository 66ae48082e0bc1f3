"""robots.txt: its rules (RFC 9309) and how a fetch honours them, against the loopback server."""

from __future__ import annotations

import pytest

from dagster_project.core.fetch.http import fetch_all
from dagster_project.core.fetch.policy import DEFAULT_USER_AGENT
from dagster_project.core.fetch.robots import parse_robots, product_token
from tests.core.fetch.fetching import POLICY, fetch
from tests.page_server import HTML_PAGE, PageServer

ROBOTS = """\
# Business Recorder-like rules
User-agent: *
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php
Disallow: /*.pdf$
Disallow: /search?

User-agent: market-snapshots
User-agent: other-bot
Disallow: /private
Allow: /private/ticker
Disallow: /

User-agent: market-snapshots
Allow: /markets

User-agent: bad-bot
Disallow:
"""


def allowed(agent: str, target: str, text: str = ROBOTS) -> bool:
    return parse_robots(text).verdict(agent, target) is None


@pytest.mark.parametrize(
    ("agent", "target", "expected"),
    [
        ("somebot", "/markets", True),
        ("somebot", "/wp-admin/options.php", False),
        ("somebot", "/wp-admin/admin-ajax.php", True),  # the longer rule wins
        ("somebot", "/files/report.pdf", False),
        ("somebot", "/files/report.pdf?x=1", True),  # '$' anchors at the end
        ("somebot", "/search?q=psx", False),
        ("somebot", "/search", True),
        ("market-snapshots", "/latest-news", False),  # our own group, not '*'
        ("Market-Snapshots", "/markets", True),  # both of our groups count, case-insensitively
        ("market-snapshots", "/private/ticker", True),
        ("market-snapshots", "/private/other", False),
        ("market-snapshots", "/robots.txt", True),  # always allowed
        ("bad-bot", "/anything", True),  # an empty Disallow allows everything
    ],
)
def test_robots_rules_follow_rfc_9309(agent: str, target: str, expected: bool) -> None:
    assert allowed(agent, target) is expected


def test_an_allow_wins_a_tie_and_percent_encoding_does_not_matter() -> None:
    text = "User-agent: *\nDisallow: /page\nAllow: /page\nDisallow: /caf%C3%A9\n"
    assert allowed("x", "/page", text)
    assert not allowed("x", "/café", text)
    assert not allowed("x", "/caf%c3%a9", text)


def test_rules_before_any_user_agent_and_unknown_lines_are_ignored() -> None:
    text = "Disallow: /\nSitemap: https://x/sitemap.xml\nnonsense\nUser-agent: *\nCrawl-delay: 5\n"
    assert allowed("x", "/anything", text)
    assert allowed("x", "/anything", "")


def test_the_verdict_names_the_rule() -> None:
    rule = parse_robots(ROBOTS).verdict("somebot", "/wp-admin/x")
    assert rule is not None
    assert str(rule) == "Disallow: /wp-admin/"


def test_our_product_token_comes_from_the_user_agent() -> None:
    assert product_token(DEFAULT_USER_AGENT) == "market-snapshots"
    assert product_token("Probe/1") == "probe"
    assert product_token("(nothing)") == ""


def test_a_page_disallowed_by_robots_txt_is_not_fetched(server: PageServer) -> None:
    server.robots_txt = b"User-agent: *\nDisallow: /home\n"
    outcome = fetch(server.url("/home.html"))
    assert outcome.reason == f"disallowed by {server.url('/robots.txt')} (Disallow: /home)"
    assert outcome.status_code is None
    assert outcome.attempts == 1
    assert server.hits["/home.html"] == 0


def test_our_own_group_in_robots_txt_applies(server: PageServer) -> None:
    server.robots_txt = (
        b"User-agent: *\nAllow: /\n\nUser-agent: market-snapshots\nDisallow: /ticker\n"
    )
    assert fetch(server.url("/home.html")).ok
    outcome = fetch(server.url("/ticker.txt"))
    assert outcome.reason == f"disallowed by {server.url('/robots.txt')} (Disallow: /ticker)"
    assert server.hits["/ticker.txt"] == 0


def test_a_redirect_into_a_disallowed_path_is_not_followed(server: PageServer) -> None:
    server.robots_txt = b"User-agent: *\nDisallow: /home.html\n"
    outcome = fetch(server.url("/moved"))
    assert outcome.reason == f"disallowed by {server.url('/robots.txt')} (Disallow: /home.html)"
    assert server.hits["/moved"] == 1
    assert server.hits["/home.html"] == 0


def test_robots_txt_is_read_once_per_host_in_a_run(server: PageServer) -> None:
    urls = [server.url("/home.html"), server.url("/ticker.txt"), server.url("/moved")]
    outcomes = fetch_all(urls, policy=POLICY, sleep=lambda _: None)
    assert [o.ok for o in outcomes] == [True, True, True]
    assert outcomes[2].body == HTML_PAGE
    assert server.hits["/robots.txt"] == 1  # a 404: everything allowed


def test_an_unreachable_robots_txt_means_no_page_is_fetched(server: PageServer) -> None:
    server.robots_status = 503
    outcome = fetch(server.url("/home.html"))
    assert outcome.reason == (
        f"robots.txt unreachable (HTTP 503 Service Unavailable at {server.url('/robots.txt')})"
        " after 3 attempts"
    )
    assert (outcome.status_code, outcome.final_url) == (None, server.url("/home.html"))
    assert server.hits["/robots.txt"] == 3
    assert server.hits["/home.html"] == 0
