"""Fetching pages over HTTP into capture files under the raw dir.

``fetch_page`` never raises for network or HTTP problems: the returned ``FetchOutcome`` says what
happened. Retries (with exponential backoff) cover timeouts, connection errors, HTTP 408, 429 and
5xx; every other failure is final at once. Bodies are streamed and reading stops at the size cap.

``write_capture`` stores a fetched body as ``<raw>/fetched/YYYY/MM/DD/<file>`` (date and time in
Asia/Karachi) with the fetch time as its modification time, plus a hidden JSON sidecar
``.<file>.json`` recording the URL and fetch time; ``read_sidecar`` reads it back.

The page list is YAML with one documented shape::

    pages:
      - url: https://www.brecorder.com/
        name: home          # optional: [a-z0-9-], used in file names and reports
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import yaml  # type: ignore[import-untyped]

from dagster_project.core.errors import ConfigError
from dagster_project.core.market_time import PKT

FETCHED_SUBDIR = "fetched"
DEFAULT_USER_AGENT = (
    "market-snapshots/0.1 (PSX ticker archiver; +https://github.com/market-snapshots)"
)
_SCHEMES = ("http", "https")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_RETRY_STATUSES = frozenset({408, 429})
_TEXT_TYPES = ("application/xhtml+xml", "application/xml")
_HTML_SNIFF = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_TIMEOUT_KINDS: dict[type[httpx.TimeoutException], str] = {
    httpx.ConnectTimeout: "connect timed out",
    httpx.ReadTimeout: "read timed out",
    httpx.WriteTimeout: "write timed out",
    httpx.PoolTimeout: "connection pool timed out",
}


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


@dataclass(frozen=True)
class Page:
    """One configured page: its URL and an optional short name."""

    url: str
    name: str | None = None


@dataclass(frozen=True)
class FetchSidecar:
    """The facts recorded beside a fetched capture file."""

    url: str
    final_url: str
    status_code: int | None
    fetched_at: dt.datetime
    sha256: str
    byte_size: int
    content_type: str | None = None
    name: str | None = None


class _Failed(Exception):
    def __init__(self, reason: str, *, retry: bool, status: int | None = None, url: str = ""):
        super().__init__(reason)
        self.reason, self.retry, self.status, self.url = reason, retry, status, url


def _scheme_error(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in _SCHEMES:
        return f"unsupported scheme {parts.scheme.lower()!r}: only http and https"
    if not parts.hostname:
        return "URL has no host"
    return None


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
                if current.scheme not in _SCHEMES:
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
    if error := _scheme_error(url):
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


def _url_key(url: str) -> str:
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path or '/'}{query}"


def _page(entry: Any, where: str) -> Page:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a mapping with 'url' (and optional 'name')")
    unknown = sorted(str(key) for key in set(entry) - {"url", "name"})
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}")
    url, name = entry.get("url"), entry.get("name")
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(f"{where}: 'url' must be a non-empty string")
    if error := _scheme_error(url.strip()):
        raise ConfigError(f"{where}: {url.strip()!r}: {error}")
    if name is not None and not (isinstance(name, str) and _NAME.fullmatch(name)):
        raise ConfigError(f"{where}: 'name' must match [a-z0-9][a-z0-9-]*, got {name!r}")
    return Page(url=url.strip(), name=name)


def load_page_list(path: Path) -> list[Page]:
    """Read and validate the page list (shape in the module docstring).

    Raises:
        ConfigError: missing or unreadable file, bad YAML, wrong shape, a URL that is not
            http(s), a duplicate URL or name.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"pages file {path} does not exist (set MARKET_PAGES_FILE)") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"pages file {path} cannot be read: {exc}") from exc
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"pages file {path} is not valid YAML: {exc}") from exc
    entries = document.get("pages") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"pages file {path}: expected a top-level 'pages:' list")
    pages: list[Page] = []
    seen_urls: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for number, entry in enumerate(entries, start=1):
        page = _page(entry, f"pages file {path}, entry {number}")
        key = _url_key(page.url)
        if key in seen_urls:
            raise ConfigError(
                f"pages file {path}: entry {number} repeats the URL of entry {seen_urls[key]}"
            )
        if page.name is not None and page.name in seen_names:
            raise ConfigError(
                f"pages file {path}: entry {number} repeats the name of entry "
                f"{seen_names[page.name]} ({page.name!r})"
            )
        seen_urls[key] = number
        if page.name is not None:
            seen_names[page.name] = number
        pages.append(page)
    return pages


