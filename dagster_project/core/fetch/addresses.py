"""Which network addresses a fetch may connect to: public ones only, unless allowed.

A host is checked by the addresses it resolves to, every one of them (a name resolving to a
public and a private address is refused), so every spelling of an address is caught: names like
``localhost``, and literal IPs in dotted, decimal (``2130706433``), hex (``0x7f000001``), octal
or short (``127.1``) form, IPv6 and IPv4-mapped IPv6. The connection is then made to the checked
address itself, never to a second resolution of the name.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
from collections.abc import Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# What inet_aton(3) reads as an IPv4 address: one to four parts, decimal, octal or hex.
_NUMERIC_V4 = re.compile(r"(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}", re.IGNORECASE)


class AddressRefused(Exception):
    """A connection refused because its address is not public (the message says which)."""


def literal_ip(host: str) -> IPAddress | None:
    """The address ``host`` spells out (in any form the resolver accepts), or None for a name."""
    bare = host.strip("[]")
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    if not _NUMERIC_V4.fullmatch(bare):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(bare))
    except OSError:
        return None


def non_public_kind(address: IPAddress) -> str | None:
    """What kind of non-public address ``address`` is (``loopback``, ...), or None if public."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    checks = (
        ("loopback", address.is_loopback),
        ("unspecified", address.is_unspecified),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("non-public", not address.is_global),
    )
    return next((kind for kind, matches in checks if matches), None)


def is_local_host(host: str) -> bool:
    """Whether ``host`` itself says it is local: ``localhost`` or a literal non-public IP."""
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    address = literal_ip(name)
    return address is not None and non_public_kind(address) is not None


def address_refusal(host: str, addresses: Sequence[str]) -> str | None:
    """Why ``host`` may not be connected to (its first non-public address), or None."""
    for text in addresses:
        kind = non_public_kind(ipaddress.ip_address(text))
        if kind is not None:
            return f"refused to connect to {host}: {text} is a {kind} address"
    return None


def resolve(host: str, port: int, *, timeout: float | None) -> list[str]:
    """The addresses of ``host``, in the resolver's order, within ``timeout`` seconds.

    Raises:
        TimeoutError: the resolver took longer (it is left to finish in a daemon thread).
        OSError: the name does not resolve.
    """
    address = literal_ip(host)
    if address is not None:
        return [str(address)]
    found: list[str] = []
    errors: list[OSError] = []

    def lookup() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            errors.append(exc)
        else:
            found.extend(dict.fromkeys(str(info[4][0]) for info in infos))

    thread = threading.Thread(target=lookup, name=f"resolve {host}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TimeoutError(f"resolving {host} timed out")
    if errors:
        raise errors[0]
    if not found:
        raise OSError(f"{host} has no address")
    return found
