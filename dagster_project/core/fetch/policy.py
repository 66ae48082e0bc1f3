"""How patient and how permissive fetching is, and which URLs may be fetched at all."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from dagster_project.core.errors import ConfigError

DEFAULT_USER_AGENT = (
    "market-snapshots/0.1 (PSX ticker archiver; +https://github.com/market-snapshots)"
)
SCHEMES = ("http", "https")


@dataclass(frozen=True)
class FetchPolicy:
    """How patient and how permissive one fetch is.

    Attributes:
        connect_timeout: Seconds to establish a connection.
        read_timeout: Seconds to wait for any single read from the server.
        total_timeout: Seconds one attempt (redirects and body included) may take in all, so a
            server trickling bytes slower than ``read_timeout`` cannot hold a fetch forever.
        attempts: Attempts per URL (1 = no retries).
        backoff: Seconds before the 2nd attempt; doubled before each later one.
        max_bytes: Largest body accepted; reading stops as soon as it is exceeded.
        max_redirects: Redirects followed before giving up.
        user_agent: The ``User-Agent`` header sent.
    """

    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    attempts: int = 3
    backoff: float = 1.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.max_bytes < 1 or self.max_redirects < 0:
            raise ConfigError("attempts and max_bytes must be positive, max_redirects >= 0")
        if min(self.connect_timeout, self.read_timeout, self.total_timeout) <= 0:
            raise ConfigError("timeouts must be positive")
        if self.backoff < 0:
            raise ConfigError("backoff must not be negative")


def scheme_error(url: str) -> str | None:
    """Why ``url`` cannot be fetched (not http or https, or no host), or None when it can."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        return f"unsupported scheme {parts.scheme.lower()!r}: only http and https"
    if not parts.hostname:
        return "URL has no host"
    return None
