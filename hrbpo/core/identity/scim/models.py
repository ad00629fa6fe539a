"""SCIM tokens and the SCIM view of a tenant's logins."""
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hrbpo.core.db import TenantScoped, Timestamped, TZDateTime, db, new_id, utcnow


class ScimToken(TenantScoped, Timestamped, db.Model):
    """A bearer token for one tenant's SCIM endpoints, stored as its SHA-256."""

    __tablename__ = "scim_tokens"
    __table_args__ = (sa.Index("ix_scim_tokens_created_by", "created_by_id"),)

    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL"))
    last_used_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(TZDateTime)


class ScimUser(TenantScoped, Timestamped, db.Model):
    """One SCIM User: every login of the tenant has one (made with the
    membership, listeners.py), and so has a User its provider made before it
    had a sign-in email. Its id is the membership's id whenever there is a
    membership. `attributes` holds what the provider wrote, as written (the
    published schema's attributes); the columns beside it are what filters
    compare, each behind an index."""

    __tablename__ = "scim_users"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "user_name_key"),
        sa.Index("ix_scim_users_tenant_external_id", "tenant_id", "external_id"),
        sa.Index("ix_scim_users_tenant_email", "tenant_id", "email"),
        sa.Index("ix_scim_users_tenant_created", "tenant_id", "created_at", "id"),
    )

    user_name: Mapped[str] = mapped_column(sa.String(254))
    user_name_key: Mapped[str] = mapped_column(sa.String(254))  # lower-case: unique case-insensitively
    external_id: Mapped[str | None] = mapped_column(sa.String(255))
    email: Mapped[str | None] = mapped_column(sa.String(254))  # the sign-in email, lower-case
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    attributes: Mapped[dict | None] = mapped_column(sa.JSON)  # None: not written by SCIM yet
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow, onupdate=utcnow)


@sa.event.listens_for(sa.orm.Session, "before_flush")
def _logins_are_users(session, flush_context, instances):
    """Every login of a tenant is a SCIM User, however it was made (by hand,
    invitation, SSO or SCIM): a new membership gets its ScimUser here, with
    the same id, and a removed one takes it along."""
    from hrbpo.core.auth.models import Membership, User

    pending = {(obj.tenant_id, obj.id) for obj in session.new if isinstance(obj, ScimUser)}
    for obj in list(session.new):
        if isinstance(obj, Membership):
            if obj.id is None:
                obj.id = new_id()
            key = (obj.tenant_id, obj.id)
            if key in pending or sa.orm.util.identity_key(ScimUser, key) in session.identity_map:
                continue  # SCIM made the User first
            email = session.get(User, obj.user_id).email
            session.add(ScimUser(tenant_id=obj.tenant_id, id=obj.id, user_name=email, user_name_key=email,
                                 email=email, created_at=obj.created_at or utcnow()))
    for obj in list(session.deleted):
        if isinstance(obj, Membership):
            scim_user = session.get(ScimUser, (obj.tenant_id, obj.id))
            if scim_user is not None and scim_user not in session.deleted:
                session.delete(scim_user)
