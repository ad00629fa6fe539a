"""Two-factor sign-in (TOTP, RFC 6238) and single-use backup codes.

2FA guards the browser session only: API tokens (`POST /api/v1/auth/token`)
are the non-interactive path and are issued on the password alone.
"""
import base64
import io
import secrets

import pyotp
import qrcode
import qrcode.image.svg

from hrbpo.core import audit, tenancy
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


def code_matches(secret: str | None, code: str) -> bool:
    """A 6-digit code for now or the 30-second step either side (clock drift)."""
    code = "".join(code.split())
    return bool(secret) and code.isdigit() and pyotp.TOTP(secret).verify(code, valid_window=1)


def make_backup_codes() -> list[str]:
    return [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(BACKUP_CODES)]


def _use_backup_code(user, code: str) -> bool:
    code = code.strip().lower()
    for stored in user.backup_codes or []:
        if check_password(stored, code):
            user.backup_codes = [c for c in user.backup_codes if c != stored]  # single use
            return True
    return False


def verify(user, code: str) -> bool:
    """Check a sign-in code: a TOTP code, else a backup code (then spent)."""
    code = (code or "").strip()
    if not user.totp_enabled or not code or len(code) > 32:
        return False
    if code_matches(user.totp_secret, code):
        return True
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


def enable(user, secret: str) -> list[str]:
    """Turn 2FA on with a confirmed secret; returns the backup codes to show once."""
    user.totp_secret, user.totp_enabled = secret, True
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
