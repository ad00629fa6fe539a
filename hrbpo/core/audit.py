"""Append-only audit log with a hash chain per tenant, so tampering shows.

`record()` writes in the caller's transaction, so an audited change and its
audit row commit or roll back together. Each chain's head (event count and
last hash) is kept apart from the events in `audit_heads`, updated in the same
transaction: removing the newest events leaves a chain that is intact on its
own, and only the head tells.
"""
import hashlib
import json
import uuid
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import g, has_request_context, request
from sqlalchemy.orm import Mapped, mapped_column

from hrbpo.core import tenancy
from hrbpo.core.db import TZDateTime, db, new_id, utcnow

SENSITIVE = {"national_id", "password", "password_hash", "token", "totp_secret", "bank_account", "backup_codes"}
GENESIS = "0" * 64


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "seq"),
        sa.Index("ix_audit_events_tenant_at", "tenant_id", "at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("tenants.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(sa.Integer)
    at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    actor_email: Mapped[str | None] = mapped_column(sa.String(254))
    # When a BPO operator works inside a tenant: whom they act as, and why.
    acting_as: Mapped[str | None] = mapped_column(sa.String(254))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    action: Mapped[str] = mapped_column(sa.String(80))
    target_type: Mapped[str | None] = mapped_column(sa.String(80))
    target_id: Mapped[str | None] = mapped_column(sa.String(80))
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))

    def digest(self) -> str:
        body = {
            "tenant_id": str(self.tenant_id) if self.tenant_id else None,
            "seq": self.seq,
            "at": self.at.astimezone(timezone.utc).isoformat(),
            "actor_id": str(self.actor_id) if self.actor_id else None,
            "actor_email": self.actor_email,
            "acting_as": self.acting_as,
            "reason": self.reason,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "changes": self.changes,
            "request_id": self.request_id,
            "prev_hash": self.prev_hash,
        }
        return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


class AuditHead(db.Model):
    """Where one chain (a tenant's, or the platform's with no tenant) ends."""

    __tablename__ = "audit_heads"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("tenants.id", ondelete="CASCADE"), unique=True)
    count: Mapped[int] = mapped_column(sa.Integer)
    last_hash: Mapped[str] = mapped_column(sa.String(64))


def _chain(column, tenant_id):
    return column.is_(None) if tenant_id is None else column == tenant_id


def mask(changes: dict) -> dict:
    """Replace sensitive values by a marker; keep the fact that they changed."""
    out = {}
    for key, value in changes.items():
        if key in SENSITIVE:
            out[key] = "***"
        elif isinstance(value, dict):
            out[key] = mask(value)
        else:
            out[key] = _plain(value)
    return out


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _lock_chain(tenant_id):
    """Serialise appends to one tenant's chain (PostgreSQL; SQLite writes are serial)."""
    if db.engine.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(str(tenant_id).encode()).digest()[:8], "big", signed=True)
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def _head(tenant_id) -> AuditHead | None:
    """The chain's head, as committed now: _lock_chain's lock, held until the
    transaction ends, is its lock. (No FOR UPDATE: on Citus a row lock on a
    reference table locks the table on every node, and the request's other
    connection, which may just have written a token, would wait on it.)"""
    return db.session.scalars(sa.select(AuditHead).where(_chain(AuditHead.tenant_id, tenant_id))).first()


def record(action, target=None, changes=None, *, tenant_id=None, target_type=None, target_id=None,
           actor=None) -> AuditEvent:
    """Append one audit event for the current actor (or `actor`, a user who is
    not signed in yet: an invitee, a password reset), in the current transaction."""
    tenant_id = tenant_id or tenancy.current_tenant_id()
    if target is not None:
        target_type = target_type or type(target).__name__
        target_id = target_id or str(getattr(target, "id", target))
    fields = actor_fields()
    if actor is not None:
        fields.update(actor_id=actor.id, actor_email=actor.email)
    scope = tenancy.all_tenants() if tenant_id is None else tenancy.tenant_context(tenant_id)
    with scope:
        return _append(tenant_id, action, target_type, target_id, changes, fields)


def _append(tenant_id, action, target_type, target_id, changes, actor):
    # The advisory lock serialises a chain's first append too (no head row to lock yet).
    _lock_chain(tenant_id)
    head = _head(tenant_id)
    if head is None:
        head = AuditHead(id=new_id(), tenant_id=tenant_id, count=0, last_hash=GENESIS)
        db.session.add(head)
    event = AuditEvent(
        id=new_id(),
        tenant_id=tenant_id,
        seq=head.count + 1,
        at=utcnow(),
        action=action,
        target_type=target_type,
        target_id=target_id,
        changes=mask(changes or {}),
        prev_hash=head.last_hash,
        **actor,
    )
    event.hash = event.digest()
    head.count, head.last_hash = event.seq, event.hash
    db.session.add(event)
    db.session.flush()
    return event


def actor_fields() -> dict:
    if not has_request_context():
        return {"actor_email": "system (cli)", "request_id": None}
    user = g.get("user")
    fields = {"request_id": g.get("request_id") or request.headers.get("X-Request-Id")}
    if user is not None:
        fields.update(actor_id=user.id, actor_email=user.email)
    acting = g.get("acting")
    if acting:
        fields.update(acting_as=acting.get("as"), reason=acting.get("reason"))
    return fields


def verify(tenant_id=None, all_chains=False, session=None) -> list[str]:
    """Walk the chain(s); return a list of problems (empty when intact).
    `session`: another database's (a restore checks before it commits)."""
    session = session or db.session
    problems = []
    query = sa.select(AuditEvent).order_by(AuditEvent.tenant_id, AuditEvent.seq)
    heads = sa.select(AuditHead)
    if not all_chains:
        query = query.where(_chain(AuditEvent.tenant_id, tenant_id))
        heads = heads.where(_chain(AuditHead.tenant_id, tenant_id))
    expected = {}
    for event in session.scalars(query).yield_per(1000):
        chain = event.tenant_id
        prev_seq, prev_hash = expected.get(chain, (0, GENESIS))
        where = f"tenant {chain or '-'} seq {event.seq}"
        if event.seq != prev_seq + 1:
            problems.append(f"{where}: sequence gap (expected {prev_seq + 1})")
        if event.prev_hash != prev_hash:
            problems.append(f"{where}: prev_hash does not match the previous event")
        if event.digest() != event.hash:
            problems.append(f"{where}: contents changed after writing (hash mismatch)")
        expected[chain] = (event.seq, event.hash)
    for head in session.scalars(heads):
        seq, last_hash = expected.pop(head.tenant_id, (0, GENESIS))
        where = f"tenant {head.tenant_id or '-'}"
        if (seq, last_hash) != (head.count, head.last_hash):
            problems.append(f"{where}: the chain ends at seq {seq} but its head says {head.count} "
                            "(events removed or replaced at the end)")
    for chain in expected:
        problems.append(f"tenant {chain or '-'}: the chain has no head (removed)")
    return problems
