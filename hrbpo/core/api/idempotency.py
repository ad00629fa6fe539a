"""`Idempotency-Key` on POST: exactly one effect per key, user and tenant.

A request first claims its key: it inserts the record `in_flight` and commits
that alone, before the view runs, so of any number of concurrent requests with
one key exactly one gets the claim (the unique (scope, user, key) index
decides, on PostgreSQL and on SQLite alike). The others answer 409
`idempotency-key-in-use` with Retry-After while the claim is in flight, and
the stored first response once it is `done`. The view's own commit also moves
the claim to `committed` in the same transaction, so a claim whose owner died
can be told apart: `in_flight` past the lease took no effect and may be taken
over; `committed` did and is never run again. A first attempt that fails (not
2xx) releases its claim. The same key with a different method, path or body
is a client error (422)."""
import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import abort, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from hrbpo.core import tenancy
from hrbpo.core.api.base import problem
from hrbpo.core.db import TZDateTime, db, new_id, utcnow

HEADER = "Idempotency-Key"
IN_FLIGHT, COMMITTED, DONE = "in_flight", "committed", "done"
# Longer than any request may run (gunicorn's timeout): an `in_flight` claim
# this old belongs to a request that died before committing anything.
LEASE = timedelta(minutes=5)
RETRY_AFTER = "1"
IN_USE = "idempotency-key-in-use"
# The tenant of requests outside any tenant's URLs (a unique index treats NULLs as distinct).
NO_TENANT = uuid.UUID(int=0)
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class IdempotencyRecord(db.Model):
    __tablename__ = "idempotency_records"
    # user_id first: the constraint is also the index its foreign key needs.
    __table_args__ = (sa.UniqueConstraint("user_id", "scope", "key"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    # The tenant whose URL the key was used on, or NO_TENANT. Not `tenant_id`:
    # keys are the caller's, looked up before and across tenants, so no row security.
    scope: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(255))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    state: Mapped[str] = mapped_column(sa.String(16), default=IN_FLIGHT)
    status: Mapped[int | None] = mapped_column(sa.Integer)
    mimetype: Mapped[str | None] = mapped_column(sa.String(100))
    body: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)  # when claimed


@dataclass
class Claim:
    id: uuid.UUID
    committed: bool = False


def _fingerprint() -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _claim(scope, user_id, key: str, fingerprint: str) -> uuid.UUID | None:
    """Insert the in-flight record and commit it on its own; None when another
    request holds the key (a concurrent insert waits for the holder's commit)."""
    db.session.commit()  # ends what authentication read; nothing is pending yet
    claim_id = new_id()
    insert = _INSERT[db.session.get_bind().dialect.name](IdempotencyRecord).values(
        id=claim_id, scope=scope, user_id=user_id, key=key, fingerprint=fingerprint, state=IN_FLIGHT,
        created_at=utcnow())
    claimed = db.session.execute(insert.on_conflict_do_nothing().returning(IdempotencyRecord.id)).first()
    db.session.commit()
    return claim_id if claimed else None


def _take_over(record: IdempotencyRecord) -> bool:
    """Claim an abandoned in-flight record (its owner died before any commit)."""
    now = utcnow()
    taken = db.session.execute(
        sa.update(IdempotencyRecord)
        .where(IdempotencyRecord.id == record.id, IdempotencyRecord.state == IN_FLIGHT,
               IdempotencyRecord.created_at < now - LEASE)
        .values(created_at=now).returning(IdempotencyRecord.id)
    ).first() is not None
    db.session.commit()
    return taken


def replay():
    """before_request: claim the key, or answer from the request that holds it."""
    key = request.headers.get(HEADER)
    if not key or request.method != "POST" or g.get("user") is None:
        return None
    if len(key) > 255:
        abort(400, f"{HEADER} is longer than 255 characters.")
    fingerprint, user_id, scope = _fingerprint(), g.user.id, tenancy.current_tenant_id() or NO_TENANT
    claim_id = _claim(scope, user_id, key, fingerprint)
    if claim_id is not None:
        g.idempotency = Claim(claim_id)
        return None
    record = db.session.scalars(
        sa.select(IdempotencyRecord).where(IdempotencyRecord.scope == scope,
                                           IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
    ).first()
    if record is None:  # released by a failed holder in the meantime: the client may simply retry
        return _in_use(f"A request with this {HEADER} just failed; retry.")
    if record.fingerprint != fingerprint:
        abort(422, f"This {HEADER} was already used for a different request.")
    if record.state == DONE:
        response = current_app.response_class(record.body, status=record.status, mimetype=record.mimetype)
        response.headers["Idempotent-Replayed"] = "true"
        return response
    if record.state == IN_FLIGHT and _take_over(record):
        g.idempotency = Claim(record.id)
        return None
    if record.state == COMMITTED and record.created_at < utcnow() - LEASE:
        return problem(409, f"The request with this {HEADER} took effect but its response was lost; "
                            "look the result up instead of retrying.", type_=IN_USE)
    return _in_use(f"A request with this {HEADER} is still in progress.")


def _in_use(detail: str):
    return problem(409, detail, type_=IN_USE, headers={"Retry-After": RETRY_AFTER})


@event.listens_for(Session, "before_commit")
def _mark_committed(session):
    """The request's first commit of its work also records that it took effect."""
    claim = g.get("idempotency") if has_request_context() else None
    if claim is None or claim.committed or session is not db.session():
        return
    claim.committed = True
    session.execute(sa.update(IdempotencyRecord).where(IdempotencyRecord.id == claim.id)
                    .values(state=COMMITTED))


def remember(response):
    """after_request: store a successful response for its key; a failure
    releases the key for another attempt."""
    claim = g.pop("idempotency", None)
    if claim is None:
        return response
    try:
        db.session.rollback()  # whatever the view left uncommitted is not part of its effect
        if 200 <= response.status_code < 300:
            db.session.execute(sa.update(IdempotencyRecord).where(IdempotencyRecord.id == claim.id).values(
                state=DONE, status=response.status_code, mimetype=response.mimetype, body=response.get_data()))
        else:
            db.session.execute(sa.delete(IdempotencyRecord).where(IdempotencyRecord.id == claim.id))
        db.session.commit()
    except sa.exc.DBAPIError:
        # The database went away (the response may be its 503): never a 500
        # here. The claim stays; a repeat answers 409 as for one in flight.
        current_app.logger.warning("Idempotency-Key claim %s not settled", claim.id, exc_info=True)
    return response
