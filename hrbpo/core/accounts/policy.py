"""The one password policy, for every place a password is set (invitation,
reset, tenant user, own account, console, CLI).

Rules, in the order a person meets them: 12 to 1024 characters, not the
account's email address, not on the list of common passwords shipped in
`data/` (compared case-insensitively). A refusal is a sentence that says
which rule, marked for the catalogue and translated where it is shown.
"""
import gzip
from functools import cache
from pathlib import Path

from hrbpo.core.errors import Invalid
from hrbpo.core.i18n import N_

MIN_LENGTH, MAX_LENGTH = 12, 1024
DATA = Path(__file__).parent / "data"
TOO_SHORT = N_("Use at least 12 characters.")
TOO_LONG = N_("Use at most 1024 characters.")
IS_EMAIL = N_("Do not use your email address as your password.")
TOO_COMMON = N_("This password is one of the most common ones: choose another.")


@cache
def common_passwords() -> frozenset[str]:
    """The breach list (20,000 entries) plus long common ones, lowercased."""
    with gzip.open(DATA / "common-passwords.txt.gz", "rt", encoding="utf-8") as breach:
        words = {line.strip().lower() for line in breach}
    long_ones = (DATA / "long-common-passwords.txt").read_text(encoding="utf-8").splitlines()
    words.update(line.strip().lower() for line in long_ones if line.strip() and not line.startswith("#"))
    words.discard("")
    return frozenset(words)


def problem(password: str, email: str | None) -> str | None:
    """Why `password` may not be set for `email` (an English sentence), or None."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    if email and password.strip().lower() == email.strip().lower():
        return IS_EMAIL
    if password.lower() in common_passwords():
        return TOO_COMMON
    return None


def validate(password: str, email: str | None, field: str = "password"):
    """Raise Invalid({field: [reason]}) unless `password` passes the policy."""
    reason = problem(password, email)
    if reason:
        raise Invalid({field: [reason]})
