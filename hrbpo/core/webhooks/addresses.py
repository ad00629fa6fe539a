"""Which webhook URLs hrbpo will call: the SSRF policy.

A webhook makes the server send requests wherever a tenant's HR admin says,
so the URL is checked before it is stored and again before every delivery:

- `https://` only; `http://` too when the deployment allows private
  targets (`HRBPO_WEBHOOKS_ALLOW_PRIVATE=1`, for development and tests);
- no user name or password, fragment, backslash, space or control character
  in the URL; host names end without a dot and, unless private targets are
  allowed, have at least two labels; an IPv4 literal is four plain decimal
  numbers (`2130706433`, `0x7f.1` or `0177.0.0.1` would reach 127.0.0.1);
- any port from 1 to 65535: the addresses are what keep internal services
  out of reach, and receivers such as on-premise payroll gateways often
  listen on 8443 or similar;
- every address the host resolves to must be public. Refused always:
  unspecified, link-local, multicast, reserved and documentation ranges,
  cloud metadata services, IPv4 written as IPv6 (mapped or compatible) and
  6to4, Teredo or NAT64 addresses whose embedded IPv4 is refused. Refused
  unless private targets are allowed: loopback, private networks (RFC 1918,
  IPv6 unique local) and shared address space (100.64.0.0/10).

`check_url` returns a `Target` holding the checked addresses; the delivery
connects to those, never resolving the name again, so DNS cannot rebind
between the check and the connection. Refusals raise `AddressError`, whose
text is written for the person who typed the URL (for `errors.url`).
"""
import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Iterable[str]]

MAX_URL_LENGTH = 2048
DEFAULT_PORTS = {"https": 443, "http": 80}
PUBLIC_ONLY = "Webhooks are only sent to public internet addresses."

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\Z")
_NUMERIC_LABEL = re.compile(r"(?:[0-9]+|0x[0-9a-f]*)\Z")  # what URL parsers read as part of an IPv4 address

_WHAT = {
    "loopback": "a loopback address (the server itself)",
    "private": "a private network address",
    "shared": "a carrier-grade NAT address (100.64.0.0/10)",
    "link-local": "a link-local address",
    "metadata": "a cloud metadata service",
    "multicast": "a multicast address",
    "unspecified": "an unspecified address",
    "reserved": "a reserved or documentation address",
    "embedded": "an IPv4 address written as IPv6",
}
# Kinds a deployment with HRBPO_WEBHOOKS_ALLOW_PRIVATE=1 accepts.
_LIFTED = {"loopback", "private", "shared"}

_METADATA = {ipaddress.ip_address(a) for a in (
    "169.254.169.254",  # AWS, Azure, Google Cloud, Oracle, OpenStack
    "169.254.170.2",  # AWS ECS task credentials
    "100.100.100.200",  # Alibaba Cloud
    "fd00:ec2::254",  # AWS over IPv6
)}


def _networks(*pairs):
    return [(ipaddress.ip_network(net), kind) for net, kind in pairs]


_IPV4 = _networks(
    ("0.0.0.0/8", "unspecified"), ("10.0.0.0/8", "private"), ("100.64.0.0/10", "shared"),
    ("127.0.0.0/8", "loopback"), ("169.254.0.0/16", "link-local"), ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "reserved"), ("192.0.2.0/24", "reserved"), ("192.88.99.0/24", "reserved"),
    ("192.168.0.0/16", "private"), ("198.18.0.0/15", "reserved"), ("198.51.100.0/24", "reserved"),
    ("203.0.113.0/24", "reserved"), ("224.0.0.0/4", "multicast"), ("240.0.0.0/4", "reserved"),
)
_IPV6 = _networks(
    ("::/128", "unspecified"), ("::1/128", "loopback"), ("::ffff:0:0/96", "embedded"), ("::/96", "embedded"),
    ("64:ff9b:1::/48", "private"), ("fc00::/7", "private"), ("fe80::/10", "link-local"),
    ("ff00::/8", "multicast"), ("2001:2::/48", "reserved"), ("2001:10::/28", "reserved"),
    ("2001:20::/28", "reserved"), ("2001:db8::/32", "reserved"), ("3fff::/20", "reserved"),
)
_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")  # all other IPv6 space is unassigned or special
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressError(ValueError):
    """A URL or address hrbpo will not call; the text is for `errors.url`.
    `message` and `params` keep the template apart for translation."""

    def __init__(self, message: str, **params):
        super().__init__(message % params)
        self.message, self.params = message, params


@dataclass(frozen=True)
class WebhookURL:
    """A URL that passed the syntax rules: what the delivery puts in the
    request line, the Host header and the TLS server name."""

    url: str
    scheme: str
    host: str  # lower case, IDNA-encoded, IPv6 without brackets
    port: int
    request_target: str  # path and query, "/" at least

    @property
    def literal(self) -> bool:
        """Is the host an IP address (checked already, nothing to resolve)?"""
        return ":" in self.host or _NUMERIC_LABEL.match(self.host.rsplit(".", 1)[-1]) is not None

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


@dataclass(frozen=True)
class Target:
    """A checked URL and the addresses it may be delivered to, in the
    resolver's order."""

    url: WebhookURL
    addresses: tuple[str, ...]


