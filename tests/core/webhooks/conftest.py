"""Real local receivers for the delivery tests: an HTTP server and an HTTPS
one with a certificate from a throw-away CA, each in a thread."""
import datetime
import http.server
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


class Receiver(http.server.BaseHTTPRequestHandler):
    """Answers by path: /ok 204, /fail 500, /redirect 301 to /ok, /slow waits
    for the test to end, /trickle sends its head a byte at a time, /big a
    large body, /flaky 503 while `server.failures` > 0 (counting down), then 204."""

    protocol_version = "HTTP/1.1"

    def setup(self):
        if self.server.tls is not None:
            self.request = self.server.tls.wrap_socket(self.request, server_side=True)
        super().setup()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        if self.path == "/slow":
            self.server.release.wait(5)
        if self.path == "/trickle":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for _ in range(60):
                if self.server.release.wait(0.05):
                    break
                self.wfile.write(b"X")
                self.wfile.flush()
            self.wfile.write(b": 1\r\nContent-Length: 0\r\n\r\n")
            return
        if self.path == "/flaky" and self.server.failures > 0:
            self.server.failures -= 1
            self.path = "/fail"
        status, extra, content = {
            "/fail": (500, {}, b"boom, with a stack trace"),
            "/redirect": (301, {"Location": "/ok"}, b""),
            "/big": (200, {}, b"x" * 5_000_000),
        }.get(self.path, (204, {}, b""))
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, tls=None):
        super().__init__(("127.0.0.1", 0), Receiver)
        self.tls, self.requests, self.errors, self.failures = tls, [], [], 0
        self.release = threading.Event()

    def handle_error(self, request, client_address):  # e.g. the client refusing our certificate
        self.errors.append(client_address)

    @property
    def port(self):
        return self.server_address[1]


def _serve(server):
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def receiver():
    yield from _serve(Server())


def _certificate(subject, issuer, public_key, signing_key, ca, names=()):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


@pytest.fixture(scope="session")
def test_ca(tmp_path_factory):
    """A CA (its bundle is `ca_file`) and a server certificate for hooks.test."""
    folder = tmp_path_factory.mktemp("tls")
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hrbpo test CA")])
    ca = _certificate(ca_name, ca_name, ca_key.public_key(), ca_key, ca=True)
    leaf = _certificate(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hooks.test")]), ca_name,
                        key.public_key(), ca_key, ca=False, names=["hooks.test"])
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "server.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return {"ca_file": str(folder / "ca.pem"), "server_pem": str(folder / "server.pem")}


@pytest.fixture
def tls_receiver(test_ca):
    """An HTTPS receiver; `server.names` holds the server names (SNI) clients asked for."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(test_ca["server_pem"])
    names = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    server = Server(tls=context)
    server.names = names
    yield from _serve(server)

