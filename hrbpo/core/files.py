"""Tenant-private file storage (evidence, resumes, life-event proof).

Files are kept outside the web root under HRBPO_UPLOAD_DIR/<tenant>/<id>,
their type judged by content (magic bytes), never by name or the client's
Content-Type. Serving goes through `send()` after the caller's own check,
under a name made from the judged type (the uploader's name may lie about
the type, and is theirs to choose: quotes, line breaks, any script).
"""
import hashlib
import io
import uuid
import zipfile
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from flask import current_app, send_file
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.utils import secure_filename

from hrbpo.core import audit, tenancy
from hrbpo.core.api.base import get_or_404
from hrbpo.core.db import TenantScoped, Timestamped, db
from hrbpo.core.errors import DomainError, Invalid

PDF, PNG, JPEG, DOCX = "application/pdf", "image/png", "image/jpeg", \
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EVIDENCE_TYPES = (PDF, PNG, JPEG)
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", DOCX: "docx", "text/csv": "csv", "application/edi-x12": "x12"}


class TooLarge(DomainError):
    status = 413
    type = "payload-too-large"


class UnsupportedType(DomainError):
    status = 415
    type = "unsupported-media-type"


class StoredFile(TenantScoped, Timestamped, db.Model):
    __tablename__ = "stored_files"

    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.Integer)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    purpose: Mapped[str] = mapped_column(sa.String(40), default="evidence")


def sniff(head: bytes, data: bytes) -> str | None:
    """The real type of a file from its first bytes."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX
        except zipfile.BadZipFile:
            return None
    return None


def _path(tenant_id, file_id) -> Path:
    return Path(current_app.config["HRBPO_UPLOAD_DIR"]) / str(tenant_id) / str(file_id)


def store(upload, allowed=EVIDENCE_TYPES, purpose="evidence", max_bytes=None, uploaded_by=None) -> StoredFile:
    """Validate and keep an uploaded file (a werkzeug FileStorage) for the current tenant."""
    limit = max_bytes or current_app.config["HRBPO_MAX_UPLOAD_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"The file is larger than {limit // (1024 * 1024)} MiB.")
    if not data:
        raise Invalid({"file": ["The file is empty."]})
    kind = sniff(data[:16], data)
    if kind not in allowed:
        names = ", ".join(t.split("/")[-1].split(".")[-1].upper() for t in allowed)
        raise UnsupportedType(f"Only {names} files are accepted (judged by content, not by name).")
    stored = StoredFile(filename=secure_filename(upload.filename or "") or "upload", content_type=kind,
                        size=len(data), sha256=hashlib.sha256(data).hexdigest(), uploaded_by=uploaded_by,
                        purpose=purpose)
    db.session.add(stored)
    db.session.flush()
    path = _path(stored.tenant_id, stored.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    audit.record("file.upload", stored, {"filename": stored.filename, "type": kind, "size": len(data)})
    return stored


def keep(upload, content_type: str, purpose: str, uploaded_by=None) -> StoredFile:
    """Keep an upload as it is (no type check: the caller reads it as `content_type`),
    copied in chunks, so a big file never sits in memory."""
    stored = StoredFile(filename=secure_filename(upload.filename or "") or "upload", content_type=content_type,
                        size=0, sha256="", uploaded_by=uploaded_by, purpose=purpose)
    db.session.add(stored)
    db.session.flush()
    path = _path(stored.tenant_id, stored.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with path.open("wb") as out:
        while chunk := upload.stream.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
            stored.size += len(chunk)
    stored.sha256 = digest.hexdigest()
    return stored


def keep_bytes(data: bytes, filename: str, content_type: str, purpose: str) -> StoredFile:
    """Keep a file the app made (an export) for the current tenant."""
    stored = StoredFile(filename=secure_filename(filename) or "export", content_type=content_type, size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), purpose=purpose)
    db.session.add(stored)
    db.session.flush()
    path = _path(stored.tenant_id, stored.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return stored


def open_stored(stored: StoredFile):
    """The stored file, open for reading in binary."""
    return _path(stored.tenant_id, stored.id).open("rb")


def discard(stored: StoredFile):
    """Forget a stored file: its row now, its bytes once that commits (hrbpo.core.jobs runs it after)."""
    db.session.delete(stored)
    return lambda: _path(stored.tenant_id, stored.id).unlink(missing_ok=True)


def get(file_id) -> StoredFile:
    return get_or_404(StoredFile, file_id, "File not found.")


def read(stored: StoredFile) -> bytes:
    return _path(stored.tenant_id, stored.id).read_bytes()


def extension(stored: StoredFile) -> str:
    """The judged type's file name extension."""
    return EXTENSIONS.get(stored.content_type, "bin")


def download_name(stored: StoredFile) -> str:
    """What a stored file is called when it leaves: its purpose, its id and its judged type's extension."""
    return f"{stored.purpose.replace('_', '-')}-{stored.id}.{extension(stored)}"


def disposition(filename: str, inline: bool = False) -> str:
    """A Content-Disposition value (RFC 6266): an ASCII `filename` without
    quotes or controls for old clients, and the exact name as `filename*` (RFC 5987)."""
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in filename)
    return f"{'inline' if inline else 'attachment'}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def send(stored: StoredFile, inline: bool = False):
    """A download response; the caller has already checked who may see it."""
    response = send_file(_path(tenancy.require_tenant_id(), stored.id), mimetype=stored.content_type)
    response.headers["Content-Disposition"] = disposition(download_name(stored), inline)
    return response
