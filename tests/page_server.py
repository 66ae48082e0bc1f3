"""A loopback HTTP server with the pages the fetch tests need (404, flaky, slow, huge, loops).

Also what the politeness and safety tests need: a ``/robots.txt`` set per test
(``server.robots_txt``, ``server.robots_status``; by default a 404), redirects to other spellings of
this host (``localhost``, decimal and hex IPs, with credentials), pages answering 503 or 429 once
with a ``Retry-After`` (``server.retry_after``), and headers that trickle in byte by byte.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CAPTURES = Path(__file__).resolve().parent / "fixtures" / "captures"
HTML_PAGE = (CAPTURES / "ticker_strip.html").read_bytes()
TEXT_PAGE = (CAPTURES / "brecorder_2024-10-18.txt").read_bytes()
CAP = 32 * 1024


Route = Callable[["_Handler"], None]


class _Handler(BaseHTTPRequestHandler):
    server: PageServer

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        with self.server.lock:
            self.server.hits[path] += 1
            self.server.user_agents.append(self.headers.get("User-Agent", ""))
            self.server.authorizations.append(self.headers.get("Authorization", ""))
        route = ROUTES.get(path)
        if route is None:
            self.send_error(404, "Not Found")
            return
        # The client may give up early (timeout or size cap): that is expected.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            route(self)

    def reply(self, body: bytes, *, content_type: str = "text/html; charset=utf-8") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, status: int = 302) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def retry_later(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Retry-After", self.server.retry_after)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def _flaky(handler: _Handler) -> None:
    if handler.server.hits["/flaky"] == 1:
        handler.send_error(500, "Internal Server Error")
    else:
        handler.reply(HTML_PAGE)


def _slow(handler: _Handler) -> None:
    time.sleep(0.8)  # past POLICY.read_timeout
    handler.reply(HTML_PAGE)


def _endless(handler: _Handler) -> None:
    """A body with no Content-Length that never ends (up to 64 MB): only the cap stops it."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    chunk = b"<p>" + b"x" * 65_530 + b"</p>"
    for _ in range(1024):
        handler.wfile.write(chunk)
        handler.server.sent_bytes += len(chunk)


def _trickle(handler: _Handler) -> None:
    """Each byte arrives within the read timeout, but the whole body takes far longer."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "100")
    handler.end_headers()
    for _ in range(100):
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(0.05)


def _trickle_headers(handler: _Handler) -> None:
    """Each header byte arrives within the read timeout, but the headers take 3 s in all."""
    handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: ")
    for _ in range(30):
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(0.1)
    handler.wfile.write(b"\r\nContent-Length: 2\r\n\r\nok")


def _busy_once(status: int) -> Route:
    """``status`` with a ``Retry-After`` on the first request, the page on later ones."""

    def route(handler: _Handler) -> None:
        if handler.server.hits[handler.path.split("?")[0]] == 1:
            handler.retry_later(status)
        else:
            handler.reply(HTML_PAGE)

    return route


def _robots(handler: _Handler) -> None:
    robots, status = handler.server.robots_txt, handler.server.robots_status
    if status != 200:
        handler.send_error(status)
    elif robots is None:
        handler.send_error(404, "Not Found")
    else:
        handler.reply(robots, content_type="text/plain")


def _redirect_to_host(host: str, path: str = "/home.html") -> Route:
    return lambda h: h.redirect(h.server.url(path, host=host))


ROUTES: dict[str, Route] = {
    "/home.html": lambda h: h.reply(HTML_PAGE),
    "/ticker.txt": lambda h: h.reply(TEXT_PAGE, content_type="text/plain; charset=utf-8"),
    "/missing": lambda h: h.send_error(404, "Not Found"),
    "/flaky": _flaky,
    "/down": lambda h: h.send_error(503, "Service Unavailable"),
    "/slow": _slow,
    "/big": lambda h: h.reply(b"x" * (CAP + 1)),
    "/endless": _endless,
    "/trickle": _trickle,
    "/loop": lambda h: h.redirect("/loop"),
    "/moved": lambda h: h.redirect("/home.html", 301),
    "/to-ftp": lambda h: h.redirect("ftp://127.0.0.1/page.html"),
    "/image": lambda h: h.reply(b"\x89PNG\r\n", content_type="image/png"),
    "/empty": lambda h: h.reply(b""),
    "/trickle-headers": _trickle_headers,
    "/busy": _busy_once(503),
    "/throttled": _busy_once(429),
    "/robots.txt": _robots,
    "/to-localhost": _redirect_to_host("localhost"),
    "/to-decimal-ip": _redirect_to_host("2130706433"),
    "/to-hex-ip": _redirect_to_host("0x7f000001"),
    "/to-userinfo": _redirect_to_host("user:secret@127.0.0.1"),
    "/to-userinfo-missing": _redirect_to_host("user:secret@127.0.0.1", "/missing"),
    "/to-plain-http": lambda h: h.redirect(h.server.url("/home.html", scheme="http")),
}


class PageServer(ThreadingHTTPServer):
    """The fixture pages on 127.0.0.1, on a free port, in a daemon thread."""

    daemon_threads = True

    def __init__(self, *, scheme: str = "http") -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.scheme = scheme  # "https": the caller wraps the socket in TLS
        self.lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self.user_agents: list[str] = []
        self.authorizations: list[str] = []
        self.sent_bytes = 0
        self.robots_txt: bytes | None = None
        self.robots_status = 200
        self.retry_after = "1"

    def url(self, path: str, *, host: str | None = None, scheme: str | None = None) -> str:
        """``path`` on this server; ``host``: another spelling of it (``localhost``, ...)."""
        address, port = self.server_address[:2]
        return f"{scheme or self.scheme}://{host or address!s}:{port}{path}"


@contextlib.contextmanager
def serving(httpd: PageServer) -> Iterator[PageServer]:
    """``httpd`` serving in a daemon thread for the duration of the block."""
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def server() -> Iterator[PageServer]:
    with serving(PageServer()) as httpd:
        yield httpd
