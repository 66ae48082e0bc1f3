"""Fetching one URL from the loopback page server with tiny timeouts, for the fetch tests."""

from __future__ import annotations

import socket

from dagster_project.core.fetch.http import FetchOutcome, fetch_page, make_client
from dagster_project.core.fetch.policy import FetchPolicy
from tests.page_server import CAP

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
    """Fetch ``url`` over a client of ``policy``; the waits asked for go to ``sleeps``, unslept."""
    with make_client(policy) as client:
        return fetch_page(
            url, client=client, policy=policy, sleep=(sleeps if sleeps is not None else []).append
        )
