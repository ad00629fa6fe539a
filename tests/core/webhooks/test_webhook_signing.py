"""Secrets and Standard Webhooks signatures, checked by the `standardwebhooks`
library a receiver would use."""
import base64
import hashlib
import hmac
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks import Webhook, WebhookVerificationError

from hrbpo.core.webhooks import signing

BODY = b'{"id":"evt_1","type":"employee.created","tenant":"acme","data":{"id":"e1"}}'


def now():
    return datetime.now(timezone.utc)


def test_generated_secrets_are_prefixed_base64_of_32_random_bytes():
    made = {signing.generate_secret() for _ in range(50)}
    assert len(made) == 50
    for secret in made:
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret[6:], validate=True)) == 32
        assert signing.secret_key(secret) == base64.b64decode(secret[6:])


@pytest.mark.parametrize("bad", [
    "", "whsec_", "sk_" + base64.b64encode(b"x" * 32).decode(), base64.b64encode(b"x" * 32).decode(),
    "whsec_" + base64.b64encode(b"x" * 23).decode(),  # too short
    "whsec_not*base64!", "whsec_" + base64.b64encode(b"x" * 32).decode() + "\n", None, b"whsec_abc",
])
def test_malformed_secrets_are_refused(bad):
    with pytest.raises(signing.SecretError):
        signing.secret_key(bad)


def test_a_24_byte_secret_from_elsewhere_is_accepted():
    secret = "whsec_" + base64.b64encode(b"k" * 24).decode()
    assert signing.secret_key(secret) == b"k" * 24


def test_signature_is_hmac_sha256_of_id_timestamp_body_by_hand():
    secret = "whsec_" + base64.b64encode(b"0123456789abcdef01234567").decode()
    expected = hmac.new(b"0123456789abcdef01234567", b"msg_1.1700000000." + BODY, hashlib.sha256).digest()
    assert signing.sign(secret, "msg_1", 1700000000, BODY) == "v1," + base64.b64encode(expected).decode()


def test_headers_verify_with_the_standardwebhooks_library():
    secret = signing.generate_secret()
    sent_at = now()
    headers = signing.headers("evt_1", sent_at, BODY, [secret])
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert headers["webhook-id"] == "evt_1" and headers["webhook-timestamp"] == str(int(sent_at.timestamp()))
    assert Webhook(secret).verify(BODY, headers)["type"] == "employee.created"
    assert Webhook(secret).verify(BODY, {k.title(): v for k, v in headers.items()}) is not None


@given(body=st.binary(max_size=2000), msg_id=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_",
                                                    min_size=1, max_size=40))
def test_every_signature_we_make_verifies(body, msg_id):
    secret = signing.generate_secret()
    headers = signing.headers(msg_id, now(), body, [secret])
    assert Webhook(secret).verify(body, headers, json_parse=False) is None


@pytest.mark.parametrize("tamper", ["body", "id", "timestamp", "secret", "signature"])
def test_tampered_requests_are_refused(tamper):
    secret = signing.generate_secret()
    headers = signing.headers("evt_1", now(), BODY, [secret])
    body, key = BODY, secret
    if tamper == "body":
        body = BODY.replace(b"e1", b"e2")
    elif tamper == "id":
        headers["webhook-id"] = "evt_2"
    elif tamper == "timestamp":
        headers["webhook-timestamp"] = str(int(headers["webhook-timestamp"]) - 1)
    elif tamper == "secret":
        key = signing.generate_secret()
    else:
        headers["webhook-signature"] = headers["webhook-signature"][:-4] + "AAA="
    with pytest.raises(WebhookVerificationError):
        Webhook(key).verify(body, headers)
    assert Webhook(secret).verify(BODY, signing.headers("evt_1", now(), BODY, [secret]))  # untampered passes


def test_old_timestamps_are_refused_by_receivers():
    secret = signing.generate_secret()
    headers = signing.headers("evt_1", now() - timedelta(minutes=10), BODY, [secret])
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(BODY, headers)


def test_during_a_rotation_both_secrets_sign_and_each_verifies():
    old = signing.generate_secret()
    start = now()
    rotation = signing.rotate(old, start)
    assert rotation.previous_secret == old and rotation.secret not in (old,)
    assert rotation.previous_expires_at == start + timedelta(hours=24)
    in_use = signing.signing_secrets(rotation.secret, old, rotation.previous_expires_at, start + timedelta(hours=23))
    assert in_use == [rotation.secret, old]
    headers = signing.headers("evt_1", now(), BODY, in_use)
    signatures = headers["webhook-signature"].split(" ")
    assert len(signatures) == 2 and all(s.startswith("v1,") for s in signatures)
    for secret in (old, rotation.secret):
        assert Webhook(secret).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.generate_secret()).verify(BODY, headers)


@pytest.mark.parametrize("age, expected", [
    (timedelta(hours=0), 2), (timedelta(hours=23, minutes=59, seconds=59), 2),
    (timedelta(hours=24), 1), (timedelta(days=3), 1),
])
def test_the_previous_secret_stops_signing_after_24_hours(age, expected):
    start = now()
    rotation = signing.rotate(signing.generate_secret(), start)
    in_use = signing.signing_secrets(rotation.secret, rotation.previous_secret, rotation.previous_expires_at,
                                     start + age)
    assert len(in_use) == expected and in_use[0] == rotation.secret


def test_no_previous_secret_means_one_signature():
    secret = signing.generate_secret()
    assert signing.signing_secrets(secret, None, None, now()) == [secret]
    assert signing.signing_secrets(secret, "", now() + timedelta(hours=1), now()) == [secret]


def test_headers_need_a_secret_an_aware_time_and_a_plain_id():
    secret = signing.generate_secret()
    with pytest.raises(signing.SecretError):
        signing.headers("evt_1", now(), BODY, [])
    for bad_id in ("evt.1", "evt 1", "evt\r\nX-Injected: 1", ""):
        with pytest.raises(ValueError):
            signing.headers(bad_id, now(), BODY, [secret])
    with pytest.raises(ValueError, match="time zone"):
        signing.headers("evt_1", datetime.now(), BODY, [secret])


def test_a_redelivery_keeps_the_id_and_signs_its_own_timestamp():
    secret = signing.generate_secret()
    first = signing.headers("evt_1", now() - timedelta(hours=1), BODY, [secret])
    again = signing.headers("evt_1", now(), BODY, [secret])
    assert first["webhook-id"] == again["webhook-id"]
    assert first["webhook-signature"] != again["webhook-signature"]
    assert Webhook(secret).verify(BODY, again)