def _suffix(body: bytes, content_type: str | None) -> str:
    media = (content_type or "").split(";")[0].strip().lower()
    is_plain = media == "text/plain" and not _HTML_SNIFF.search(body, 0, 1024)
    return ".txt" if is_plain else ".html"


def sidecar_path(capture_path: Path) -> Path:
    """Where the hidden JSON sidecar of ``capture_path`` lives."""
    return capture_path.with_name(f".{capture_path.name}.json")


def _write_atomic(target: Path, data: bytes, *, mtime_ns: int | None, replace: bool) -> None:
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        temp.write_bytes(data)
        if mtime_ns is not None:
            os.utime(temp, ns=(mtime_ns, mtime_ns))
        if replace:
            os.replace(temp, target)
        else:
            os.link(temp, target)  # fails if target exists: never overwrites
    finally:
        temp.unlink(missing_ok=True)


def write_capture(outcome: FetchOutcome, raw_dir: Path, *, name: str | None = None) -> Path:
    """Write a successful fetch under ``<raw_dir>/fetched/YYYY/MM/DD/`` and return its path.

    The file is ``<host>[_<name>]_<HHMMSS>_<sha256[:12]>.html`` (``.txt`` for plain text), with
    date and time of ``fetched_at`` in Asia/Karachi; its modification time is ``fetched_at``.
    The sidecar is written first, so a landing that sees the file also sees its fetch time. An
    existing file of the same name (same host, second and content) is kept as it is.

    Raises:
        ValueError: the outcome is not a successful fetch.
    """
    if not outcome.ok or outcome.body is None:
        raise ValueError(f"cannot write a failed fetch of {outcome.url}: {outcome.reason}")
    body = outcome.body
    sha256 = hashlib.sha256(body).hexdigest()
    local = outcome.fetched_at.astimezone(PKT)
    host = (urlsplit(outcome.final_url).hostname or "unknown-host").lower()
    label = f"{host}_{name}" if name else host
    filename = f"{label}_{local:%H%M%S}_{sha256[:12]}{_suffix(body, outcome.content_type)}"
    target = raw_dir / FETCHED_SUBDIR / f"{local:%Y}" / f"{local:%m}" / f"{local:%d}" / filename
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    sidecar = {
        "url": outcome.url,
        "final_url": outcome.final_url,
        "status_code": outcome.status_code,
        "fetched_at": outcome.fetched_at.astimezone(dt.UTC).isoformat(),
        "sha256": sha256,
        "byte_size": len(body),
        "content_type": outcome.content_type,
        "name": name,
    }
    sidecar_bytes = (json.dumps(sidecar, indent=2) + "\n").encode()
    _write_atomic(sidecar_path(target), sidecar_bytes, mtime_ns=None, replace=True)
    mtime_ns = (outcome.fetched_at - _EPOCH) // dt.timedelta(microseconds=1) * 1000
    # FileExistsError: a concurrent fetch wrote the same bytes in the same second meanwhile.
    with contextlib.suppress(FileExistsError):
        _write_atomic(target, body, mtime_ns=mtime_ns, replace=False)
    return target


def read_sidecar(capture_path: Path, *, expected_sha256: str | None = None) -> FetchSidecar | None:
    """The sidecar of a fetched capture, or None when absent, unreadable or not matching.

    One small file read, no hashing: pass the capture's known ``expected_sha256`` to ignore a
    sidecar left beside a file whose bytes were since replaced.
    """
    try:
        data = json.loads(sidecar_path(capture_path).read_bytes())
        fetched_at = dt.datetime.fromisoformat(data["fetched_at"])
        sidecar = FetchSidecar(
            url=str(data["url"]),
            final_url=str(data["final_url"]),
            status_code=None if data["status_code"] is None else int(data["status_code"]),
            fetched_at=fetched_at.astimezone(dt.UTC),
            sha256=str(data["sha256"]),
            byte_size=int(data["byte_size"]),
            content_type=data.get("content_type"),
            name=data.get("name"),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if fetched_at.tzinfo is None:
        return None
    if expected_sha256 is not None and sidecar.sha256 != expected_sha256.lower():
        return None
    return sidecar
