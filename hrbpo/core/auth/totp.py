"""Two-factor sign-in (TOTP, RFC 6238) and single-use backup codes.

2FA guards the browser session only: API tokens (`POST /api/v1/auth/token`)
are the non-interactive path and are issued on the password alone.
"""
import base64
import io
import secrets
from datetime import datetime, timezone

import pyotp
import qrcode
import qrcode.image.svg
import sqlalchemy as sa
from pyotp.utils import strings_equal

from hrbpo.core import audit, tenancy
from hrbpo.core.auth.models import User
from hrbpo.core.auth.passwords import check_password, hash_password
from hrbpo.core.db import db

ISSUER = "hrbpo"
BACKUP_CODES = 10


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The otpauth URI as an SVG QR code in a data URI (CSP allows `img-src data:`)."""
    buffer = io.BytesIO()
    qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def matching_step(secret: str | None, code: str) -> int | None:
    """The 30-second step a 6-digit code is for: now or one either side (clock drift)."""
    code = "".join(code.split())
    if not secret or not code.isdigit():
        return None
    otp = pyotp.TOTP(secret)
    now = otp.timecode(datetime.now(timezone.utc))
    return next((step for step in (now - 1, now, now + 1) if strings_equal(otp.generate_otp(step), code)), None)


def _spend(user, step: int) -> bool:
    """Record `step` as used unless it, or a later one, already was (RFC 6238
    5.2: a code signs in once). One conditional UPDATE, committed at once: of
    two concurrent sign-ins with the same code only one changes the row."""
    changed = db.session.execute(
        sa.update(User).where(User.id == user.id,
                              sa.or_(User.last_totp_step.is_(None), User.last_totp_step < step))
        .values(last_totp_step=step))
    db.session.commit()
    return changed.rowcount == 1


def make_backup_codes() -> list[str]:
    return [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(BACKUP_CODES)]


def _use_backup_code(user, code: str) -> bool:
    """Spend a backup code, once: the stored codes are read again under a row
    lock (FOR UPDATE on PostgreSQL, held until the commit), so two sign-ins
    racing with one code, or a session holding an old copy of the user,
    cannot both spend it."""
    code = code.strip().lower()
    current = db.session.execute(
        sa.select(User.backup_codes).where(User.id == user.id).with_for_update()).scalar_one()
    for stored in current or []:
        if check_password(stored, code):
            user.backup_codes = [c for c in current if c != stored]  # single use
            return True
    return False


def verify(user, code: str) -> bool:
    """Check a sign-in code: a TOTP code, else a backup code; either works once."""
    code = (code or "").strip()
    if not user.totp_enabled or not code or len(code) > 32:
        return False
    step = matching_step(user.totp_secret, code)
    if step is not None:
        return _spend(user, step)
    if _use_backup_code(user, code):
        audit.record("user.2fa_backup_code_used", user, {"left": len(user.backup_codes)},
                     tenant_id=tenancy.current_tenant_id())
        db.session.commit()
        return True
    return False


def _new_backup_codes(user) -> list[str]:
    codes = make_backup_codes()
    user.backup_codes = [hash_password(c) for c in codes]
    return codes


def enable(user, secret: str, step: int) -> list[str]:
    """Turn 2FA on with a secret confirmed by the code for `step` (now spent);
    returns the backup codes to show once."""
    user.totp_secret, user.totp_enabled, user.last_totp_step = secret, True, step
    codes = _new_backup_codes(user)
    audit.record("user.2fa_enable", user, tenant_id=tenancy.current_tenant_id())
    db.session.commit()
    return codes


def renew_backup_codes(user) -> list[str]:
    codes = _new_backup_codes(user)
    audit.record("user.2fa_backup_codes_renew", user, tenant_id=tenancy.current_tenant_id())
    db.session.commit()
    return codes


def disable(user):
    user.totp_secret, user.totp_enabled, user.backup_codes = None, False, []
    audit.record("user.2fa_disable", user, tenant_id=tenancy.current_tenant_id())
    db.session.commit()


def required(user, tenant=None, role=None) -> bool:
    """Must this user have 2FA? Operators always; HR admins where the tenant says so."""
    if user.is_operator:
        return True
    return role == "hr_admin" and tenant is not None and bool((tenant.settings or {}).get("require_2fa_hr_admin"))


def enrolment_due(user, tenant=None, role=None) -> bool:
    return required(user, tenant, role) and not user.totp_enabled
