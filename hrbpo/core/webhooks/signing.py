"""Secrets and signatures of the Standard Webhooks specification
(https://www.standardwebhooks.com): what a receiver checks with the
`standardwebhooks` library, or by hand.

A secret is `whsec_` + base64 of random bytes; the signing key is those
bytes. Each request carries `webhook-id`, `webhook-timestamp` (Unix
seconds) and `webhook-signature`: `v1,` + base64 HMAC-SHA256 of
`<id>.<timestamp>.<body>`, one per secret in use, separated by spaces.
While a secret is being rotated the previous one keeps signing beside the
new one for `ROTATION_OVERLAP`, so receivers can switch without losing events.
"""
import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

PREFIX = "whsec_"
KEY_BYTES = 32  # what we generate; the contract asks for 24 or more
MIN_KEY_BYTES = 24
ROTATION_OVERLAP = timedelta(hours=24)


class SecretError(ValueError):
    """Not a webhook secret of ours (wrong prefix, not base64, too short)."""


def generate_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key inside a secret: the base64-decoded part after `whsec_`."""
    if not isinstance(secret, str) or not secret.startswith(PREFIX):
        raise SecretError(f"A webhook secret starts with {PREFIX!r}.")
    try:
        key = base64.b64decode(secret[len(PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise SecretError("A webhook secret is base64 after its prefix.") from None
    if len(key) < MIN_KEY_BYTES:
        raise SecretError(f"A webhook secret holds at least {MIN_KEY_BYTES} bytes.")
    return key


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """One `v1,<base64>` signature of `<id>.<timestamp>.<body>`."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


@dataclass(frozen=True)
class Rotation:
    """What an endpoint stores after a rotation: the new secret, and the old
    one with the moment it stops signing."""

    secret: str
    previous_secret: str
    previous_expires_at: datetime


def rotate(current: str, now: datetime) -> Rotation:
    return Rotation(generate_secret(), current, now + ROTATION_OVERLAP)


def signing_secrets(current: str, previous: str | None, previous_expires_at: datetime | None,
                    now: datetime) -> list[str]:
    """The secrets that sign a request sent at `now`: the current one, and the
    previous one while its overlap lasts (`now` before `previous_expires_at`)."""
    if previous and previous_expires_at is not None and now < previous_expires_at:
        return [current, previous]
    return [current]


def headers(msg_id: str, sent_at: datetime, body: bytes, secrets_in_use: Sequence[str]) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt. `msg_id` stays
    the same on every retry and redelivery (receivers dedupe on it);
    `sent_at` is the attempt's own time, since receivers refuse timestamps
    more than a few minutes off their clock."""
    if not secrets_in_use:
        raise SecretError("An event is signed with at least one secret.")
    if not msg_id or any(c in msg_id for c in ". \r\n"):
        raise ValueError("A webhook id is not empty and has no dots, spaces or line breaks.")
    if sent_at.tzinfo is None:
        raise ValueError("sent_at needs a time zone (a naive time would be read as local time).")
    timestamp = int(sent_at.timestamp())
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(s, msg_id, timestamp, body) for s in secrets_in_use),
    }
