"""One delivery attempt: a signed JSON POST to a checked `Target`.

The connection goes to the target's checked addresses (in order, until one
accepts), never to a fresh DNS answer, while the Host header, the TLS server
name (SNI) and the certificate check use the host name of the URL.
Redirects are not followed: a 3xx is a failure like any other non-2xx. The
whole attempt (connect, TLS, request, response head) has one deadline;
a watchdog closes the socket when it passes, so a server that trickles
bytes cannot hold a worker longer. At most `MAX_RESPONSE_BYTES` of the
answer are read, and thrown away: only the status counts.

`http.client` and `ssl` from the standard library do it; a pinned address
with its own server name is two lines there, and no pool is wanted (each
attempt may go to a different, freshly checked address).
"""
import functools
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from hrbpo.core.webhooks.addresses import AddressError, Resolver, Target, check_url, system_resolver

TIMEOUT = 10.0  # seconds, the contract's "a 2xx within 10 s"
MAX_RESPONSE_BYTES = 4096
MAX_ERROR_LENGTH = 200
USER_AGENT = "hrbpo-webhooks"


@dataclass(frozen=True)
class Outcome:
    """What became of an attempt: `delivered` on a 2xx; otherwise the status
    code the receiver answered, if any, and a short error for the log
    (never a header, a secret or the receiver's body)."""

    delivered: bool
    status_code: int | None = None
    error: str | None = None


def send(url: str, body: bytes, headers: Mapping[str, str], *, allow_private: bool = False,
         resolver: Resolver = system_resolver, timeout: float = TIMEOUT, ca_file: str | None = None) -> Outcome:
    """Check the URL again (it may resolve elsewhere since it was stored),
    then deliver to the addresses just checked. The DNS lookup comes before
    the attempt's deadline and is bounded by the system resolver's own."""
    try:
        target = check_url(url, allow_private=allow_private, resolver=resolver)
    except AddressError as refused:
        return Outcome(False, error=_short(str(refused)))
    return deliver(target, body, headers, timeout=timeout, ca_file=ca_file)


def deliver(target: Target, body: bytes, headers: Mapping[str, str], *, timeout: float = TIMEOUT,
            ca_file: str | None = None) -> Outcome:
    """POST `body` with `headers` (the signing headers) to `target`."""
    deadline = time.monotonic() + timeout
    url = target.url
    context = _tls_context(ca_file) if url.scheme == "https" else None
    connection = _PinnedConnection(url.host, url.port, target.addresses, deadline, context)
    watchdog = threading.Timer(timeout, connection.abort)
    watchdog.daemon = True
    watchdog.start()
    try:
        status, reason = _post(connection, target.url, body, headers)
    except ssl.SSLCertVerificationError as error:
        return Outcome(False, error=_short(f"TLS certificate not accepted: {error.verify_message}"))
    except (OSError, http.client.HTTPException) as error:
        if connection.aborted or isinstance(error, TimeoutError):
            return Outcome(False, error=f"No answer within {timeout:g} s.")
        return Outcome(False, error=_short(_describe(error)))
    finally:
        watchdog.cancel()
        connection.close()
    if 200 <= status < 300:
        return Outcome(True, status)
    note = " (redirects are not followed)" if 300 <= status < 400 else ""
    return Outcome(False, status, _short(f"HTTP {status} {reason}".strip() + note))


def _post(connection, url, body, headers) -> tuple[int, str]:
    connection.putrequest("POST", url.request_target, skip_host=True, skip_accept_encoding=True)
    for name, value in {"Host": url.host_header, "User-Agent": USER_AGENT, "Content-Type": "application/json",
                        "Content-Length": str(len(body)), "Connection": "close", **headers}.items():
        connection.putheader(name, value)
    connection.endheaders(body)
    response = connection.getresponse()
    if connection.aborted:  # the watchdog's shutdown reads as the end of the head: nothing to trust
        raise TimeoutError("deadline passed")
    try:  # a little of the body, so the receiver is not cut off mid-write; the status is what counts
        response.read(MAX_RESPONSE_BYTES)
    except (OSError, http.client.HTTPException):
        pass
    return response.status, response.reason


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to given addresses, named by its host name."""

    def __init__(self, host, port, addresses, deadline, context):
        super().__init__(host, port)
        self.addresses, self.deadline, self.context = addresses, deadline, context
        self.aborted = False
        self._lock = threading.Lock()

    def connect(self):
        sock = self._open()
        if self.context is not None:
            sock = self.context.wrap_socket(sock, server_hostname=self.host, do_handshake_on_connect=False)
            self._hold(sock)
            sock.do_handshake()

    def _open(self) -> socket.socket:
        """The first of the addresses that accepts a connection."""
        error = None
        for address in self.addresses:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("deadline passed")
            try:
                sock = socket.create_connection((address, self.port), timeout=remaining)
            except OSError as refused:
                error = refused
                continue
            self._hold(sock)
            return sock
        raise error or OSError("no address to connect to")

    def _hold(self, sock: socket.socket):
        """Make `sock` the one abort() closes; if abort() already ran, close
        it here."""
        with self._lock:
            self.sock = sock
            if self.aborted:
                sock.close()
                raise TimeoutError("deadline passed")

    def abort(self):
        """Called by the watchdog at the deadline: whatever waits on the
        socket wakes up with an error."""
        with self._lock:
            self.aborted = True
            if self.sock is not None:
                try:  # the plain socket's shutdown, also under TLS: it wakes a blocked read
                    socket.socket.shutdown(self.sock, socket.SHUT_RDWR)
                except OSError:
                    pass


@functools.lru_cache(maxsize=8)
def _tls_context(ca_file: str | None) -> ssl.SSLContext:
    """The system's trust store, or the CA bundle given (tests, private CAs);
    built once, since loading a bundle costs more than a local request."""
    return ssl.create_default_context(cafile=ca_file)


def _describe(error: Exception) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "Connection refused."
    if isinstance(error, ConnectionResetError):
        return "Connection reset by the receiver."
    if isinstance(error, ssl.SSLError):
        return f"TLS failed: {error.reason or error}."
    if isinstance(error, http.client.HTTPException):
        return f"Not an HTTP answer ({type(error).__name__})."
    return f"Could not connect: {error.strerror or error}."


def _short(text: str) -> str:
    text = "".join(c if c.isprintable() else " " for c in text)
    return text if len(text) <= MAX_ERROR_LENGTH else text[:MAX_ERROR_LENGTH - 1] + "…"
