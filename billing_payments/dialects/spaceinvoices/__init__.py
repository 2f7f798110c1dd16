# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Space Invoices API dialect (legacy v1, LoopBack 3 conventions).

Shapes follow LoopBack as Space Invoices runs it: camelCase keys, 32-hex ids
in paths, JSON numbers for amounts, ``YYYY-MM-DD`` payment dates, bare JSON
arrays with the total in ``x-total-count``, and errors as
``{"error": {"statusCode", "name", "message", ...}}`` (strong-error-handler).
readme/ROADMAP.md lists where we deviate, and why.

This module holds routing, authentication, errors and value formats;
``querystring``, ``values`` and ``filters`` compile LoopBack filters, and
``payments`` is the payment resource.
"""

import datetime
import logging
from decimal import Decimal

from werkzeug.exceptions import HTTPException

from odoo.exceptions import AccessDenied, AccessError, MissingError, UserError

from ...exceptions import (
    ApiError,
    AuthenticationFailed,
    MalformedBody,
    MethodNotAllowed,
    PermissionDenied,
)
from .. import common

_logger = logging.getLogger(__name__)

DIALECT = "spaceinvoices"


def route(paths, **kwargs):
    return common.api_route(DIALECT, paths, **kwargs)


def api_key(httprequest):
    """The API key: ``Authorization: <key>`` (LoopBack's raw access token),
    its ``Bearer``/``Token`` forms, or ``?access_token=<key>``."""
    parts = httprequest.headers.get("Authorization", "").split()
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2 and parts[0].lower() in ("bearer", "token"):
        return parts[1]
    if parts:
        raise AuthenticationFailed("Malformed Authorization header.")
    return httprequest.args.get("access_token") or None


# --- errors ----------------------------------------------------------------------


def error(status, message, name="Error", **extra):
    """An ApiError with LoopBack's body ``{"error": {statusCode, name, message}}``."""
    body = {"statusCode": status, "name": name, "message": message, **extra}
    return ApiError(status, {"error": body})


def not_found(model_name, record_id):
    """LoopBack's 404 for an id that names nothing the user may see."""
    return error(
        404, f'Unknown "{model_name}" id "{record_id}".', code="MODEL_NOT_FOUND"
    )


def route_not_found():
    """LoopBack's 404 for a path or verb no remote method handles."""
    httprequest = common.request.httprequest
    return error(
        404, f"Cannot {httprequest.method} {httprequest.full_path.rstrip('?')}"
    )


def unauthorized():
    """401 for both "who are you?" and "not yours" (Space Invoices has no 403)."""
    return error(401, "Authorization Required", code="AUTHORIZATION_REQUIRED")


def bad_request(message, **details):
    """400, e.g. a malformed ``filter``."""
    return error(400, message, details=details) if details else error(400, message)


def validation_failed(model_name, errors):
    """422 ValidationError; ``errors`` maps a property to [(code, message)].

    The body is juggler's ValidationError: one message listing every problem
    and ``details`` with ``codes`` and ``messages`` per property.
    """
    summary = "; ".join(
        f"`{prop}` {message}"
        for prop, problems in errors.items()
        for _c, message in problems
    )
    return error(
        422,
        f"The `{model_name}` instance is not valid. Details: {summary}.",
        name="ValidationError",
        details={
            "context": model_name,
            "codes": {
                p: [code for code, _m in problems] for p, problems in errors.items()
            },
            "messages": {
                p: [message for _c, message in problems]
                for p, problems in errors.items()
            },
        },
    )


def error_response(exc):
    """Render any exception of a Space Invoices request as LoopBack would."""
    status, payload = _error_payload(exc)
    return common.json_response(payload, status=status)


def _error_payload(exc):  # noqa: C901 - one flat mapping reads best
    if isinstance(exc, ApiError):
        return exc.status, exc.payload
    if isinstance(
        exc,
        AuthenticationFailed | PermissionDenied | AccessError | AccessDenied,
    ):
        exc = unauthorized()
    elif isinstance(exc, MethodNotAllowed):
        exc = route_not_found()
    elif isinstance(exc, MalformedBody):
        exc = bad_request(exc.message)
    elif isinstance(exc, MissingError):
        exc = error(404, "Not Found")
    elif isinstance(exc, UserError):  # business rules, lock dates included
        exc = error(422, exc.args[0], name="ValidationError")
    elif isinstance(exc, HTTPException) and exc.code:
        exc = error(exc.code, exc.description or exc.name)
    else:
        _logger.exception("Space Invoices API request failed", exc_info=exc)
        # strong-error-handler in production: no name, no details for 5xx.
        return 500, {"error": {"statusCode": 500, "message": "Internal Server Error"}}
    return exc.status, exc.payload


# --- values ----------------------------------------------------------------------


def json_number(value):
    """A Decimal as the JSON number JavaScript would print: 1000, 12.5."""
    value = Decimal(value).normalize()
    if value == value.to_integral_value():
        return int(value)
    # The shortest repr of the float is the decimal itself (< 16 digits).
    return float(value)


def timestamp(value):
    """A UTC datetime as JavaScript's ``toISOString()``: …T07:59:37.938Z."""
    if not value:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def day_timestamp(value):
    """A date as the midnight-UTC instant LoopBack stores for it."""
    if not value:
        return None
    return timestamp(datetime.datetime.combine(value, datetime.time()))
