"""Fetching one page, or a list of them, over HTTP with retries.

``fetch_page`` never raises for network or HTTP problems: the returned ``FetchOutcome`` says what
happened. Retries (with exponential backoff) cover timeouts, connection errors, HTTP 408, 429 and
5xx; every other failure is final at once. Redirects are followed here, not by httpx, so each hop
is checked. Bodies are streamed and reading stops at the size cap.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from dagster_project.core.fetch.policy import SCHEMES, FetchPolicy, scheme_error

_RETRY_STATUSES = frozenset({408, 429})
_TEXT_TYPES = ("application/xhtml+xml", "application/xml")
_TIMEOUT_KINDS: dict[type[httpx.TimeoutException], str] = {
    httpx.ConnectTimeout: "connect timed out",
    httpx.ReadTimeout: "read timed out",
    httpx.WriteTimeout: "write timed out",
    httpx.PoolTimeout: "connection pool timed out",
}


@dataclass(frozen=True)
class FetchOutcome:
    """What fetching one URL gave: a body (``ok``) or the reason there is none."""

    url: str
    ok: bool
    final_url: str
    status_code: int | None
    fetched_at: dt.datetime
    body: bytes | None
    reason: str | None
    attempts: int
    content_type: str | None = None


class _Failed(Exception):
    """A failed attempt: why, whether another attempt may help, and the status and URL it got."""

    def __init__(self, reason: str, *, retry: bool, status: int | None = None, url: str = ""):
        super().__init__(reason)
        self.reason, self.retry, self.status, self.url = reason, retry, status, url


def make_client(policy: FetchPolicy) -> httpx.Client:
    """An ``httpx.Client`` with the policy's timeouts and User-Agent; redirects are ours."""
    timeout = httpx.Timeout(
        connect=policy.connect_timeout,
        read=policy.read_timeout,
        write=policy.read_timeout,
        pool=policy.connect_timeout,
    )
    headers = {"User-Agent": policy.user_agent, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.1"}
    return httpx.Client(timeout=timeout, headers=headers, follow_redirects=False)


def _read_capped(response: httpx.Response, policy: FetchPolicy, deadline: float) -> bytes:
    cap = policy.max_bytes
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > cap:
        raise _Failed(f"body exceeds {cap}-byte cap (Content-Length {declared})", retry=False)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > cap:
            raise _Failed(f"body exceeds {cap}-byte cap", retry=False)
        if time.monotonic() > deadline:
            raise _Failed(f"response not complete within {policy.total_timeout:g}s", retry=True)
        chunks.append(chunk)
    return b"".join(chunks)


def _attempt(url: str, client: httpx.Client, policy: FetchPolicy) -> tuple[httpx.Response, bytes]:
    """One GET, following redirects ourselves; raises ``_Failed`` with a reason."""
    deadline = time.monotonic() + policy.total_timeout
    current = httpx.URL(url)
    for _hop in range(policy.max_redirects + 1):
        if time.monotonic() > deadline:
            raise _Failed(f"response not complete within {policy.total_timeout:g}s", retry=True)
        with client.stream("GET", current) as response:
            status = response.status_code
            if response.is_redirect:
                try:
                    current = response.url.join(response.headers["Location"])
                except httpx.InvalidURL as exc:
                    raise _Failed(f"invalid redirect Location: {exc}", retry=False) from exc
                if current.scheme not in SCHEMES:
                    reason = f"redirect to unsupported scheme {current.scheme!r}"
                    raise _Failed(reason, retry=False, status=status, url=str(response.url))
                continue
            final = str(response.url)
            if not response.is_success:
                reason = f"HTTP {status} {response.reason_phrase}".rstrip()
                retry = status >= 500 or status in _RETRY_STATUSES
                raise _Failed(reason, retry=retry, status=status, url=final)
            media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if media and not media.startswith("text/") and media not in _TEXT_TYPES:
                reason = f"unsupported content type {media!r}"
                raise _Failed(reason, retry=False, status=status, url=final)
            body = _read_capped(response, policy, deadline)
            if not body:
                raise _Failed(f"empty body (HTTP {status})", retry=False, status=status, url=final)
            return response, body
    raise _Failed(f"too many redirects ({policy.max_redirects})", retry=False, url=str(current))


def _transport_reason(exc: httpx.TransportError) -> tuple[str, bool]:
    for kind, text in _TIMEOUT_KINDS.items():
        if isinstance(exc, kind):
            return text, True
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
        return f"connection failed: {detail}", True
    return f"{type(exc).__name__}: {detail}", False


def fetch_page(
    url: str,
    *,
    client: httpx.Client,
    policy: FetchPolicy,
    sleep: Callable[[float], None] = time.sleep,
) -> FetchOutcome:
    """Fetch one page; never raises for network or HTTP problems (see ``FetchOutcome.reason``)."""
    if error := scheme_error(url):
        return FetchOutcome(
            url=url,
            ok=False,
            final_url=url,
            status_code=None,
            fetched_at=dt.datetime.now(dt.UTC),
            body=None,
            reason=error,
            attempts=0,
        )
    failure = _Failed("not attempted", retry=False)
    attempt = 0
    fetched_at = dt.datetime.now(dt.UTC)
    for attempt in range(1, policy.attempts + 1):
        if attempt > 1:
            sleep(policy.backoff * 2 ** (attempt - 2))
        fetched_at = dt.datetime.now(dt.UTC)
        try:
            response, body = _attempt(url, client, policy)
        except _Failed as exc:
            failure = exc
        except httpx.TransportError as exc:
            reason, retry = _transport_reason(exc)
            failure = _Failed(reason, retry=retry)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            failure = _Failed(f"{type(exc).__name__}: {exc}", retry=False)
        else:
            return FetchOutcome(
                url=url,
                ok=True,
                final_url=str(response.url),
                status_code=response.status_code,
                fetched_at=fetched_at,
                body=body,
                reason=None,
                attempts=attempt,
                content_type=response.headers.get("Content-Type"),
            )
        if not failure.retry:
            break
    reason = failure.reason
    if failure.retry:
        reason += f" after {attempt} attempt{'s' if attempt > 1 else ''}"
    return FetchOutcome(
        url=url,
        ok=False,
        final_url=failure.url or url,
        status_code=failure.status,
        fetched_at=fetched_at,
        body=None,
        reason=reason,
        attempts=attempt,
    )


def fetch_all(
    urls: Sequence[str],
    *,
    policy: FetchPolicy,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[FetchOutcome]:
    """Fetch each URL independently over one client; outcomes are in the order of ``urls``."""
    if client is not None:
        return [fetch_page(url, client=client, policy=policy, sleep=sleep) for url in urls]
    with make_client(policy) as own:
        return [fetch_page(url, client=own, policy=policy, sleep=sleep) for url in urls]
