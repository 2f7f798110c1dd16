# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every exception of the addon, in one plain module (no ORM).

Models raise the business ones (Odoo ``UserError`` subclasses, which the web
client shows as dialogs); the API dialects raise the request ones. Each
dialect renders both in its own error format (``error_response``).
"""

from odoo.exceptions import AccessDenied, UserError, ValidationError

# --- business errors (raised by models) -------------------------------------


class BillingConflictError(UserError):
    """The operation conflicts with the record's current state.

    The APIs answer it with 409 Conflict (a locked period, a record still in
    use, a state that does not allow the operation).
    """


class ConcurrentUpdate(BillingConflictError):
    """Another request changed the same records at the same time (a unique
    index, a serialization failure once Odoo's retries ran out). Both
    dialects answer 409 with a plain message, never the database's text."""


class ProofRejected(ValidationError):
    """A proof-of-payment file that is not accepted.

    ``too_large`` tells a file over the size limit (the Waldur API answers
    413) from one of a refused type (400).
    """

    def __init__(self, message, too_large=False):
        super().__init__(message)
        self.too_large = too_large


# --- request errors (raised by the dialects) ---------------------------------


class ApiError(Exception):
    """An error response already shaped by its dialect."""

    def __init__(self, status, payload, headers=None):
        super().__init__(status, payload)
        self.status = status
        self.payload = payload
        self.headers = headers or {}


class AuthenticationFailed(AccessDenied):
    """No valid API key (401).

    An AccessDenied, because ``ir.http`` lets only those (and HTTP errors)
    leave an authentication method unchanged.
    """

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class PermissionDenied(Exception):
    """Authenticated, but not allowed to do this (403)."""


class NotFound(Exception):
    """No such record visible to the user (404); ``label`` names its kind."""

    def __init__(self, label):
        super().__init__(label)
        self.label = label


class MethodNotAllowed(Exception):
    """The route exists but not for this HTTP verb (405)."""

    def __init__(self, method):
        super().__init__(method)
        self.method = method


class MalformedBody(Exception):
    """The request body cannot be parsed (400)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class UnsupportedMediaType(Exception):
    """A request body in a media type the endpoint does not parse (415).

    ``mimetype`` is the request's media type without parameters ("" when the
    request sends a body without ``Content-Type``); ``content_type`` is the
    whole header as sent (DRF quotes that one in its message).
    """

    def __init__(self, mimetype, content_type=None):
        super().__init__(mimetype)
        self.mimetype = mimetype
        self.content_type = mimetype if content_type is None else content_type


class InvalidPage(Exception):
    """A page number outside the result (404)."""


class FilterError(Exception):
    """A Space Invoices filter that cannot be understood (400).

    ``path`` names the culprit (e.g. ``where.amount.gt``).
    """

    def __init__(self, message, path=""):
        super().__init__(message)
        self.message = message
        self.path = path


# --- Idempotency-Key errors (raised before the request's handler runs) ------


class IdempotencyKeyInvalid(Exception):
    """An ``Idempotency-Key`` header that is empty, too long or holds control
    characters (400)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class IdempotencyKeyReused(Exception):
    """The user's ``Idempotency-Key`` was already used, within its retention,
    for a different request (method, path, query or body): 422."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class IdempotencyKeyInFlight(Exception):
    """Another request with the same user and ``Idempotency-Key`` is still
    being processed (409, with ``Retry-After``)."""

    retry_after = 1  # seconds

    def __init__(self, message):
        super().__init__(message)
        self.message = message