def kind_of(address: Address) -> str | None:
    """Why an address is special (a key of the kinds above), or None when it
    is an ordinary public address."""
    if address in _METADATA:
        return "metadata"
    if address.version == 4:
        return next((kind for net, kind in _IPV4 if address in net), None)
    embedded = _embedded_ipv4(address)
    if embedded:
        kinds = [kind_of(a) for a in embedded]
        return next((k for k in kinds if k), None)
    kind = next((kind for net, kind in _IPV6 if address in net), None)
    if kind is None and address not in _GLOBAL_UNICAST:
        kind = "reserved"
    return kind


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses that 6to4, Teredo and NAT64 addresses lead to."""
    if address.sixtofour:
        return [address.sixtofour]
    if address.teredo:
        return list(address.teredo)
    if address in _NAT64:
        return [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    return []


def refusal(address: str | Address, allow_private: bool = False) -> str | None:
    """Why webhooks may not go to this address (a phrase such as "a private
    network address"), or None."""
    kind = kind_of(ipaddress.ip_address(address))
    if kind is None or (allow_private and kind in _LIFTED):
        return None
    return _WHAT[kind]


def parse_url(url: str, *, allow_private: bool = False) -> WebhookURL:
    """The syntax rules (no DNS): scheme, host, port, no credentials; an IP
    literal as host is judged here too."""
    if not isinstance(url, str) or not url:
        raise AddressError("Enter the URL that should receive the webhooks.")
    if len(url) > MAX_URL_LENGTH:
        raise AddressError("Use a URL of at most %(max)s characters.", max=MAX_URL_LENGTH)
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url) or "\\" in url:
        raise AddressError("Remove the spaces, backslashes or control characters from the URL.")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise AddressError("This is not a URL; it looks like https://hooks.example.com/hrbpo.") from None
    scheme = parts.scheme.lower()
    if scheme != "https" and not (scheme == "http" and allow_private):
        raise AddressError("Use an https:// URL.")
    if "@" in parts.netloc:
        raise AddressError("Leave the user name and password out of the URL; "
                           "check each delivery with its webhook-signature header instead.")
    if parts.fragment or url.endswith("#"):
        raise AddressError("Leave out the part after # (it is never sent).")
    host, port = _split_netloc(parts.netloc, scheme)
    host = _host(host, allow_private)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if not target.isascii():
        raise AddressError("Percent-encode the characters after the host name (for example %%C3%%A9 for é).")
    return WebhookURL(url, scheme, host, port, target)


def _split_netloc(netloc: str, scheme: str) -> tuple[str, int]:
    if netloc.startswith("["):
        host, bracket, rest = netloc[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise AddressError("Write an IPv6 address in square brackets, such as https://[2001:db8::1]/.")
        host, port = "[" + host + "]", rest[1:] if rest else None
    else:
        host, colon, port = netloc.partition(":")
        port = port if colon else None
    if port is None:
        return host, DEFAULT_PORTS[scheme]
    if not port.isascii() or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise AddressError("Use a port number from 1 to 65535, or none.")
    return host, int(port)


def _host(host: str, allow_private: bool) -> str:
    if not host:
        raise AddressError("Add the host name, such as https://hooks.example.com/.")
    if host.startswith("["):
        try:
            address = ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise AddressError("%(host)s is not an IPv6 address.", host=host) from None
        if address.scope_id:
            raise AddressError("Leave the zone (%%…) out of the IPv6 address.")
        return _public_literal(address, allow_private)
    if host.endswith("."):
        raise AddressError("Remove the dot at the end of the host name.")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise AddressError("%(host)s is not a valid host name.", host=host) from None
    labels = host.split(".")
    if _NUMERIC_LABEL.match(labels[-1]):
        try:
            address = ipaddress.IPv4Address(host)
        except ValueError:
            raise AddressError("Write an IPv4 address as four decimal numbers, such as 203.0.113.7.") from None
        return _public_literal(address, allow_private)
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise AddressError("%(host)s is not a valid host name (letters, digits and hyphens between dots).",
                           host=host)
    if len(labels) < 2 and not allow_private:
        raise AddressError("Use the full host name, such as hooks.example.com.")
    return host


def _public_literal(address: Address, allow_private: bool) -> str:
    what = refusal(address, allow_private)
    if what:
        raise AddressError("%(address)s is %(what)s. " + PUBLIC_ONLY, address=str(address), what=what)
    return str(address)


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for a host (IPv4 and IPv6)."""
    return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def check_url(url: str, *, allow_private: bool = False, resolver: Resolver = system_resolver) -> Target:
    """`parse_url`, then resolve the host and check every address: one bad
    address refuses the URL, since the name could be steered to it."""
    parsed = parse_url(url, allow_private=allow_private)
    if parsed.literal:
        return Target(parsed, (parsed.host,))
    try:
        found = [ipaddress.ip_address(a) for a in dict.fromkeys(resolver(parsed.host, parsed.port))]
    except (OSError, UnicodeError, ValueError):
        found = []
    if not found:
        raise AddressError("%(host)s was not found in DNS. Check the host name.", host=parsed.host)
    for address in found:
        what = refusal(address, allow_private)
        if what:
            raise AddressError("%(host)s resolves to %(address)s, %(what)s. " + PUBLIC_ONLY,
                               host=parsed.host, address=str(address), what=what)
    return Target(parsed, tuple(str(a) for a in found))
