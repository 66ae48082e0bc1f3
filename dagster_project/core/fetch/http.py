"""Fetching one page, or a list of them, over HTTP: politely, safely, within one deadline.

``fetch_page`` never raises for network or HTTP problems: the returned ``FetchOutcome`` says what
happened. Retries (with exponential backoff) cover timeouts, connection errors, an unreachable
robots.txt, HTTP 408, 429 and 5xx; a ``Retry-After`` on 429 or 503 is waited for instead when
it is longer, unless it is beyond ``FetchPolicy.max_retry_after`` or past the deadline (then the
fetch ends there). Every other failure is final at once. The policy's ``total_timeout`` holds
for the whole fetch of a page, robots.txt and retries included (see ``guard``).

Politeness and safety (see ``request``, ``robots``, ``site`` and ``addresses``): robots.txt is
read once per site in a run and honoured, redirects stay on the configured page's site and never
go from https to http, only public addresses are connected to unless the configured URL itself
is local or the policy allows it, and no URL an outcome carries has credentials in it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from dagster_project.core.fetch.addresses import AddressRefused, is_local_host
from dagster_project.core.fetch.guard import GuardedTransport, exchange, time_left
from dagster_project.core.fetch.policy import FetchPolicy, scheme_error
from dagster_project.core.fetch.request import Failed, follow, http_failure, read_capped
from dagster_project.core.fetch.robots import RobotsCache
from dagster_project.core.fetch.site import redact

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
    """What fetching one URL gave: a body (``ok``) or the reason there is none.

    ``url`` and ``final_url`` never carry credentials (``user:password@`` is dropped).
    """

    url: str
    ok: bool
    final_url: str
    status_code: int | None
    fetched_at: dt.datetime
    body: bytes | None
    reason: str | None
    attempts: int
    content_type: str | None = None


def make_client(policy: FetchPolicy) -> httpx.Client:
    """An ``httpx.Client`` with the policy's timeouts and User-Agent over the guarded transport.

    Redirects are ours; environment proxies are not used (the address checks need the
    connection to go to the address checked).
    """
    timeout = httpx.Timeout(
        connect=policy.connect_timeout,
        read=policy.read_timeout,
        write=policy.read_timeout,
        pool=policy.connect_timeout,
    )
    headers = {"User-Agent": policy.user_agent, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.1"}
    transport = GuardedTransport(allow_private_addresses=policy.allow_private_addresses)
    return httpx.Client(
        timeout=timeout, headers=headers, follow_redirects=False, transport=transport
    )


def _attempt(
    home: httpx.URL, client: httpx.Client, policy: FetchPolicy, robots: RobotsCache
) -> tuple[httpx.Response, bytes]:
    """One GET of the page, robots.txt checked before each hop; raises ``Failed`` with a reason."""

    def check_robots(url: httpx.URL) -> None:
        if refusal := robots.refusal(url, client=client, policy=policy, home=home):
            raise Failed(refusal, retry=False, url=redact(str(url)))

    with follow(home, client=client, policy=policy, home=home, before=check_robots) as response:
        status = response.status_code
        if not response.is_success:
            reason = f"HTTP {status} {response.reason_phrase}".rstrip()
            retry = status >= 500 or status in _RETRY_STATUSES
            raise http_failure(response, reason, retry=retry)
        media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media and not media.startswith("text/") and media not in _TEXT_TYPES:
            raise http_failure(response, f"unsupported content type {media!r}", retry=False)
        body = read_capped(response, cap=policy.max_bytes, policy=policy)
        if not body:
            raise http_failure(response, f"empty body (HTTP {status})", retry=False)
        return response, body


def _failure(exc: Exception) -> Failed:
    if isinstance(exc, Failed):
        return exc
    if isinstance(exc, AddressRefused):
        return Failed(str(exc), retry=False)
    for kind, text in _TIMEOUT_KINDS.items():
        if isinstance(exc, kind):
            return Failed(text, retry=True)
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
        return Failed(f"connection failed: {detail}", retry=True)
    return Failed(f"{type(exc).__name__}: {detail}", retry=False)


def _wait_before_retry(failure: Failed, attempt: int, policy: FetchPolicy) -> float | str:
    """Seconds to wait before the next attempt, or why there is none (a note for the reason)."""
    wait = policy.backoff * 2.0 ** (attempt - 1)
    if failure.retry_after is not None:
        if failure.retry_after > policy.max_retry_after:
            limit = policy.max_retry_after
            return f"Retry-After {failure.retry_after:g} s is more than the {limit:g} s allowed"
        wait = max(wait, failure.retry_after)
    left = time_left()
    if left is not None and wait >= left:
        past = f"would pass the total timeout of {policy.total_timeout:g} s"
        if failure.retry_after is not None and failure.retry_after >= left:
            return f"Retry-After {failure.retry_after:g} s {past}"
        return f"the next attempt {past}"
    return wait


def _failed(
    url: str, failure: Failed, *, attempts: int, fetched_at: dt.datetime, note: str | None = None
) -> FetchOutcome:
    reason = failure.reason
    if failure.retry:
        reason += f" after {attempts} attempt{'s' if attempts > 1 else ''}"
        if note:
            reason += f" ({note})"
    return FetchOutcome(
        url=url,
        ok=False,
        final_url=failure.url or url,
        status_code=failure.status,
        fetched_at=fetched_at,
        body=None,
        reason=reason,
        attempts=attempts,
    )


def _with_retries(
    home: httpx.URL,
    *,
    client: httpx.Client,
    policy: FetchPolicy,
    sleep: Callable[[float], None],
    robots: RobotsCache,
) -> FetchOutcome:
    shown = redact(str(home))
    failure = Failed("not attempted", retry=False)
    note: str | None = None
    attempt = 0
    fetched_at = dt.datetime.now(dt.UTC)
    for attempt in range(1, policy.attempts + 1):
        fetched_at = dt.datetime.now(dt.UTC)
        try:
            response, body = _attempt(home, client, policy, robots)
        except (Failed, AddressRefused, httpx.HTTPError, httpx.InvalidURL) as exc:
            failure = _failure(exc)
        else:
            return FetchOutcome(
                url=shown,
                ok=True,
                final_url=redact(str(response.url)),
                status_code=response.status_code,
                fetched_at=fetched_at,
                body=body,
                reason=None,
                attempts=attempt,
                content_type=response.headers.get("Content-Type"),
            )
        if not failure.retry or attempt == policy.attempts or (time_left() or 0.0) <= 0:
            break
        wait = _wait_before_retry(failure, attempt, policy)
        if isinstance(wait, str):
            note = wait
            break
        sleep(wait)
    return _failed(shown, failure, attempts=attempt, fetched_at=fetched_at, note=note)


def fetch_page(
    url: str,
    *,
    client: httpx.Client,
    policy: FetchPolicy,
    sleep: Callable[[float], None] = time.sleep,
    robots: RobotsCache | None = None,
) -> FetchOutcome:
    """Fetch one page; never raises for network or HTTP problems (see ``FetchOutcome.reason``).

    ``client`` comes from ``make_client`` (the deadline and address checks live in its
    transport); ``robots`` carries robots.txt rules between the pages of one run. The page's
    host may resolve to a non-public address when its URL itself is local (``is_local_host``).
    """
    error = scheme_error(url)
    try:
        home = None if error else httpx.URL(url)
    except httpx.InvalidURL as exc:
        home, error = None, f"invalid URL: {exc}"
    if home is None:
        failure = Failed(error or "invalid URL", retry=False)
        return _failed(redact(url), failure, attempts=0, fetched_at=dt.datetime.now(dt.UTC))
    trusted = home.raw_host.decode("ascii").lower() if is_local_host(home.host) else None
    with exchange(deadline=time.monotonic() + policy.total_timeout, trusted_host=trusted):
        return _with_retries(
            home,
            client=client,
            policy=policy,
            sleep=sleep,
            robots=robots if robots is not None else RobotsCache(),
        )


def fetch_all(
    urls: Sequence[str],
    *,
    policy: FetchPolicy,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[FetchOutcome]:
    """Fetch each URL independently over one client; outcomes are in the order of ``urls``.

    robots.txt is read once per site for the whole list.
    """
    robots = RobotsCache()
    if client is not None:
        return [
            fetch_page(u, client=client, policy=policy, sleep=sleep, robots=robots) for u in urls
        ]
    with make_client(policy) as own:
        return [fetch_page(u, client=own, policy=policy, sleep=sleep, robots=robots) for u in urls]
