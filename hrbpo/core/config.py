"""Settings from the environment (HRBPO_*), with defaults that are safe to run.

Secrets that are not given are generated once into the instance folder, so the
embedded default works at once and survives restarts without shipping a key.
"""
import os
import secrets
from datetime import timedelta
from pathlib import Path

from cryptography.fernet import Fernet

SUPPORTED_LOCALES = ("en", "hi", "ur", "nb")
RTL_LOCALES = ("ur",)


def _instance_secret(instance: Path, name: str, make) -> str:
    path = instance / name
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _env(name, default=None):
    return os.environ.get(f"HRBPO_{name}", default)


def _bool(name, default):
    value = _env(name)
    return default if value is None else value.lower() in ("1", "true", "yes", "on")


def _psycopg(url: str) -> str:
    return "postgresql+psycopg://" + url[len("postgresql://"):] if url.startswith("postgresql://") else url


def load(instance_path: str) -> dict:
    instance = Path(instance_path)
    database_url = _env("DATABASE_URL") or f"sqlite:///{instance / 'hrbpo.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url[len("postgres://"):]
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    migrate_url = _psycopg(_env("MIGRATE_DATABASE_URL") or database_url)
    secure = _bool("SECURE_COOKIES", False)
    return {
        "SECRET_KEY": _env("SECRET_KEY") or _instance_secret(instance, "secret_key", lambda: secrets.token_hex(32)),
        # Comma-separated Fernet keys, newest first; old keys still decrypt (rotation).
        "HRBPO_ENCRYPTION_KEYS": _env("ENCRYPTION_KEYS") or _env("ENCRYPTION_KEY")
        or _instance_secret(instance, "encryption_key", lambda: Fernet.generate_key().decode()),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "HRBPO_MIGRATE_DATABASE_URL": migrate_url,
        # Cross-tenant (operator and platform) work: the owner or a member of it
        # (docs/security.md, "Roles"). Unset: HRBPO_MIGRATE_DATABASE_URL.
        "HRBPO_OPERATOR_DATABASE_URL": _psycopg(_env("OPERATOR_DATABASE_URL") or "") or None,
        # PostgreSQL role the app connects as; `db upgrade` grants it the tables.
        "HRBPO_APP_ROLE": _env("APP_ROLE"),
        # No pre-ping before every checkout: hrbpo.core.db pings connections that sat idle.
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "HRBPO_TOKEN_TTL": timedelta(days=int(_env("TOKEN_TTL_DAYS", "30"))),
        "HRBPO_LOGIN_LIMIT_ACCOUNT": _env("LOGIN_LIMIT_ACCOUNT", "5 per minute"),
        "HRBPO_LOGIN_LIMIT_ADDRESS": _env("LOGIN_LIMIT_ADDRESS", "30 per minute"),
        "HRBPO_INVITATION_TTL_DAYS": int(_env("INVITATION_TTL_DAYS", "7")),
        "HRBPO_RESET_LIMIT_ACCOUNT": _env("RESET_LIMIT_ACCOUNT", "5 per hour"),
        "HRBPO_RESET_LIMIT_ADDRESS": _env("RESET_LIMIT_ADDRESS", "100 per hour"),
        "RATELIMIT_STORAGE_URI": _env("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "HRBPO_MAX_UPLOAD_BYTES": int(_env("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024))),
        "HRBPO_UPLOAD_DIR": _env("UPLOAD_DIR") or str(instance / "files"),
        # Answer 503 until the database is at the code's migration heads (hrbpo.core.outages).
        "HRBPO_CHECK_MIGRATIONS": _bool("CHECK_MIGRATIONS", True),
        # Noto faces for Hindi and Urdu benefits PDFs (Debian's fonts-noto-core; hrbpo.plugins.benefits.pdf_fonts).
        "HRBPO_PDF_FONT_DIR": _env("PDF_FONT_DIR", "/usr/share/fonts/truetype/noto"),
        # Assigning a checklist to more people than this runs as a job (hrbpo.plugins.compliance.assigning).
        "HRBPO_COMPLIANCE_INLINE_ASSIGN": int(_env("COMPLIANCE_INLINE_ASSIGN", "200")),
        # Unset: a SQLite queue file in the instance folder; sqlite:///PATH or redis://HOST:PORT/DB.
        "HRBPO_QUEUE_URL": _env("QUEUE_URL"),
        # The queue's name: its key prefix on Redis (deployments sharing one Redis need their own).
        "HRBPO_QUEUE_NAME": _env("QUEUE_NAME", "hrbpo"),
        # Unset: mail stays in the outbox (shown in the console), nothing is sent (hrbpo/core/mail/).
        "HRBPO_MAIL_URL": _env("MAIL_URL"),
        # A message is tried once, then retried RETRIES times, waiting DELAY, 2·DELAY, 4·DELAY … seconds.
        "HRBPO_MAIL_RETRIES": int(_env("MAIL_RETRIES", "8")),
        "HRBPO_MAIL_RETRY_DELAY": float(_env("MAIL_RETRY_DELAY", "30")),
        # Sent or failed mail and finished jobs (and their files) are deleted after this many days.
        "HRBPO_KEEP_FINISHED_DAYS": float(_env("KEEP_FINISHED_DAYS", "30")),
        # A running job whose worker has not been heard of for this long is run again.
        "HRBPO_JOB_LEASE_SECONDS": float(_env("JOB_LEASE_SECONDS", "60")),
        "HRBPO_MAIL_FROM": _env("MAIL_FROM", "hrbpo@localhost"),
        # Development and tests only: webhooks may go to http:// and loopback or private addresses.
        "HRBPO_WEBHOOKS_ALLOW_PRIVATE": _bool("WEBHOOKS_ALLOW_PRIVATE", False),
        # A CA bundle for receivers' certificates (a private CA); unset: the system's trust store.
        "HRBPO_WEBHOOKS_CA_FILE": _env("WEBHOOKS_CA_FILE"),
        # Development and tests only: an OpenID issuer may be http:// on a loopback host (identity.md).
        "HRBPO_SSO_ALLOW_LOOPBACK_ISSUER": _bool("SSO_ALLOW_LOOPBACK_ISSUER", False),
        # Where links in mail point; unset: the request's own address (jobs: http://127.0.0.1:5000).
        "HRBPO_BASE_URL": _env("BASE_URL"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "MAX_CONTENT_LENGTH": int(_env("MAX_REQUEST_BYTES", str(64 * 1024 * 1024))),
        "API_TITLE": "hrbpo",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
