"""Fixtures of the fetch tests over TLS: the page server on https, and a port that never answers.

``loopback_tls.pem`` is a self-signed certificate (and its key) for 127.0.0.1, valid 2000-2100,
made for these tests only; the client trusts it through ``SSL_CERT_FILE``, as httpx reads it.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.page_server import PageServer, serving

TLS_PEM = Path(__file__).with_name("loopback_tls.pem")


@pytest.fixture
def tls_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[PageServer]:
    """The fixture pages on https://127.0.0.1, its certificate trusted by the fetch client."""
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS_PEM))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    httpd = PageServer(scheme="https")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(TLS_PEM)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    with serving(httpd):
        yield httpd


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port on 127.0.0.1 that takes TCP connections (the kernel's backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]
