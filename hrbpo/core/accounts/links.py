"""The tokens in mailed links: 256 random bits, URL-safe (A-Z a-z 0-9 - _),
stored only as their SHA-256."""
import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """(token for the mail, digest for the database)."""
    raw = secrets.token_urlsafe(32)
    return raw, digest(raw)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()

