"""Plumbing shared by every API dialect.

Errors are raised, never returned: an exception that leaves the endpoint makes
Odoo roll the transaction back, and ``ir.http._handle_error`` then asks the
request's dialect to render it. A failed request therefore never commits a
half-done write.
"""

import json
import math
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from odoo import http
from odoo.exceptions import AccessDenied
from odoo.http import request

from ..money import quantize

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
# Odoo's Billing group: who may change invoices and payments through the APIs.
BILLING_GROUP = "account.group_account_invoice"


# --- errors every dialect renders in its own format ------------------------


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


class InvalidPage(Exception):
    """A page number outside the result (404)."""


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


def read_body():
    """(data, files) of a JSON, urlencoded or multipart request body.

    Form fields are plain strings; files are werkzeug FileStorage objects.
    """
    httprequest = request.httprequest
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


# --- page-number pagination -----------------------------------------------------


def _replace_query_param(url, key, value):
    """DRF's helper: the URL with ``key`` set, query re-encoded and sorted."""
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    if value is None:
        params.pop(key, None)
    else:
        params[key] = [str(value)]
    query = urlencode(sorted(params.items()), doseq=True)
    return urlunsplit((scheme, netloc, path, query, fragment))


def _positive_int(value, cutoff):
    number = int(value)
    if number <= 0:
        raise ValueError(value)
    return min(number, cutoff)


class Pagination:
    """Page ``page`` of ``count`` rows, with ``Link`` and ``X-Result-Count``.

    The rules are Django REST framework's: ``page`` is 1-based (``last`` is
    accepted) and out of range → InvalidPage; a missing or invalid
    ``page_size`` falls back to the default, a large one is capped.
    """

    def __init__(self, count, default_size=10, max_size=300):
        args = request.httprequest.args
        try:
            self.size = _positive_int(args["page_size"], max_size)
        except (KeyError, ValueError):
            self.size = default_size
        self.count = count
        self.num_pages = max(1, math.ceil(self.count / self.size))
        raw_page = args.get("page", "1")
        if raw_page == "last":
            self.number = self.num_pages
        else:
            try:
                self.number = int(raw_page)
            except ValueError as error:
                raise InvalidPage() from error
        if not 1 <= self.number <= self.num_pages:
            raise InvalidPage()
        self.offset = (self.number - 1) * self.size

    def _link(self, number):
        url = request.httprequest.url
        return _replace_query_param(url, "page", None if number == 1 else number)

    def headers(self):
        links = [(self._link(1), "first")]
        if self.number > 1:
            links.append((self._link(self.number - 1), "prev"))
        if self.number < self.num_pages:
            links.append((self._link(self.number + 1), "next"))
        links.append((self._link(self.num_pages), "last"))
        return {
            "X-Result-Count": str(self.count),
            "Link": ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links),
        }


class PageNumberPage(Pagination):
    """One page of an ORM search: ``records``."""

    def __init__(self, model, domain, order, **kwargs):
        # Without read access a list is empty rather than an error.
        readable = model.has_access("read")
        super().__init__(model.search_count(domain) if readable else 0, **kwargs)
        self.records = model.browse()
        if self.count:
            self.records = model.search(
                domain, order=order, limit=self.size, offset=self.offset
            )


class SequencePage(Pagination):
    """One page of rows already computed (e.g. grouped totals): ``rows``."""

    def __init__(self, rows, **kwargs):
        super().__init__(len(rows), **kwargs)
        self.rows = rows[self.offset : self.offset + self.size]
