"""Fetching pages against a real HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
import time
from pathlib import Path

import httpx
import pytest

from dagster_project.core.errors import ConfigError
from dagster_project.core.fetch import (
    DEFAULT_USER_AGENT,
    FetchOutcome,
    FetchPolicy,
    Page,
    fetch_all,
    fetch_page,
    load_page_list,
    make_client,
    read_sidecar,
    sidecar_path,
    write_capture,
)
from tests.page_server import CAP, HTML_PAGE, TEXT_PAGE, PageServer

# Tiny timeouts and backoff keep every test well under a second or two.
POLICY = FetchPolicy(
    connect_timeout=1.0,
    read_timeout=0.3,
    total_timeout=1.0,
    attempts=3,
    backoff=0.01,
    max_bytes=CAP,
    max_redirects=3,
)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def fetch(
    url: str, *, policy: FetchPolicy = POLICY, sleeps: list[float] | None = None
) -> FetchOutcome:
    with make_client(policy) as client:
        return fetch_page(
            url, client=client, policy=policy, sleep=(sleeps if sleeps is not None else []).append
        )


# --- fetch_page -------------------------------------------------------------------------------


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
    assert server.user_agents == [DEFAULT_USER_AGENT]


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
    assert outcome.reason == "response not complete within 0.3s after 1 attempt"
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


def test_the_default_cap_is_five_megabytes() -> None:
    assert FetchPolicy().max_bytes == 5_242_880


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


def test_fetch_policy_rejects_nonsense() -> None:
    with pytest.raises(ConfigError):
        FetchPolicy(attempts=0)
    with pytest.raises(ConfigError):
        FetchPolicy(read_timeout=0)


def test_the_client_sends_the_policy_user_agent() -> None:
    with make_client(FetchPolicy(user_agent="probe/1")) as client:
        assert client.headers["User-Agent"] == "probe/1"
        assert not client.follow_redirects
        assert client.timeout == httpx.Timeout(connect=5.0, read=20.0, write=20.0, pool=5.0)


# --- load_page_list ---------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pages.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_page_list_reads_urls_and_optional_names(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pages:\n  - url: https://www.brecorder.com/\n    name: home\n"
        "  - url: ' http://example.com/markets '\n",
    )
    assert load_page_list(path) == [
        Page(url="https://www.brecorder.com/", name="home"),
        Page(url="http://example.com/markets", name=None),
    ]


def test_the_shipped_page_list_is_valid() -> None:
    shipped = Path(__file__).resolve().parents[2] / "config" / "pages.yaml"
    pages = load_page_list(shipped)
    assert pages
    assert all(page.url.startswith("https://www.brecorder.com/") for page in pages)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pages: [\n", "is not valid YAML"),
        ("- https://www.brecorder.com/\n", "expected a top-level 'pages:' list"),
        ("pages:\n  - https://www.brecorder.com/\n", "entry 1: expected a mapping"),
        ("pages:\n  - name: home\n", "entry 1: 'url' must be a non-empty string"),
        ("pages:\n  - url: ftp://x.org/\n", "unsupported scheme 'ftp': only http and https"),
        ("pages:\n  - url: https://x.org/\n    title: X\n", "unknown key(s) title"),
        ("pages:\n  - url: https://x.org/\n    name: Home Page\n", "'name' must match"),
        (
            "pages:\n  - url: https://x.org/a\n  - url: HTTPS://X.org/a#top\n",
            "entry 2 repeats the URL of entry 1",
        ),
        (
            "pages:\n  - url: https://x.org/\n  - url: https://x.org\n",
            "entry 2 repeats the URL of entry 1",
        ),
        (
            "pages:\n  - {url: 'https://x.org/a', name: a}\n"
            "  - {url: 'https://x.org/b', name: a}\n",
            "entry 2 repeats the name of entry 1 ('a')",
        ),
    ],
)
def test_an_invalid_page_list_is_a_config_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_page_list(write(tmp_path, text))
    assert message in str(error.value)


def test_a_missing_page_list_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"does not exist.*MARKET_PAGES_FILE"):
        load_page_list(tmp_path / "nope.yaml")


# --- write_capture / read_sidecar -------------------------------------------------------------

# 23:30:05 UTC on 17 Oct 2024 is 04:30:05 on 18 Oct in Karachi (UTC+5).
FETCHED_AT = dt.datetime(2024, 10, 17, 23, 30, 5, 123456, tzinfo=dt.UTC)


def outcome(body: bytes, *, content_type: str | None = "text/html") -> FetchOutcome:
    return FetchOutcome(
        url="https://brecorder.com/",
        ok=True,
        final_url="https://www.brecorder.com/",
        status_code=200,
        fetched_at=FETCHED_AT,
        body=body,
        reason=None,
        attempts=1,
        content_type=content_type,
    )


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
