# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plumbing shared by every API dialect (each renders the errors of
``billing_payments.exceptions`` in its own format).

Errors are raised, never returned: an exception that leaves the endpoint makes
Odoo roll the transaction back, and ``ir.http._handle_error`` then asks the
request's dialect to render it. A failed request therefore never commits a
half-done write.
"""

import json
from urllib.parse import urlsplit

from odoo import http
from odoo.http import request

from ..exceptions import MalformedBody, MethodNotAllowed, NotFound, PermissionDenied
from ..money import quantize

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
# Odoo's Billing group: who may change invoices and payments through the APIs.
BILLING_GROUP = "account.group_account_invoice"


# --- routes -----------------------------------------------------------------


def _readonly_for_safe_methods(_controller):
    return request.httprequest.method in SAFE_METHODS


def api_route(dialect, paths, **kwargs):
    """``http.route`` for a stateless JSON API endpoint of ``dialect``.

    Every verb reaches the endpoint, which answers 405 itself, so that the
    405 comes in the dialect's format. No session cookie is set, CSRF does not
    apply (the API key authenticates every call), and safe verbs run on a
    read-only cursor.
    """
    kwargs.setdefault("auth", "billing_api_key")
    return http.route(
        paths,
        type="http",
        csrf=False,
        save_session=False,
        methods=ALL_METHODS,
        readonly=_readonly_for_safe_methods,
        billing_dialect=dialect,
        **kwargs,
    )


def method(*allowed):
    """The request's HTTP verb, which must be one of ``allowed``."""
    verb = request.httprequest.method
    if verb == "HEAD" and "GET" in allowed:
        return "GET"  # werkzeug drops the body of a HEAD response
    if verb not in allowed:
        raise MethodNotAllowed(verb)
    return verb


def check_billing_rights():
    """Writes need Odoo's Billing group; checked before any record lookup."""
    if not request.env.user.has_group(BILLING_GROUP):
        raise PermissionDenied()


def find_by_uuid(model, value, label):
    """The record of ``model`` with this uuid that the user may read."""
    record = model._billing_search_uuid(value)
    if not record:
        raise NotFound(label)
    return record


# --- values ------------------------------------------------------------------


def format_decimal(value, places):
    """``value`` as a string with exactly ``places`` decimals (half-even)."""
    return str(quantize(value, places))


def absolute_url(path):
    """``path`` made absolute with the scheme and host of the request."""
    return request.httprequest.host_url.rstrip("/") + path


def url_path(value):
    """The path of a URL (scheme and host are ignored when resolving links)."""
    return urlsplit(value).path


# --- bodies and responses ------------------------------------------------------


def read_body(httprequest=None):
    """(data, files) of a JSON, urlencoded or multipart request body.

    Form fields are plain strings; files are werkzeug FileStorage objects.
    ``httprequest`` defaults to the current request's.
    """
    httprequest = httprequest or request.httprequest
    if httprequest.mimetype in (
        "multipart/form-data",
        "application/x-www-form-urlencoded",
    ):
        data = {key: httprequest.form.get(key) for key in httprequest.form}
        return data, dict(httprequest.files.items())
    raw = httprequest.get_data(cache=True)
    if not raw.strip():
        return {}, {}
    try:
        return json.loads(raw), {}
    except ValueError as error:
        raise MalformedBody(f"JSON parse error - {error}") from error


def json_response(payload, status=200, headers=None):
    body = "" if payload is None else json.dumps(payload, ensure_ascii=False)
    response = request.make_response(body, status=status)
    if payload is not None:
        response.headers["Content-Type"] = "application/json"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
