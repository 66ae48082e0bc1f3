"""A loopback HTTP server with the pages the fetch tests need (404, flaky, slow, huge, loops)."""

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
}


class PageServer(ThreadingHTTPServer):
    """The fixture pages on 127.0.0.1, on a free port, in a daemon thread."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self.user_agents: list[str] = []
        self.sent_bytes = 0

    def url(self, path: str) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}{path}"


@pytest.fixture
def server() -> Iterator[PageServer]:
    httpd = PageServer()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
