"""A tenant's OpenID Connect settings, and the sign-ins started with them."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hrbpo.core.db import Encrypted, TenantScoped, Timestamped, TZDateTime, db, utcnow


class SsoSettings(TenantScoped, Timestamped, db.Model):
    """At most one per tenant: where its people sign in."""

    __tablename__ = "sso_settings"
    __table_args__ = (sa.UniqueConstraint("tenant_id"),)

    issuer: Mapped[str] = mapped_column(sa.String(2048))
    client_id: Mapped[str] = mapped_column(sa.String(255))
    # Encrypted with the sensitive-field keys (hrbpo.core.keys rotates it with them).
    client_secret: Mapped[str] = mapped_column(Encrypted, deferred=True)
    display_name: Mapped[str] = mapped_column(sa.String(60))
    allowed_domains: Mapped[list] = mapped_column(sa.JSON, default=list)
    enforce: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    jit: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    default_role: Mapped[str] = mapped_column(sa.String(20), default="employee")
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class SsoAttempt(TenantScoped, Timestamped, db.Model):
    """One start of the sign-in flow: what the callback must see again.

    Looked up by the SHA-256 of `state`; bound to the browser by the SHA-256 of
    a cookie only that browser holds; spent (`used_at`) by the first callback."""

    __tablename__ = "sso_attempts"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "state_hash"),)

    state_hash: Mapped[str] = mapped_column(sa.String(64))
    browser_hash: Mapped[str] = mapped_column(sa.String(64))
    nonce: Mapped[str] = mapped_column(sa.String(128))
    code_verifier: Mapped[str] = mapped_column(Encrypted)
    next_path: Mapped[str | None] = mapped_column(sa.String(2048))
    expires_at: Mapped[datetime] = mapped_column(TZDateTime)
    used_at: Mapped[datetime | None] = mapped_column(TZDateTime)
