import uuid
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrbpo.core.db import Encrypted, TenantScoped, Timestamped, TZDateTime, db, new_id, tenant_fk

ROLES = ("hr_admin", "employee")


class User(UserMixin, Timestamped, db.Model):
    """A login. Global (one person may work for several tenants); what they may
    do inside a tenant comes from their Membership there."""

    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    is_operator: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # Operators only: "bpo_admin" (every tenant) or "operator" (their groups' tenants; hrbpo.core.operators).
    operator_role: Mapped[str | None] = mapped_column(sa.String(20))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    # IANA zone the user reads times in (the operator console); None: UTC.
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    # Bumped on logout and password change: every older session dies with it.
    session_version: Mapped[int] = mapped_column(sa.Integer, default=1)
    # Decrypted only when a second factor is checked, not on every request's user.
    totp_secret: Mapped[str | None] = mapped_column(Encrypted, deferred=True)
    totp_enabled: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    backup_codes: Mapped[list] = mapped_column(sa.JSON, default=list)  # argon2 hashes
    # The newest 30-second TOTP step accepted: a code for it or an older step is spent.
    last_totp_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    def get_id(self):
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self):
        return self.active


class Membership(TenantScoped, Timestamped, db.Model):
    """A user's role in one tenant, optionally tied to their employee record."""

    __tablename__ = "memberships"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "user_id"),
        sa.Index("ix_memberships_user", "user_id"),
        sa.Index("ix_memberships_employee", "tenant_id", "employee_id"),
        tenant_fk("employee_id", "employees"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(sa.String(20))
    employee_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    # Switched off by deactivation: sign-in to this tenant is refused, the data stays.
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())

    user: Mapped[User] = relationship(User, lazy="joined")


class ApiToken(Timestamped, db.Model):
    """A bearer token, stored as its SHA-256 (the token itself is random and long)."""

    __tablename__ = "api_tokens"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("tenants.id", ondelete="CASCADE"),
                                                        index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(TZDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(TZDateTime)

    user: Mapped[User] = relationship(User, lazy="joined")
