"""The guard under every fetch: one absolute deadline, and public addresses only.

httpx's timeouts are per operation: a read timeout restarts with every byte, so a server
trickling its headers or body one byte at a time holds a fetch for as long as it likes. The
guard is an httpcore network backend under the fetch client (``GuardedTransport``): while a
fetch runs inside ``exchange(deadline=...)``, every socket operation (resolving, connecting,
the TLS handshake, each read and write) gets the time left to that deadline at most, and fails
at once when none is left. A trickle is therefore cut at the deadline itself.

The backend also resolves each host itself, refuses non-public addresses (``addresses``) unless
allowed, and connects to the very address it checked.
"""

from __future__ import annotations

import contextlib
import functools
import ssl
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

import httpcore
import httpx

from dagster_project.core.fetch.addresses import AddressRefused, address_refusal, resolve

_T = TypeVar("_T")


@dataclass
class Exchange:
    """One fetch under way: its deadline (``time.monotonic``) and the host trusted as local."""

    deadline: float
    trusted_host: str | None = None
    expired: bool = False


_CURRENT: ContextVar[Exchange | None] = ContextVar("fetch_exchange", default=None)


@contextlib.contextmanager
def exchange(*, deadline: float, trusted_host: str | None = None) -> Iterator[Exchange]:
    """Run the block's network operations against ``deadline`` (a ``time.monotonic`` value).

    ``trusted_host`` may resolve to non-public addresses (the configured page's own local host).
    """
    current = Exchange(deadline=deadline, trusted_host=trusted_host)
    token = _CURRENT.set(current)
    try:
        yield current
    finally:
        _CURRENT.reset(token)


def time_left() -> float | None:
    """Seconds left to the current fetch's deadline (None outside a fetch)."""
    current = _CURRENT.get()
    return None if current is None else current.deadline - time.monotonic()


def deadline_expired() -> bool:
    """Whether the current fetch has run out of time (an operation was cut at its deadline)."""
    current = _CURRENT.get()
    return current is not None and (current.expired or time.monotonic() >= current.deadline)


def _guarded(
    operation: Callable[[float | None], _T], timeout: float | None, error: type[Exception]
) -> _T:
    """``operation(timeout)`` with ``timeout`` cut to the time left; ``error`` when none is."""
    current = _CURRENT.get()
    if current is None:
        return operation(timeout)
    left = current.deadline - time.monotonic()
    if left <= 0:
        current.expired = True
        raise error("total timeout exceeded")
    if timeout is not None and timeout <= left:
        return operation(timeout)
    try:
        return operation(left)
    except (httpcore.TimeoutException, TimeoutError):
        current.expired = True
        raise


class _GuardedStream(httpcore.NetworkStream):
    """A connection whose every operation is held to the current fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return _guarded(lambda t: self._inner.read(max_bytes, t), timeout, httpcore.ReadTimeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        _guarded(lambda t: self._inner.write(buffer, t), timeout, httpcore.WriteTimeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        def handshake(limit: float | None) -> httpcore.NetworkStream:
            return self._inner.start_tls(ssl_context, server_hostname, limit)

        return _GuardedStream(_guarded(handshake, timeout, httpcore.ConnectTimeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's socket backend, held to the deadline and to public addresses."""

    def __init__(self, *, allow_private_addresses: bool) -> None:
        self._inner = httpcore.SyncBackend()
        self._allow_private = allow_private_addresses

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = _guarded(
                lambda t: resolve(host, port, timeout=t), timeout, httpcore.ConnectTimeout
            )
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(str(exc)) from exc
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        current = _CURRENT.get()
        trusted = current is not None and current.trusted_host == host.lower()
        refusal = None if self._allow_private or trusted else address_refusal(host, addresses)
        if refusal:
            raise AddressRefused(refusal)
        options = list(socket_options or [])
        failure: httpcore.ConnectError | None = None
        for address in addresses:
            connect = functools.partial(self._connect, address, port, local_address, options)
            try:
                stream = _guarded(connect, timeout, httpcore.ConnectTimeout)
            except httpcore.ConnectError as exc:
                failure = exc
            else:
                return _GuardedStream(stream)
        raise failure or httpcore.ConnectError(f"{host} has no address")

    def _connect(
        self,
        address: str,
        port: int,
        local_address: str | None,
        options: list[Any],
        timeout: float | None,
    ) -> httpcore.NetworkStream:
        return self._inner.connect_tcp(address, port, timeout, local_address, options)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("fetches do not use Unix sockets")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport over ``GuardedBackend``.

    httpx 0.28 takes no network backend (encode/httpx#3749 proposes one), so the connection
    pool it builds is replaced with an equal one over ours; the tests of the deadline and of
    private addresses fail if a later httpx stops using it.
    """

    def __init__(self, *, allow_private_addresses: bool) -> None:
        super().__init__()
        self._pool = httpcore.ConnectionPool(  # httpx's defaults (httpx.HTTPTransport)
            ssl_context=httpx.create_ssl_context(),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(allow_private_addresses=allow_private_addresses),
        )
