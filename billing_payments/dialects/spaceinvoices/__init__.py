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
import re
from decimal import Decimal

from werkzeug.exceptions import HTTPException

from odoo.exceptions import AccessDenied, AccessError, MissingError, UserError

from ...exceptions import (
    ApiError,
    AuthenticationFailed,
    ConcurrentUpdate,
    IdempotencyKeyInFlight,
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
    MalformedBody,
    MethodNotAllowed,
    PermissionDenied,
    UnsupportedMediaType,
)
from .. import common

_logger = logging.getLogger(__name__)

DIALECT = "spaceinvoices"
# The media types a write route parses (common.read_body).
BODY_MIMETYPES = (
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
)


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


# --- the key stays out of the server log -------------------------------------------

# ``access_token=<key>`` in a URL, its name percent-encoded or not.
_ACCESS_TOKEN = re.compile(r"(access(?:_|%5f)token(?:=|%3d))[^&#\s\"'\\]*", re.I)
# The loggers that print request URLs: werkzeug's request lines, odoo.http's
# line for a failed request, and the thread dumps of odoo.tools.misc.
REDACTED_LOGGERS = ("werkzeug", "odoo.http", "odoo.tools.misc")


def redact(text):
    """``text`` with the value of every ``access_token`` parameter as ``***``."""
    return _ACCESS_TOKEN.sub(r"\1***", text)


class RedactAccessToken(logging.Filter):
    """Rewrites a log record whose message holds an ``access_token`` value."""

    billing_redacts_access_token = True  # how install_log_filter finds it

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is not ours to judge
            return True
        if "token" in message.lower():
            redacted = redact(message)
            if redacted != message:
                record.msg, record.args = redacted, ()
        return True


def install_log_filter():
    """Add the filter to each of ``REDACTED_LOGGERS`` once (also on reload)."""
    for name in REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(
            getattr(existing, "billing_redacts_access_token", False)
            for existing in logger.filters
        ):
            logger.addFilter(RedactAccessToken())


install_log_filter()


# --- errors ----------------------------------------------------------------------


_SURROGATE = re.compile("[\ud800-\udfff]")


def error(status, message, name="Error", **extra):
    """An ApiError with LoopBack's body ``{"error": {statusCode, name, message}}``.

    Text echoed from the request cannot break the body: a lone surrogate
    (which UTF-8 cannot encode) becomes U+FFFD.
    """
    body = {"statusCode": status, "name": name, "message": message, **extra}
    return ApiError(status, {"error": _encodable(body)})


def _encodable(value):
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_encodable(key): _encodable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_encodable(item) for item in value]
    return value


def not_found(model_name, record_id):
    """LoopBack's 404 for an id that names nothing the user may see."""
    return error(
        404, f'Unknown "{model_name}" id "{record_id}".', code="MODEL_NOT_FOUND"
    )


def route_not_found():
    """LoopBack's 404 for a path or verb no remote method handles.

    As Express's final handler, it names the path without the query string
    (which may hold ``access_token``).
    """
    httprequest = common.request.httprequest
    return error(404, f"Cannot {httprequest.method} {httprequest.path}")


def unauthorized():
    """401 for both "who are you?" and "not yours" (Space Invoices has no 403)."""
    return error(401, "Authorization Required", code="AUTHORIZATION_REQUIRED")


def bad_request(message, **details):
    """400, e.g. a malformed ``filter``."""
    return error(400, message, details=details) if details else error(400, message)


def unsupported_media_type(mimetype):
    """415, as body-parser's http-errors name it, for a body in another type."""
    sent = f'"{mimetype}"' if mimetype else "none"
    return error(
        415,
        f"Unsupported media type ({sent}): send {', '.join(BODY_MIMETYPES)}.",
        name="UnsupportedMediaTypeError",
    )


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
    status, payload, headers = _error_payload(exc)
    return common.json_response(payload, status=status, headers=headers)


def _error_payload(exc):  # noqa: C901 - one flat mapping reads best
    if isinstance(exc, ApiError):
        return exc.status, exc.payload, exc.headers
    if isinstance(exc, IdempotencyKeyInFlight):
        conflict = error(409, exc.message, name="ConflictError")
        return conflict.status, conflict.payload, {"Retry-After": str(exc.retry_after)}
    if isinstance(
        exc,
        AuthenticationFailed | PermissionDenied | AccessError | AccessDenied,
    ):
        exc = unauthorized()
    elif isinstance(exc, MethodNotAllowed):
        exc = route_not_found()
    elif isinstance(exc, MalformedBody):
        exc = bad_request(exc.message)
    elif isinstance(exc, UnsupportedMediaType):
        exc = unsupported_media_type(exc.mimetype)
    elif isinstance(exc, IdempotencyKeyInvalid):
        exc = bad_request(exc.message)
    elif isinstance(exc, IdempotencyKeyReused):
        exc = error(422, exc.message, name="UnprocessableEntityError")
    elif isinstance(exc, MissingError):
        exc = error(404, "Not Found")
    elif isinstance(exc, ConcurrentUpdate):
        exc = error(409, exc.args[0], name="ConflictError")
    elif isinstance(exc, UserError):  # business rules, lock dates included
        exc = error(422, exc.args[0], name="ValidationError")
    elif isinstance(exc, HTTPException) and exc.code:
        exc = error(exc.code, exc.description or exc.name)
    else:
        _logger.exception("Space Invoices API request failed", exc_info=exc)
        # strong-error-handler in production: no name, no details for 5xx.
        return (
            500,
            {"error": {"statusCode": 500, "message": "Internal Server Error"}},
            {},
        )
    return exc.status, exc.payload, exc.headers


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
