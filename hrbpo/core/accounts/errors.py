"""Account errors beyond the core ones (hrbpo.core.errors)."""
from hrbpo.core.errors import DomainError


class WrongPassword(DomainError):
    """An existing account's current password did not match: 401, counted as a failed login."""

    status = 401
    type = "unauthorized"
