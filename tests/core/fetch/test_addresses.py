"""Which addresses a fetch may connect to: every spelling of loopback, private, link-local."""

from __future__ import annotations

import pytest

from dagster_project.core.fetch.addresses import address_refusal, is_local_host, literal_ip, resolve


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("[::1]", "::1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
        ("www.brecorder.com", None),
        ("123abc", None),
    ],
)
def test_literal_ips_in_every_spelling(host: str, address: str | None) -> None:
    found = literal_ip(host)
    assert (None if found is None else str(found)) == address


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("172.16.5.4", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("100.64.0.1", "non-public"),
        ("224.0.0.1", "multicast"),
    ],
)
def test_non_public_addresses_are_refused(address: str, kind: str) -> None:
    assert address_refusal("host.example", [address]) == (
        f"refused to connect to host.example: {address} is a {kind} address"
    )


def test_every_resolved_address_is_checked() -> None:
    assert address_refusal("host.example", ["93.184.216.34"]) is None
    assert address_refusal("host.example", ["93.184.216.34", "10.0.0.1"]) == (
        "refused to connect to host.example: 10.0.0.1 is a private address"
    )


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("app.localhost", True),
        ("::1", True),
        ("10.0.0.7", True),
        ("2130706433", True),
        ("www.brecorder.com", False),
        ("93.184.216.34", False),
    ],
)
def test_a_local_host_is_one_the_url_itself_says_is_local(host: str, local: bool) -> None:
    assert is_local_host(host) is local


def test_numeric_hosts_resolve_without_dns() -> None:
    assert resolve("2130706433", 80, timeout=1.0) == ["127.0.0.1"]
    assert resolve("[::1]", 80, timeout=1.0) == ["::1"]
