"""One GET over the fetch client: redirects followed hop by hop, bodies read up to a cap.

Redirects are followed here, not by httpx, so each hop is checked (``site.redirect_refusal``),
stripped of any credentials and, through ``before``, checked against robots.txt. A timeout that
the total deadline caused is reported as such, naming what was under way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator

import httpx

from dagster_project.core.fetch.guard import deadline_expired
from dagster_project.core.fetch.policy import FetchPolicy
from dagster_project.core.fetch.retry_after import retry_after_seconds
from dagster_project.core.fetch.site import redact, redirect_refusal

_RETRY_AFTER_STATUSES = frozenset({429, 503})


class Failed(Exception):
    """A failed attempt: why, whether another may help, the status, URL and Retry-After it got."""

    def __init__(
        self,
        reason: str,
        *,
        retry: bool,
        status: int | None = None,
        url: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason, self.retry, self.status, self.url = reason, retry, status, url
        self.retry_after = retry_after


class RedirectRefused(Failed):
    """A redirect not followed: another site, a downgrade, a bad Location, too many hops."""


def retry_after_of(response: httpx.Response) -> float | None:
    """The seconds a 429 or 503 ``response`` asks to wait (``Retry-After``), or None."""
    if response.status_code not in _RETRY_AFTER_STATUSES:
        return None
    header = response.headers.get("Retry-After")
    return retry_after_seconds(header, now=dt.datetime.now(dt.UTC))


def http_failure(response: httpx.Response, reason: str, *, retry: bool) -> Failed:
    """``reason`` for ``response``, with its status, URL and Retry-After."""
    url = redact(str(response.url))
    wait = retry_after_of(response)
    return Failed(reason, retry=retry, status=response.status_code, url=url, retry_after=wait)


def _out_of_time(policy: FetchPolicy, doing: str) -> Failed:
    return Failed(f"total timeout of {policy.total_timeout:g} s exceeded while {doing}", retry=True)


@contextlib.contextmanager
def _opened(
    url: httpx.URL, *, client: httpx.Client, policy: FetchPolicy, what: str
) -> Iterator[httpx.Response]:
    try:
        response = client.send(client.build_request("GET", url), stream=True)
    except httpx.TimeoutException as exc:
        if not deadline_expired():
            raise
        connecting = isinstance(exc, httpx.ConnectTimeout)
        doing = f"connecting to {url.host}" if connecting else f"waiting for the headers of {what}"
        raise _out_of_time(policy, doing) from exc
    try:
        yield response
    finally:
        response.close()


def _next_hop(response: httpx.Response, *, home: httpx.URL, policy: FetchPolicy) -> httpx.URL:
    status, source = response.status_code, response.url
    shown = redact(str(source))
    try:
        target = source.join(response.headers["Location"])
    except httpx.InvalidURL as exc:
        reason = f"invalid redirect Location: {exc}"
        raise RedirectRefused(reason, retry=False, status=status, url=shown) from exc
    if target.userinfo:  # never send credentials a server handed us
        target = target.copy_with(userinfo=b"")
    if refusal := redirect_refusal(source, target, home=home, policy=policy):
        raise RedirectRefused(refusal, retry=False, status=status, url=shown)
    return target


def _nothing(url: httpx.URL) -> None:
    pass


@contextlib.contextmanager
def follow(
    url: httpx.URL,
    *,
    client: httpx.Client,
    policy: FetchPolicy,
    home: httpx.URL,
    what: str = "the page",
    before: Callable[[httpx.URL], None] = _nothing,
) -> Iterator[httpx.Response]:
    """GET ``url`` and follow its redirects; yield the first response that is not one.

    ``home`` is the configured page (redirects stay on its site); ``before`` sees each URL
    before it is requested and may raise ``Failed``; ``what`` names the document in reasons.

    Raises:
        RedirectRefused: a redirect that may not be followed, or more than the policy allows.
        Failed: the total deadline passed (or what ``before`` raises).
        httpx.HTTPError: any other network or protocol failure.
    """
    current = url
    for _hop in range(policy.max_redirects + 1):
        before(current)
        with _opened(current, client=client, policy=policy, what=what) as response:
            if not response.is_redirect:
                yield response
                return
            current = _next_hop(response, home=home, policy=policy)
    reason = f"too many redirects ({policy.max_redirects})"
    raise RedirectRefused(reason, retry=False, url=redact(str(current)))


def read_capped(
    response: httpx.Response,
    *,
    cap: int,
    policy: FetchPolicy,
    what: str = "the page",
    truncate: bool = False,
) -> bytes:
    """The body of ``response``, read no further than ``cap`` bytes.

    Raises:
        Failed: the body is larger than ``cap`` (unless ``truncate``: its first ``cap`` bytes
            are returned), or the total deadline passed while reading it.
    """
    declared = response.headers.get("Content-Length", "")
    if not truncate and declared.isdigit() and int(declared) > cap:
        raise Failed(f"body exceeds {cap}-byte cap (Content-Length {declared})", retry=False)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            if deadline_expired():  # the guard cuts slow reads; this, a client without it
                raise _out_of_time(policy, f"reading the body of {what}")
            if size + len(chunk) > cap:
                if not truncate:
                    raise Failed(f"body exceeds {cap}-byte cap", retry=False)
                chunks.append(chunk[: cap - size])
                break
            size += len(chunk)
            chunks.append(chunk)
    except httpx.TimeoutException as exc:
        if not deadline_expired():
            raise
        raise _out_of_time(policy, f"reading the body of {what}") from exc
    return b"".join(chunks)
