"""`Idempotency-Key` on POST: a repeat with the same key and body returns the
first (successful) response and changes nothing; the same key with another
body is a client error (422). Keys are per user."""
import hashlib
import uuid
from datetime import datetime

import sqlalchemy as sa
from flask import abort, current_app, g, request
from sqlalchemy.orm import Mapped, mapped_column

from hrbpo.core.db import TZDateTime, db, new_id, utcnow

HEADER = "Idempotency-Key"


class IdempotencyRecord(db.Model):
    __tablename__ = "idempotency_records"
    __table_args__ = (sa.UniqueConstraint("user_id", "key"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(255))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[int] = mapped_column(sa.Integer)
    mimetype: Mapped[str] = mapped_column(sa.String(100))
    body: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


def _fingerprint() -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def replay():
    """before_request: answer a repeated request from the stored response."""
    key = request.headers.get(HEADER)
    if not key or request.method != "POST" or g.get("user") is None:
        return None
    if len(key) > 255:
        abort(400, f"{HEADER} is longer than 255 characters.")
    fingerprint = _fingerprint()
    record = db.session.scalars(
        sa.select(IdempotencyRecord).where(IdempotencyRecord.user_id == g.user.id, IdempotencyRecord.key == key)
    ).first()
    if record is None:
        g.idempotency = (key, fingerprint)
        return None
    if record.fingerprint != fingerprint:
        abort(422, f"This {HEADER} was already used for a different request.")
    response = current_app.response_class(record.body, status=record.status, mimetype=record.mimetype)
    response.headers["Idempotent-Replayed"] = "true"
    return response


def remember(response):
    """after_request: keep a successful response for its key."""
    pending = g.pop("idempotency", None)
    if pending is None or not 200 <= response.status_code < 300:
        return response
    key, fingerprint = pending
    db.session.rollback()
    db.session.add(IdempotencyRecord(user_id=g.user.id, key=key, fingerprint=fingerprint,
                                     status=response.status_code, mimetype=response.mimetype,
                                     body=response.get_data()))
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # a concurrent twin stored it first
        db.session.rollback()
    return response
