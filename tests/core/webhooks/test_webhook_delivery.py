"""One delivery attempt against real local receivers (conftest.py)."""
import socket
from datetime import datetime, timezone

import pytest
from standardwebhooks import Webhook

from hrbpo.core.webhooks import delivery, signing
from hrbpo.core.webhooks.addresses import check_url

BODY = b'{"id":"evt_1","type":"webhook.test","created_at":"2024-05-01T10:00:00Z","tenant":"acme","data":{}}'


def target(url, *addresses):
    """A checked target for a made-up host name, pinned to the given addresses."""
    return check_url(url, allow_private=True, resolver=lambda host, port: list(addresses) or ["127.0.0.1"])


def signed(secret):
    return signing.headers("evt_1", datetime.now(timezone.utc), BODY, [secret])


def test_a_2xx_is_delivered_and_the_receiver_can_verify_it(receiver):
    secret = signing.generate_secret()
    outcome = delivery.deliver(target(f"http://hooks.test:{receiver.port}/ok?x=1"), BODY, signed(secret))
    assert outcome == delivery.Outcome(True, 204, None)
    [request] = receiver.requests
    assert request["path"] == "/ok?x=1" and request["body"] == BODY
    assert request["headers"]["Host"] == f"hooks.test:{receiver.port}"  # the name, not the address connected to
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["User-Agent"] == "hrbpo-webhooks"
    assert Webhook(secret).verify(request["body"], request["headers"])["type"] == "webhook.test"


def test_a_500_is_a_failure_with_its_status_and_without_the_body(receiver):
    outcome = delivery.deliver(target(f"http://hooks.test:{receiver.port}/fail"), BODY, {})
    assert outcome == delivery.Outcome(False, 500, "HTTP 500 Internal Server Error")
    assert "stack trace" not in outcome.error


def test_a_redirect_is_not_followed(receiver):
    outcome = delivery.deliver(target(f"http://hooks.test:{receiver.port}/redirect"), BODY, {})
    assert not outcome.delivered and outcome.status_code == 301
    assert outcome.error == "HTTP 301 Moved Permanently (redirects are not followed)"
    assert [r["path"] for r in receiver.requests] == ["/redirect"]


def test_a_large_answer_is_not_read_whole(receiver):
    outcome = delivery.deliver(target(f"http://hooks.test:{receiver.port}/big"), BODY, {})
    assert outcome == delivery.Outcome(True, 200, None)


def test_a_slow_receiver_times_out(receiver):
    outcome = delivery.deliver(target(f"http://hooks.test:{receiver.port}/slow"), BODY, {}, timeout=0.3)
    assert outcome == delivery.Outcome(False, None, "No answer within 0.3 s.")
    assert [r["path"] for r in receiver.requests] == ["/slow"]


def test_the_deadline_covers_the_whole_attempt_not_each_read(receiver):
    # each byte of the head comes well within the timeout, the whole head does not
    outcome = delivery.deliver(target(f"http://hooks.test:{receiver.port}/trickle"), BODY, {}, timeout=0.5)
    assert outcome == delivery.Outcome(False, None, "No answer within 0.5 s.")


def test_the_default_timeout_is_the_contracts_10_seconds():
    assert delivery.TIMEOUT == 10.0


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_refused_connection_is_a_failure():
    outcome = delivery.deliver(target(f"http://hooks.test:{_closed_port()}/"), BODY, {})
    assert outcome == delivery.Outcome(False, None, "Connection refused.")


def test_connects_to_the_checked_addresses_in_order_without_resolving_again(receiver):
    # 127.0.0.2 has no listener on this port: refused, so the next checked address is tried
    checked = target(f"http://hooks.test:{receiver.port}/ok", "127.0.0.2", "127.0.0.1")
    assert checked.addresses == ("127.0.0.2", "127.0.0.1")
    assert delivery.deliver(checked, BODY, {}).delivered  # hooks.test is in no DNS: only the pinned address works
    assert len(receiver.requests) == 1


def test_send_checks_the_url_again_before_connecting(receiver):
    url = f"http://127.0.0.1:{receiver.port}/ok"
    refused = delivery.send(url, BODY, {})
    assert refused == delivery.Outcome(False, None, "Use an https:// URL.")
    rebound = delivery.send(f"https://hooks.example.com:{receiver.port}/ok", BODY, {},
                            resolver=lambda host, port: ["127.0.0.1"])
    assert not rebound.delivered and "resolves to 127.0.0.1, a loopback address" in rebound.error
    assert receiver.requests == []
    assert delivery.send(url, BODY, {}, allow_private=True) == delivery.Outcome(True, 204, None)


def test_tls_is_verified_against_the_host_name_with_a_given_ca(tls_receiver, test_ca):
    secret = signing.generate_secret()
    outcome = delivery.deliver(target(f"https://hooks.test:{tls_receiver.port}/ok"), BODY, signed(secret),
                               ca_file=test_ca["ca_file"])
    assert outcome == delivery.Outcome(True, 204, None)
    assert tls_receiver.names == ["hooks.test"]  # SNI carries the host name, though we dialled 127.0.0.1
    [request] = tls_receiver.requests
    assert request["headers"]["Host"] == f"hooks.test:{tls_receiver.port}"
    assert Webhook(secret).verify(request["body"], request["headers"])


def test_an_untrusted_certificate_is_a_failure(tls_receiver):
    outcome = delivery.deliver(target(f"https://hooks.test:{tls_receiver.port}/ok"), BODY, {})
    assert not outcome.delivered and outcome.status_code is None
    assert outcome.error.startswith("TLS certificate not accepted:") and "issuer" in outcome.error
    assert tls_receiver.requests == []


def test_a_certificate_for_another_name_is_a_failure(tls_receiver, test_ca):
    outcome = delivery.deliver(target(f"https://other.test:{tls_receiver.port}/ok"), BODY, {},
                               ca_file=test_ca["ca_file"])
    assert not outcome.delivered
    assert "TLS certificate not accepted" in outcome.error and "other.test" in outcome.error
    assert tls_receiver.requests == []


def test_https_to_a_plain_http_server_is_a_failure(receiver):
    outcome = delivery.deliver(target(f"https://hooks.test:{receiver.port}/ok"), BODY, {})
    assert not outcome.delivered and outcome.error.startswith("TLS failed")


def test_errors_are_short_and_printable():
    assert delivery._short("a\r\nb") == "a  b"
    assert len(delivery._short("x" * 1000)) == delivery.MAX_ERROR_LENGTH


@pytest.mark.parametrize("path", ["/ok", "/fail"])
def test_signing_headers_are_sent_exactly(receiver, path):
    secret = signing.generate_secret()
    headers = signed(secret)
    delivery.deliver(target(f"http://hooks.test:{receiver.port}{path}"), BODY, headers)
    sent = receiver.requests[0]["headers"]
    assert {k: sent[k] for k in ("webhook-id", "webhook-timestamp", "webhook-signature")} == headers


def test_a_listener_that_never_answers_the_tls_handshake_times_out():
    with socket.socket() as silent:  # the kernel accepts the connection; nobody ever speaks
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"https://hooks.test:{silent.getsockname()[1]}/"
        assert delivery.deliver(target(url), BODY, {}, timeout=0.3) == delivery.Outcome(
            False, None, "No answer within 0.3 s.")
