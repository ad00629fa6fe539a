"""The SSRF policy: which webhook URLs and addresses hrbpo will call.
A resolver table stands in for DNS."""
import ipaddress
import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrbpo.core.webhooks.addresses import AddressError, WebhookURL, check_url, kind_of, parse_url, refusal

DNS = {
    "hooks.example.com": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    "payroll.example.org": ["1.1.1.1"],
    "mixed.example.com": ["93.184.215.14", "10.0.0.7"],  # one private answer is enough to refuse
    "rebind.example.com": ["127.0.0.1"],
    "metadata.example.com": ["169.254.169.254"],
    "v6metadata.example.com": ["fd00:ec2::254"],
    "intranet": ["10.1.2.3"],
    "localhost": ["127.0.0.1", "::1"],
    "devbox.example.com": ["192.168.1.20"],
}


def resolver(host, port):
    try:
        return DNS[host]
    except KeyError:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None


def check(url, allow_private=False):
    return check_url(url, allow_private=allow_private, resolver=resolver)


def refused(url, allow_private=False) -> str:
    with pytest.raises(AddressError) as caught:
        check(url, allow_private)
    return str(caught.value)


def test_a_public_https_url_is_accepted_with_every_address():
    target = check("https://hooks.example.com/hrbpo/events?source=acme")
    assert target.url == WebhookURL("https://hooks.example.com/hrbpo/events?source=acme", "https",
                                    "hooks.example.com", 443, "/hrbpo/events?source=acme")
    assert target.addresses == ("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")
    assert target.url.host_header == "hooks.example.com"


def test_ports_any_from_1_to_65535():
    target = check("https://hooks.example.com:8443")
    assert target.url.port == 8443 and target.url.request_target == "/"
    assert target.url.host_header == "hooks.example.com:8443"
    assert check("https://hooks.example.com:443/").url.host_header == "hooks.example.com"
    for port in ("0", "65536", "99999", "+80", "８０", "-1", "http"):
        assert "port" in refused(f"https://hooks.example.com:{port}/")


def test_host_and_scheme_are_normalised():
    target = check("HTTPS://Hooks.EXAMPLE.com/Path")
    assert target.url.scheme == "https" and target.url.host == "hooks.example.com"
    assert target.url.request_target == "/Path"  # the path is kept as written


def test_http_is_refused_unless_private_targets_are_allowed():
    assert refused("http://hooks.example.com/") == "Use an https:// URL."
    assert check("http://hooks.example.com/", allow_private=True).url.port == 80
    for url in ("ftp://hooks.example.com/", "hooks.example.com/x", "//hooks.example.com/", "javascript:alert(1)",
                "file:///etc/passwd", "gopher://hooks.example.com/"):
        assert refused(url, allow_private=True) == "Use an https:// URL."


@pytest.mark.parametrize("url, words", [
    ("https://10.0.0.1/", "10.0.0.1 is a private network address"),
    ("https://172.16.5.4/", "private network"),
    ("https://192.168.0.1/", "private network"),
    ("https://127.0.0.1/", "loopback"),
    ("https://127.8.9.10/", "loopback"),
    ("https://[::1]/", "loopback"),
    ("https://169.254.10.1/", "link-local"),
    ("https://[fe80::1]/", "link-local"),
    ("https://169.254.169.254/latest/meta-data/", "cloud metadata"),
    ("https://[fd00:ec2::254]/", "cloud metadata"),
    ("https://100.100.100.200/", "cloud metadata"),
    ("https://100.64.0.1/", "carrier-grade NAT"),
    ("https://100.127.255.254/", "carrier-grade NAT"),
    ("https://0.0.0.0/", "unspecified"),
    ("https://[::]/", "unspecified"),
    ("https://224.0.0.1/", "multicast"),
    ("https://[ff02::1]/", "multicast"),
    ("https://255.255.255.255/", "reserved"),
    ("https://240.1.2.3/", "reserved"),
    ("https://192.0.2.10/", "reserved"),
    ("https://198.18.0.1/", "reserved"),
    ("https://[2001:db8::1]/", "reserved"),
    ("https://[fc00::1]/", "private network"),
    ("https://[fd12:3456::1]/", "private network"),
    ("https://[::ffff:127.0.0.1]/", "IPv4 address written as IPv6"),
    ("https://[::ffff:8.8.8.8]/", "IPv4 address written as IPv6"),
    ("https://[::127.0.0.1]/", "IPv4 address written as IPv6"),  # IPv4-compatible (deprecated)
    ("https://[2002:a00:1::1]/", "private network"),  # 6to4 around 10.0.0.1
    ("https://[2002:7f00:1::]/", "loopback"),  # 6to4 around 127.0.0.1
    ("https://[2002:a9fe:a9fe::1]/", "cloud metadata"),  # 6to4 around 169.254.169.254
    ("https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/", "private network"),  # Teredo client 10.0.0.1
    ("https://[64:ff9b::a9fe:a9fe]/", "cloud metadata"),  # NAT64 of 169.254.169.254
    ("https://[fec0::1]/", "reserved"),  # site-local, deprecated
    ("https://[100::1]/", "reserved"),  # discard-only
])
def test_special_address_literals_are_refused(url, words):
    message = refused(url)
    assert words in message and "public internet addresses" in message


