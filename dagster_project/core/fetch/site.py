"""The configured page's site, which redirects stay within, and URLs shown without credentials.

A redirect is followed only to the page's own host, give or take a leading ``www.``
(``brecorder.com`` and ``www.brecorder.com`` are one site), or to a host the policy lists in
``allowed_hosts``; never from https to http. Other subdomains are other sites unless listed:
without a public-suffix list the registrable domain cannot be told reliably.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

import httpx

from dagster_project.core.fetch.policy import SCHEMES, FetchPolicy


def redact(url: str) -> str:
    """``url`` without its credentials (``user:password@``); any other URL as it is."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _site(host: str) -> str:
    name = host.strip("[]").rstrip(".").lower()
    return name.removeprefix("www.")


def same_site(host: str, home_host: str, *, allowed_hosts: Iterable[str] = ()) -> bool:
    """Whether ``host`` is the site of ``home_host`` (up to ``www.``) or an allowed host."""
    site = _site(host)
    return site == _site(home_host) or site in {_site(allowed) for allowed in allowed_hosts}


def redirect_refusal(
    source: httpx.URL, target: httpx.URL, *, home: httpx.URL, policy: FetchPolicy
) -> str | None:
    """Why the redirect from ``source`` to ``target`` is not followed, or None when it is.

    ``home`` is the configured page, whose site the redirect must stay on.
    """
    if target.scheme not in SCHEMES:
        return f"redirect to unsupported scheme {target.scheme!r}"
    if source.scheme == "https" and target.scheme == "http":
        return f"redirect from https to http refused: {redact(str(target))}"
    if not same_site(target.host, home.host, allowed_hosts=policy.allowed_hosts):
        return f"redirect to another site refused: {redact(str(target))}"
    return None
