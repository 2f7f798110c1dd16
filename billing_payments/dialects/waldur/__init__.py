# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Waldur billing API dialect (Django REST framework conventions).

Shapes follow the real Waldur server and its official client
(``waldur-api-client``): uuids as 32 hex, absolute hyperlinks with a trailing
slash, bare JSON arrays with ``Link``/``X-Result-Count`` headers for lists,
DRF error bodies (readme/ROADMAP.md lists where we deviate, and why).

This module holds routing, authentication and errors; ``query`` the list
parameters, ``fields`` body validation, ``pagination`` the list pages, and
one module per resource the protocol every route uses: ``find``, a list
response, ``parse_create``/``parse_update`` and ``render``.
"""

import logging
import re

from werkzeug.exceptions import HTTPException

from odoo.exceptions import AccessDenied, AccessError, MissingError, UserError

from ...exceptions import (
    ApiError,
    AuthenticationFailed,
    BillingConflictError,
    IdempotencyKeyInFlight,
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
    InvalidPage,
    MalformedBody,
    MethodNotAllowed,
    NotFound,
    PermissionDenied,
    UnsupportedMediaType,
)
from .. import common

_logger = logging.getLogger(__name__)

DIALECT = "waldur"
PERMISSION_DENIED = "You do not have permission to perform this action."
_AUTH_SCHEMES = ("token", "bearer")
# The uuid forms of the contract: 32 hex digits or the hyphenated 8-4-4-4-12
# form. ``uuid.UUID`` also takes braces, ``urn:uuid:`` and surrounding
# spaces, which the Waldur SDK never sends and the v1 dialect refuses.
_UUID_FORMS = re.compile(
    r"[0-9a-fA-F]{32}|[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"
)


def route(paths, **kwargs):
    return common.api_route(DIALECT, paths, **kwargs)


def api_key(httprequest):
    """The API key of an ``Authorization: Token|Bearer <key>`` header.

    Returns None when the header is absent or uses another scheme, and raises
    AuthenticationFailed when the scheme is ours but the key is malformed.
    """
    parts = httprequest.headers.get("Authorization", "").split()
    if not parts or parts[0].lower() not in _AUTH_SCHEMES:
        return None
    if len(parts) == 1:
        raise AuthenticationFailed("Invalid token. No credentials provided.")
    if len(parts) > 2:
        raise AuthenticationFailed(
            "Invalid token. Token string should not contain spaces."
        )
    return parts[1]


def is_uuid(value):
    """True for a uuid in one of the contract's two forms."""
    return isinstance(value, str) and bool(_UUID_FORMS.fullmatch(value))


def find_by_uuid(model, value, label):
    """``common.find_by_uuid`` for the contract's uuid forms only (else 404)."""
    if not is_uuid(value):
        raise NotFound(label)
    return common.find_by_uuid(model, value, label)


# --- errors -------------------------------------------------------------------


def validation_error(errors):
    """400 with DRF's field errors ``{"field": ["message"]}`` or a bare list."""
    return ApiError(400, errors)


def invalid_choice(name, value):
    """400 for a value that is not one of a parameter's choices."""
    return validation_error(
        {name: [f"Select a valid choice. {value} is not one of the available choices."]}
    )


def error_response(exc):
    """Render any exception of a Waldur request as DRF would."""
    status, payload, headers = _error_parts(exc)
    return common.json_response(payload, status=status, headers=headers)


def _error_parts(exc):  # noqa: C901 - one flat mapping reads best
    if isinstance(exc, ApiError):
        return exc.status, exc.payload, exc.headers
    if isinstance(exc, AuthenticationFailed):
        return 401, {"detail": exc.message}, {"WWW-Authenticate": "Token"}
    if isinstance(exc, PermissionDenied | AccessError | AccessDenied):
        return 403, {"detail": PERMISSION_DENIED}, {}
    if isinstance(exc, NotFound):
        return 404, {"detail": f"No {exc.label} matches the given query."}, {}
    if isinstance(exc, InvalidPage):
        return 404, {"detail": "Invalid page."}, {}
    if isinstance(exc, MethodNotAllowed):
        return 405, {"detail": f'Method "{exc.method}" not allowed.'}, {}
    if isinstance(exc, MalformedBody):
        return 400, {"detail": exc.message}, {}
    if isinstance(exc, UnsupportedMediaType):
        media_type = exc.content_type
        return 415, {"detail": f'Unsupported media type "{media_type}" in request.'}, {}
    if isinstance(exc, IdempotencyKeyInvalid):
        return 400, {"detail": exc.message}, {}
    if isinstance(exc, IdempotencyKeyReused):
        return 422, {"detail": exc.message}, {}
    if isinstance(exc, IdempotencyKeyInFlight):
        return 409, {"detail": exc.message}, {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, MissingError):
        return 404, {"detail": "Not found."}, {}
    if isinstance(exc, BillingConflictError):
        return 409, {"detail": exc.args[0]}, {}
    if isinstance(exc, UserError):  # ValidationError included
        return 400, [exc.args[0]], {}
    if isinstance(exc, HTTPException) and exc.code:
        return exc.code, {"detail": exc.description}, {}
    _logger.exception("Waldur API request failed", exc_info=exc)
    return 500, {"detail": "A server error occurred."}, {}


def detail_url(prefix, record):
    """``{base}/api/<prefix>/<uuid hex>/``."""
    return common.absolute_url(f"/api/{prefix}/{record.uuid}/")


def created_response(prefix, record, payload):
    """201 with the created ``payload`` and its ``Location``."""
    return common.json_response(
        payload, status=201, headers={"Location": detail_url(prefix, record)}
    )