@pytest.mark.parametrize("url", [
    "https://2130706433/",  # 127.0.0.1 as one decimal number
    "https://0x7f000001/", "https://0x7f.0.0.1/", "https://0177.0.0.1/", "https://127.1/", "https://127.0.1/",
    "https://010.0.0.1/", "https://1.2.3.4.5/", "https://256.0.0.1/", "https://example.0x10/", "https://hooks.123/",
    "https://017700000001/", "https://0/",
])
def test_odd_ipv4_spellings_are_refused_even_when_private_is_allowed(url):
    for allow in (False, True):
        assert refused(url, allow) == "Write an IPv4 address as four decimal numbers, such as 203.0.113.7."


@pytest.mark.parametrize("url, words", [
    ("https://user:pass@hooks.example.com/", "user name and password"),
    ("https://token@hooks.example.com/", "user name and password"),
    ("https://hooks.example.com@127.0.0.1/", "user name and password"),
    ("https://hooks.example.com./", "dot at the end"),
    ("https://localhost./", "dot at the end"),
    ("https://hooks.example.com/#frag", "after #"),
    ("https://hooks.example.com/#", "after #"),
    ("https://hooks.example.com\\@10.0.0.1/", "backslash"),
    ("https://hooks.example.com/a b", "spaces"),
    ("https://hooks.example.com/\x00", "control"),
    ("https://hooks.example.com/\r\nX-Evil: 1", "control"),
    (" https://hooks.example.com/", "spaces"),
    ("https:///path", "host name"),
    ("https://:443/", "host name"),
    ("https://[::1/", "not a URL"),
    ("https://[fe80::1%25eth0]/", "zone"),
    ("https://[::1]x/", "square brackets"),
    ("https://hooks_example.com/", "not a valid host name"),
    ("https://-hooks.example.com/", "not a valid host name"),
    ("https://hooks..example.com/", "not a valid host name"),
    ("https://" + "a" * 64 + ".example.com/", "not a valid host name"),
    ("https://hooks.example.com/café", "Percent-encode"),
    ("https://intranet/", "full host name"),
    ("https://localhost/", "full host name"),
    ("", "Enter the URL"),
    ("https://hooks.example.com/" + "a" * 2100, "at most 2048"),
])
def test_malformed_urls_are_refused_with_a_reason(url, words):
    assert words in refused(url)


@pytest.mark.parametrize("url", ["https://[zz::1]/", "https://[1.2.3.4]/", "https://[::1:/"])
def test_bad_bracketed_hosts_are_refused(url):
    # Python 3.11.4+ refuses them while splitting the URL; earlier ones leave it to us
    assert refused(url) in ("This is not a URL; it looks like https://hooks.example.com/hrbpo.",
                            f"{url[8:url.index(']') + 1 if ']' in url else -1]} is not an IPv6 address.")


def test_messages_are_sentences_and_keep_template_and_values_apart():
    with pytest.raises(AddressError) as caught:
        check("https://mixed.example.com/")
    error = caught.value
    assert str(error) == ("mixed.example.com resolves to 10.0.0.7, a private network address. "
                          "Webhooks are only sent to public internet addresses.")
    assert error.message.startswith("%(host)s resolves to %(address)s")
    assert error.params == {"host": "mixed.example.com", "address": "10.0.0.7", "what": "a private network address"}
    assert str(AddressError("Percent-encode (%%C3)")) == "Percent-encode (%C3)"


def test_every_resolved_address_is_checked():
    assert "10.0.0.7" in refused("https://mixed.example.com/")
    assert "resolves to 127.0.0.1, a loopback address" in refused("https://rebind.example.com/")
    assert "cloud metadata" in refused("https://metadata.example.com/")
    assert "cloud metadata" in refused("https://v6metadata.example.com/")


