"""Domain errors raised by services; the API and pages turn them into 4xx."""


class DomainError(Exception):
    status = 400
    type = "bad-request"

    def __init__(self, detail="", errors=None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class Invalid(DomainError):
    """Input that breaks a rule: 422 with `errors` per field."""

    status = 422
    type = "validation-error"

    def __init__(self, errors: dict, detail="The request has invalid fields."):
        super().__init__(detail, errors)


class Conflict(DomainError):
    """Clashes with the current state (duplicate, wrong step, window closed): 409."""

    status = 409
    type = "conflict"


class NotFound(DomainError):
    status = 404
    type = "not-found"


class Forbidden(DomainError):
    status = 403
    type = "forbidden"
