"""Only public unicast addresses pass by default, however a host spells them."""

from ipaddress import IPv4Address, IPv6Address, ip_address

import pytest

from bot import errors
from bot.config import Settings
from bot.web.address_policy import (
    address_check_for,
    embedded_ipv4,
    is_connectable_address,
    is_public_address,
    parse_ip_literal,
    vet_addresses,
)

LOOPBACK = IPv4Address("127.0.0.1")


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", LOOPBACK),
        ("2130706433", LOOPBACK),
        ("0x7f000001", LOOPBACK),
        ("0x7f.1", LOOPBACK),
        ("127.1", LOOPBACK),
        ("127.0.1", LOOPBACK),
        ("0177.0.0.1", LOOPBACK),
        ("0x7F.0.0.0x1", LOOPBACK),
        ("127.0.0.1.", LOOPBACK),
        ("1.0x10000", IPv4Address("1.1.0.0")),
        ("0", IPv4Address("0.0.0.0")),
        ("[::1]", IPv6Address("::1")),
        ("::ffff:127.0.0.1", IPv6Address("::ffff:7f00:1")),
        ("[fe80::1%eth0]", IPv6Address("fe80::1")),
    ],
)
def test_ip_literals_are_read_like_resolvers_read_them(host, address):
    assert parse_ip_literal(host) == address


@pytest.mark.parametrize(
    "host", ["example.com", "1.2.3.4.5", "256.1", "1.256.0.1", "08.1", "0x1g", "1..2", "1_0", ""]
)
def test_names_and_malformed_numbers_are_not_literals(host):
    assert parse_ip_literal(host) is None


PUBLIC = [
    "93.184.216.34",
    "8.8.8.8",
    "2606:4700::1111",
    "::ffff:8.8.8.8",
    "2002:808:808::1",
    "64:ff9b::808:808",
]
INTERNAL = [
    "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "192.168.0.1", "169.254.169.254", "100.64.0.1",
    "100.127.255.254", "0.0.0.0", "0.1.2.3", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
    "192.0.2.1", "198.18.0.1",
    "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "2001:db8::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1", "::10.0.0.1", "2002:7f00:1::", "2002:a9fe:a9fe::1",
    "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::a00:1", "2001:0:4136:e378:8000:63bf:80ff:fffe",
]  # fmt: skip


@pytest.mark.parametrize("text", PUBLIC)
def test_public_addresses_pass(text):
    assert is_public_address(ip_address(text))


@pytest.mark.parametrize("text", INTERNAL)
def test_internal_addresses_are_refused(text):
    assert not is_public_address(ip_address(text))


def test_transition_forms_are_judged_by_the_ipv4_address_they_carry():
    assert embedded_ipv4(IPv6Address("::ffff:1.2.3.4")) == IPv4Address("1.2.3.4")
    assert embedded_ipv4(IPv6Address("2002:102:304::")) == IPv4Address("1.2.3.4")
    assert embedded_ipv4(IPv6Address("64:ff9b::102:304")) == IPv4Address("1.2.3.4")
    assert embedded_ipv4(IPv6Address("::1.2.3.4")) == IPv4Address("1.2.3.4")
    assert embedded_ipv4(IPv6Address("2606:4700::1111")) is None
    assert embedded_ipv4(IPv6Address("::1")) is None


def test_allowing_private_networks_still_refuses_multicast_unspecified_and_cloud_metadata():
    permissive = address_check_for(Settings(_env_file=None, FOOTNOTE_ALLOW_PRIVATE_NETWORKS=True))
    strict = address_check_for(Settings(_env_file=None, FOOTNOTE_ALLOW_PRIVATE_NETWORKS=False))
    assert permissive is is_connectable_address and strict is is_public_address
    assert permissive(LOOPBACK) and permissive(ip_address("10.0.0.1")) and permissive(ip_address("fd12::1"))
    for text in ("0.0.0.0", "::", "224.0.0.1", "ff02::1", "::ffff:224.0.0.1"):
        assert not permissive(ip_address(text))
    for text in ("169.254.169.254", "::ffff:169.254.169.254", "169.254.170.2", "169.254.170.23", "fe80::1"):
        assert not permissive(ip_address(text)), text
    for text in ("fd00:ec2::254", "fd00:ec2::23", "fd20:ce::254", "100.100.100.200", "168.63.129.16"):
        assert not permissive(ip_address(text)), text
    assert not strict(ip_address("168.63.129.16"))  # Azure's WireServer is a public address


def test_one_internal_address_refuses_the_whole_name():
    assert vet_addresses("a.test", ["8.8.8.8", "8.8.8.8", "2606:4700::1111"], is_public_address) == [
        IPv4Address("8.8.8.8"),
        IPv6Address("2606:4700::1111"),
    ]
    with pytest.raises(errors.PrivateAddress):
        vet_addresses("a.test", ["8.8.8.8", "10.0.0.1"], is_public_address)
    with pytest.raises(errors.PrivateAddress):
        vet_addresses("a.test", ["fe80::1%eth0"], is_public_address)


def test_nothing_or_garbage_resolved_is_a_failure():
    with pytest.raises(errors.FetchFailed, match="a.test"):
        vet_addresses("a.test", [], is_public_address)
    with pytest.raises(errors.FetchFailed):
        vet_addresses("a.test", ["not an address"], is_public_address)