def test_unknown_hosts_are_refused_and_resolver_errors_are_not_crashes():
    assert refused("https://nowhere.example.net/") == "nowhere.example.net was not found in DNS. Check the host name."
    assert "not found" in str(_raises(lambda: check_url("https://a.example/", resolver=lambda h, p: [])))
    assert "not found" in str(_raises(lambda: check_url("https://a.example/", resolver=lambda h, p: ["nonsense"])))


def _raises(call):
    with pytest.raises(AddressError) as caught:
        call()
    return caught.value


def test_ip_literals_are_not_resolved():
    def no_dns(host, port):
        raise AssertionError("an IP literal needs no DNS")

    assert check_url("https://93.184.215.14/x", resolver=no_dns).addresses == ("93.184.215.14",)
    target = check_url("https://[2606:4700:4700::1111]:8443/", resolver=no_dns)
    assert target.addresses == ("2606:4700:4700::1111",) and target.url.host_header == "[2606:4700:4700::1111]:8443"


def test_allow_private_accepts_loopback_private_and_http_but_never_metadata_or_link_local():
    target = check("http://localhost:8080/hook", allow_private=True)
    assert target.addresses == ("127.0.0.1", "::1") and target.url.host_header == "localhost:8080"
    assert check("https://intranet/", allow_private=True).addresses == ("10.1.2.3",)
    assert check("https://devbox.example.com/", allow_private=True).addresses == ("192.168.1.20",)
    assert check("http://127.0.0.1:5000/", allow_private=True).addresses == ("127.0.0.1",)
    assert check("http://[::1]:5000/", allow_private=True).url.host_header == "[::1]:5000"
    assert check("https://100.64.1.1/", allow_private=True).addresses == ("100.64.1.1",)
    for url in ("https://metadata.example.com/", "https://169.254.169.254/", "https://[fd00:ec2::254]/",
                "https://100.100.100.200/", "https://169.254.1.1/", "https://[fe80::1]/", "https://0.0.0.0/",
                "https://[::ffff:127.0.0.1]/", "https://224.0.0.1/"):
        assert "public internet addresses" in refused(url, allow_private=True), url


def test_international_host_names_are_idna_encoded():
    seen = []

    def record(host, port):
        seen.append((host, port))
        return ["93.184.215.14"]

    target = check_url("https://bücher.example/webhook", resolver=record)
    assert target.url.host == "xn--bcher-kva.example" and seen == [("xn--bcher-kva.example", 443)]


def test_the_system_resolver_is_the_default():
    assert check_url("http://localhost:9/", allow_private=True).url.host == "localhost"
    assert "loopback" in str(_raises(lambda: check_url("https://127.0.0.1/")))


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111",
                                     "2a00:1450:4001:80b::200e", "2002:808:808::1", "64:ff9b::808:808"])
def test_public_addresses_pass(address):
    assert kind_of(ipaddress.ip_address(address)) is None and refusal(address) is None


@given(st.ip_addresses(v=4))
def test_every_ipv4_address_judged_the_same_bare_and_mapped_into_6to4(address):
    as_6to4 = ipaddress.IPv6Address((0x2002 << 112) | (int(address) << 80))
    assert kind_of(as_6to4) == kind_of(address)
    assert kind_of(ipaddress.IPv6Address(f"::ffff:{address}")) == "embedded"


@given(st.ip_addresses(v=4))
def test_what_python_calls_not_global_ipv4_is_refused(address):
    if not address.is_global:
        assert kind_of(address) is not None


@given(st.ip_addresses(v=6))
def test_ipv6_outside_global_unicast_is_refused_but_nat64_of_public_ipv4(address):
    if address in ipaddress.ip_network("64:ff9b::/96"):
        assert kind_of(address) == kind_of(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    elif address not in ipaddress.ip_network("2000::/3"):
        assert kind_of(address) is not None


@given(st.one_of(st.text(max_size=80), st.text(max_size=80).map(lambda t: "https://" + t),
                 st.text(max_size=40).map(lambda t: "https://[" + t + "]/")))
def test_any_text_either_parses_or_is_refused_with_a_message(text):
    try:
        parsed = parse_url(text, allow_private=True)
    except AddressError as error:
        assert str(error).endswith(".")
    else:
        assert parsed.scheme in ("http", "https") and parsed.host and 1 <= parsed.port <= 65535
