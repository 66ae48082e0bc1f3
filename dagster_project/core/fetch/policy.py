"""How patient and how permissive fetching is, and which URLs may be fetched at all.

What every fetch does whatever the policy: it reads and honours the site's robots.txt (see
``robots``), follows redirects only within the configured page's site and never from https to
http (see ``site``), connects only to public addresses unless the configured URL itself is local
(see ``addresses``), and stores no URL with credentials in it.
"""

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
        total_timeout: Seconds one page's fetch may take in all: robots.txt, connecting,
            headers, body, redirects, every attempt and the waits between them. Enforced at
            the deadline itself, so a server trickling bytes cannot hold a fetch past it.
        attempts: Attempts per URL (1 = no retries).
        backoff: Seconds before the 2nd attempt; doubled before each later one.
        max_bytes: Largest body accepted; reading stops as soon as it is exceeded.
        max_redirects: Redirects followed before giving up.
        user_agent: The ``User-Agent`` header sent; its first word is our robots.txt name.
        max_retry_after: The longest ``Retry-After`` (on 429 and 503) waited for; a server
            asking for longer, or past the total timeout, ends the fetch instead.
        allowed_hosts: Hosts a redirect may go to besides the configured page's own (which
            includes its ``www.``/bare twin).
        allow_private_addresses: Whether any host may resolve to a loopback, private,
            link-local or otherwise non-public address. Without it only a configured page
            whose URL itself is local (``localhost``, ``127.0.0.1``, ``10.1.2.3``...) may,
            and only on its own host.
    """

    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    attempts: int = 3
    backoff: float = 1.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    max_retry_after: float = 30.0
    allowed_hosts: tuple[str, ...] = ()
    allow_private_addresses: bool = False

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.max_bytes < 1 or self.max_redirects < 0:
            raise ConfigError("attempts and max_bytes must be positive, max_redirects >= 0")
        if min(self.connect_timeout, self.read_timeout, self.total_timeout) <= 0:
            raise ConfigError("timeouts must be positive")
        if self.backoff < 0 or self.max_retry_after < 0:
            raise ConfigError("backoff and max_retry_after must not be negative")
        if isinstance(self.allowed_hosts, str):
            raise ConfigError("allowed_hosts must be a list of host names, not one string")


def scheme_error(url: str) -> str | None:
    """Why ``url`` cannot be fetched (not http or https, or no host), or None when it can."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        return f"unsupported scheme {parts.scheme.lower()!r}: only http and https"
    if not parts.hostname:
        return "URL has no host"
    return None
