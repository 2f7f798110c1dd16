# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plumbing shared by every API dialect (each renders the errors of
``billing_payments.exceptions`` in its own format).

Errors are raised, never returned: an exception that leaves the endpoint makes
Odoo roll the transaction back, and ``ir.http._handle_error`` then asks the
request's dialect to render it. A failed request therefore never commits a
half-done write.
"""

import datetime
import functools
import hashlib
import io
import json
import re
import unicodedata
from decimal import Decimal
from urllib.parse import quote, urlsplit

from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.formparser import FormDataParser

from odoo import http
from odoo.http import request
from odoo.modules.module import get_manifest
from odoo.tools import config

from ..exceptions import (
    IdempotencyKeyInvalid,
    MalformedBody,
    MethodNotAllowed,
    NotFound,
    PermissionDenied,
    UnsupportedMediaType,
)
from ..money import quantize
from . import fingerprint

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
# Odoo's Billing group: who may change invoices and payments through the APIs.
BILLING_GROUP = "account.group_account_invoice"
# Odoo's own limit on the in-memory part of a form (odoo.http.HTTPRequest).
MAX_FORM_MEMORY_SIZE = 10 * 1024 * 1024


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
    # "f": never the exponent form str() gives small values ("0E-10").
    return f"{quantize(value, places):f}"


# A Host header as RFC 3986 allows it: a DNS name or IPv4 address, or an
# IPv6 literal in brackets, with an optional port.
_HOST_RE = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9_.-]*)|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?"
)


def is_valid_host(value):
    """True for a well-formed ``Host`` header value."""
    return bool(value) and bool(_HOST_RE.fullmatch(value))


def base_url():
    """The scheme and host the API's links use, without a trailing slash.

    Odoo's ``web.base.url``, never the request's ``Host`` header, which any
    client can forge. Behind a proxy (Odoo run with ``--proxy-mode``), the
    host the proxy forwards (``X-Forwarded-Host``/``-Proto``, which Odoo's
    ProxyFix has already applied to the request) wins.
    """
    # A page of 100 invoices links 2,100 records: read the setting once per
    # request and environment (authentication replaces the environment, and
    # with it the user and the company). Keyed by the environment object
    # itself: each lookup through the ``request`` proxy costs microseconds,
    # and this runs for every link of a page.
    # The request itself, not werkzeug's proxy (a plain object stands in for
    # it in unit tests).
    unwrap = getattr(request, "_get_current_object", None)
    current = unwrap() if unwrap else request
    env = current.env
    memo = current.__dict__.get("_billing_base_url")
    if memo and memo[0] is env:
        return memo[1]
    httprequest = current.httprequest
    if config["proxy_mode"] and httprequest.headers.get("X-Forwarded-Host"):
        url = httprequest.host_url.rstrip("/")
    else:
        url = (env.company.get_base_url() or "").rstrip("/")
    current._billing_base_url = (env, url)
    return url


def absolute_url(path):
    """``path`` made absolute with the API's trusted ``base_url``."""
    return base_url() + path


def request_url():
    """The current request's URL (path and query string) on ``base_url``,
    as pagination links need it."""
    httprequest = request.httprequest
    url = base_url() + quote(httprequest.path, safe="/:@!$&'()*+,;=-._~")
    query = httprequest.query_string.decode("latin-1")
    return f"{url}?{query}" if query else url


def protect_response(response):
    """Headers every API response carries, errors and files included.

    Responses hold one user's data: no cache may store them, and one made
    for a key must never be served for another.
    """
    # A GET answer with an ETag may be kept by the client itself (never by a
    # shared cache) and must be revalidated before each use; all the others
    # must not be stored at all (see the ETag section below).
    response.headers["Cache-Control"] = (
        ETAG_CACHE_CONTROL if "ETag" in response.headers else "no-store"
    )
    response.vary.add("Authorization")
    return response


def url_path(value):
    """The path of a URL (scheme and host are ignored when resolving links)."""
    return urlsplit(value).path


# --- bodies and responses ------------------------------------------------------


# JSON bodies nested deeper than this are refused (no request of the APIs
# needs more than a few levels; a deep one only costs recursion and memory).
MAX_JSON_DEPTH = 32


def _json_depth_exceeded(value, limit):
    """True when ``value`` holds containers nested more than ``limit`` deep."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _refuse_constant(name):
    # DRF (STRICT_JSON) refuses NaN and Infinity, which are not JSON.
    raise ValueError(f"Out of range float values are not JSON compliant: {name!r}")


def _parse_json(raw):
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError as error:
        raise MalformedBody(
            f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels"
        ) from error
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError too
        raise MalformedBody(f"JSON parse error - {error}") from error
    if _json_depth_exceeded(data, MAX_JSON_DEPTH):
        raise MalformedBody(
            f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels"
        )
    return data


def _parse_multipart(httprequest, raw):
    """(form, files) of a multipart body, refusing one that does not parse.

    werkzeug's own parser (``httprequest.form``) is silent: a missing or
    wrong boundary, or a truncated body, reads as an empty form. The body is
    parsed again here, strictly, from the copy ``ir.http`` keeps.
    """
    if not httprequest.mimetype_params.get("boundary"):
        raise MalformedBody(
            "Multipart form parse error - Invalid boundary in multipart: None"
        )
    parser = FormDataParser(
        max_content_length=httprequest.max_content_length,
        max_form_memory_size=MAX_FORM_MEMORY_SIZE,
        silent=False,
        cls=ImmutableMultiDict,
    )
    try:
        _stream, form, files = parser.parse(
            io.BytesIO(raw),
            httprequest.mimetype,
            len(raw),
            httprequest.mimetype_params,
        )
    except ValueError as error:
        raise MalformedBody(
            "Multipart form parse error - the body does not match its boundary "
            "or ends before its last part"
        ) from error
    return form, files


def read_body(httprequest=None):
    """(data, files) of a JSON, urlencoded or multipart request body.

    Form fields are plain strings; files are werkzeug FileStorage objects.
    ``httprequest`` defaults to the current request's. A body that does not
    parse in its declared type raises MalformedBody (JSON nested deeper than
    ``MAX_JSON_DEPTH`` too); a body in any other media type (or with no
    ``Content-Type`` at all) raises UnsupportedMediaType. An empty body is an
    empty ``data``, whatever its type.
    """
    httprequest = httprequest or request.httprequest
    mimetype = httprequest.mimetype or ""
    if mimetype == "application/x-www-form-urlencoded":
        data = {key: httprequest.form.get(key) for key in httprequest.form}
        return data, {}
    raw = httprequest.get_data(cache=True)
    if mimetype == "multipart/form-data":
        if raw:
            form, files = _parse_multipart(httprequest, raw)
        else:
            # An empty body, or one werkzeug parsed before a copy was kept
            # (outside ir.http's dispatch): its reading is all there is.
            form, files = httprequest.form, httprequest.files
        data = {key: form.get(key) for key in form}
        return data, dict(files.items())
    if not raw.strip():
        return {}, {}
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise UnsupportedMediaType(
            mimetype, httprequest.headers.get("Content-Type", "")
        )
    return _parse_json(raw), {}


def keep_form_body(httprequest):
    """Keep a copy of a form body before werkzeug parses it (silently).

    Called by ``ir.http`` before Odoo reads the request's parameters, so that
    ``read_body`` can parse a multipart body again and refuse a broken one.
    """
    if httprequest.mimetype == "multipart/form-data":
        httprequest.get_data(cache=True)


def json_response(payload, status=200, headers=None):
    body = "" if payload is None else json.dumps(payload, ensure_ascii=False)
    response = request.make_response(body, status=status)
    if payload is not None:
        response.headers["Content-Type"] = "application/json"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


# --- Idempotency-Key ------------------------------------------------------------

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX_LENGTH = 255
REPLAYED_HEADER = "Idempotent-Replayed"
# The headers of a stored response that its replays send again; the others
# (Cache-Control, Vary, Content-Length...) are made anew for each response.
REPLAYED_RESPONSE_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Location",
    "Link",
    "X-Result-Count",
    "X-Total-Count",
)
# Query parameters that are not part of the request (a credential).
_UNFINGERPRINTED_PARAMETERS = ("access_token",)


def idempotency_key(httprequest):
    """The ``Idempotency-Key`` of a POST, None without one or for other verbs
    (GET, PUT, PATCH and DELETE are idempotent by themselves).

    Raises IdempotencyKeyInvalid for an empty key, one longer than
    ``IDEMPOTENCY_KEY_MAX_LENGTH`` characters, or one with control characters.
    """
    if httprequest.method != "POST":
        return None
    key = httprequest.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not key.strip():
        raise IdempotencyKeyInvalid("The Idempotency-Key header must not be empty.")
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise IdempotencyKeyInvalid(
            "The Idempotency-Key header must be at most "
            f"{IDEMPOTENCY_KEY_MAX_LENGTH} characters long."
        )
    if any(unicodedata.category(char) == "Cc" for char in key):
        raise IdempotencyKeyInvalid(
            "The Idempotency-Key header must not contain control characters."
        )
    return key


def request_fingerprint(httprequest):
    """SHA-256 (hex) of what makes a request the same request.

    The verb, the path, the query parameters (sorted; ``access_token``, a
    credential, left out) and a canonical form of the body: JSON by value
    (key order, spacing and number spelling such as 1, 1.0 and 1e0 do not
    matter), form fields sorted, uploaded files by field name, file name and
    the SHA-256 of their content (so a multipart retry with another boundary
    matches). A body that does not parse counts by its raw bytes.
    """
    query = sorted(
        [name, value]
        for name, value in httprequest.args.items(multi=True)
        if name not in _UNFINGERPRINTED_PARAMETERS
    )
    canonical = [
        httprequest.method,
        httprequest.path,
        query,
        _canonical_body(httprequest),
    ]
    text = json.dumps(canonical, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _canonical_body(httprequest):
    mimetype = httprequest.mimetype or ""
    if mimetype == "application/x-www-form-urlencoded":
        return ["form", sorted(map(list, httprequest.form.items(multi=True))), []]
    raw = httprequest.get_data(cache=True)
    if mimetype == "multipart/form-data" and raw:
        try:
            form, files = _parse_multipart(httprequest, raw)
        except MalformedBody:
            return ["raw", mimetype, hashlib.sha256(raw).hexdigest()]
        return [
            "form",
            sorted(map(list, form.items(multi=True))),
            sorted(
                [name, upload.filename or "", hashlib.sha256(upload.read()).hexdigest()]
                for name, upload in files.items(multi=True)
            ),
        ]
    if mimetype == "multipart/form-data" or not raw.strip():
        return ["empty"]
    if mimetype == "application/json" or mimetype.endswith("+json"):
        canonical = _canonical_json_body(raw)
        if canonical is not None:
            return ["json", canonical]
    # Compared by its bytes (a body that does not parse is refused anyway).
    return ["raw", mimetype, hashlib.sha256(raw).hexdigest()]


def _canonical_json_body(raw):
    """The canonical form of a JSON body; None when it does not parse."""
    try:
        data = json.loads(
            raw, parse_float=Decimal, parse_int=Decimal, parse_constant=_refuse_constant
        )
    except (ValueError, RecursionError):
        return None
    if _json_depth_exceeded(data, MAX_JSON_DEPTH):
        return None
    return _canonical_json(data)


def _canonical_json(value):
    """``value`` with a tag per JSON type, objects as sorted pairs and numbers
    normalised, so that two spellings of one JSON value compare equal and
    values of different types never do."""
    if isinstance(value, dict):
        return [
            "o",
            sorted([key, _canonical_json(item)] for key, item in value.items()),
        ]
    if isinstance(value, list):
        return ["a", [_canonical_json(item) for item in value]]
    if isinstance(value, Decimal):
        return ["n", str(value.normalize())]
    if isinstance(value, bool):
        return ["b", value]
    if value is None:
        return ["z"]
    return ["s", value]


def replayable_response(response):
    """(status, headers, body text) of ``response`` to store; body None when it
    cannot be replayed (a streamed or non-UTF-8 body)."""
    headers = [
        (name, value)
        for name in REPLAYED_RESPONSE_HEADERS
        for value in response.headers.getlist(name)
    ]
    body = None
    if not response.is_streamed and not response.direct_passthrough:
        try:
            body = response.get_data().decode("utf-8")
        except UnicodeDecodeError:
            body = None
    return response.status_code, headers, body


def replayed_response(status, headers, body):
    """The stored response again, marked ``Idempotent-Replayed: true``."""
    response = request.make_response(body, headers=list(headers), status=status)
    response.headers[REPLAYED_HEADER] = "true"
    return response


# --- conditional GET (ETag / If-None-Match) ---------------------------------------

# What a tagged GET answer allows: only the client's own (private) cache may
# keep it, and only to revalidate it (no-cache) before every use.
ETAG_CACHE_CONTROL = "private, no-cache"
# Part of every tag: bump it when the hashing or the rendering format changes,
# so that no tag of an older version ever matches.
ETAG_VERSION = b"billing_payments-etag-2"
# The headers that belong to the representation, hashed with the body: page 1
# of a list may keep its rows while its X-Result-Count or Link changes.
ETAG_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Link",
    "X-Result-Count",
    "X-Total-Count",
)
# The headers a 304 drops (RFC 9110, 15.4.5: the ETag, Cache-Control and Vary
# of the 200 stay; the body's own metadata goes with the body).
_NOT_MODIFIED_DROPPED = ("Content-Length", *ETAG_HEADERS)
_JSON_MIMETYPE = re.compile(r"^application/(?:[\w.+-]+\+)?json$")


def entity_tag(response):
    """The opaque validator of a rendered answer: SHA-256 of its body and of
    its representation headers (32 hex digits).

    Computed from what the client would receive, so it changes whenever the
    answer does, whatever caused it (a record, its dependencies, the query
    string, the user's rights, the addon's version), and never otherwise.
    """
    digest = hashlib.sha256(ETAG_VERSION)
    for name in ETAG_HEADERS:
        for value in response.headers.getlist(name):
            digest.update(f"\n{name}: {value}".encode())
    digest.update(b"\n\n")
    digest.update(response.get_data())
    return digest.hexdigest()[:32]


def is_taggable(httprequest, response):
    """True for a JSON 200 answer to a GET or HEAD (files and errors are
    never tagged)."""
    return (
        httprequest.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.is_streamed
        and not response.direct_passthrough
        and bool(_JSON_MIMETYPE.match(response.mimetype or ""))
    )


def conditional_response(httprequest, response):
    """Tag a JSON answer to a GET with a weak ETag of its body; make it a
    body-less 304 when the request's ``If-None-Match`` holds that tag (or
    ``*``).

    The fallback for the answers that no fingerprint covers (growth, stats):
    an answer that ``Validator`` tagged already is left as it is. RFC 9110,
    13.1.2: a list of tags, compared weakly for GET and HEAD.
    """
    if "ETag" in response.headers or not is_taggable(httprequest, response):
        return response
    tag = entity_tag(response)
    response.set_etag(tag, weak=True)
    if httprequest.if_none_match.contains_weak(tag):
        _make_not_modified(response)
    return response


def _make_not_modified(response):
    response.status_code = 304
    response.set_data(b"")
    for name in _NOT_MODIFIED_DROPPED:
        response.headers.pop(name, None)


# The query parameters an answer never depends on (a credential).
_UNTAGGED_PARAMETERS = ("access_token",)


def _context_parts():
    """What the answer depends on besides its rows: the addon's code, the
    route and its query string (in the order sent: the order of repeated
    parameters may matter), the user, their companies and language, and the
    base URL every link is built on."""
    env = request.env
    httprequest = request.httprequest
    query = [
        [name, value]
        for name, value in httprequest.args.items(multi=True)
        if name not in _UNTAGGED_PARAMETERS
    ]
    return [
        ETAG_VERSION.decode(),
        _addon_version(),
        httprequest.path,
        query,
        env.uid,
        env.company.id,
        env.companies.ids,
        env.lang or "",
        base_url(),
    ]


@functools.cache
def _addon_version():
    return get_manifest("billing_payments")["version"]


class Validator:
    """The validators of an answer, known before it is rendered.

    ``Validator.of(rows, ids, count)`` fingerprints the answer made of the
    records ``ids`` (in their order; ``rows`` a ``fingerprint.Rows``, None
    when the answer holds no row, as a count) with one query.
    ``not_modified()`` is the body-less 304 when the client holds this
    answer, else None; ``json_response`` renders it with its ``ETag`` (and
    ``Last-Modified``, for single records).
    """

    def __init__(self, etag, last_modified=None):
        self.etag = etag
        self.last_modified = last_modified

    @classmethod
    def of(cls, rows, ids, count=None, single=False):
        if request.httprequest.method not in ("GET", "HEAD"):
            return cls(None)  # the answer to a write is never tagged
        digest, latest = None, None
        if rows is not None:
            digest, latest = fingerprint.rows_digest(
                request.env.cr, rows, ids, request.env.uid
            )
        parts = [*_context_parts(), list(ids), count, digest]
        text = json.dumps(parts, separators=(",", ":"), ensure_ascii=True, default=str)
        etag = hashlib.sha256(text.encode("ascii")).hexdigest()[:32]
        # Lists have none: the latest date of the rows shown cannot see a
        # row that left the page.
        last_modified = latest.replace(microsecond=0) if single and latest else None
        return cls(etag, last_modified)

    def _holds(self, httprequest):
        """RFC 9110, 13.2.2: If-None-Match when sent, else If-Modified-Since
        (ignored when not a date, or a date in the future: the client cannot
        have got it from us)."""
        if self.etag is None:
            return False
        if "If-None-Match" in httprequest.headers:
            return httprequest.if_none_match.contains_weak(self.etag)
        since = httprequest.if_modified_since
        if since is None or self.last_modified is None:
            return False
        if since.tzinfo is not None:
            since = since.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        return since <= now and self.last_modified <= since

    def _set_headers(self, response):
        if self.etag is None:
            return response
        response.set_etag(self.etag, weak=True)
        if self.last_modified is not None and response.status_code == 200:
            response.last_modified = self.last_modified.replace(
                tzinfo=datetime.timezone.utc
            )
        return response

    def not_modified(self):
        """The 304 (no body) when the request's conditions hold, else None."""
        if not self._holds(request.httprequest):
            return None
        response = request.make_response(b"", status=304)
        _make_not_modified(response)
        return self._set_headers(response)

    def json_response(self, payload, headers=None):
        return self._set_headers(json_response(payload, headers=headers))


def record_response(rows, records, render):
    """``render(records)`` as JSON (one record), fingerprinted first: the 304
    when the client holds it, rendering nothing."""
    validator = Validator.of(rows, records.ids, single=True)
    return validator.not_modified() or validator.json_response(render(records))


def declare_conditional_get(paths, cache_headers, single_record_paths=()):
    """Declare ETag revalidation on every GET of ``paths`` (OpenAPI) that
    answers JSON: the request's ``If-None-Match``, the 200's ``ETag`` and a
    body-less 304. ``cache_headers`` are the response headers (name: header
    object) a 304 keeps besides ``ETag``; the GETs of ``single_record_paths``
    (one record's answer) also give ``Last-Modified`` and evaluate
    ``If-Modified-Since``. Call before the HEAD twins are made.
    """
    etag = {
        "description": "Weak validator of this answer (a hash of the "
        "records it shows, the query string and the user's rights, or of its "
        "body where no fingerprint applies): send it back in `If-None-Match`.",
        "required": True,
        "schema": {"type": "string", "pattern": '^W/"[0-9a-f]{32}"$'},
    }
    if_none_match = {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "description": "ETags of answers the client holds (comma-separated, "
        "or `*`): a 304 without body when the answer would be one of them. "
        "Lists give no `Last-Modified` and ignore `If-Modified-Since`.",
        "schema": {"type": "string"},
    }
    last_modified = {
        "description": "The latest change (second precision) of the records "
        "this answer shows. `ETag` is exact, this is not: prefer it.",
        "required": True,
        "schema": {"type": "string"},
    }
    if_modified_since = {
        "name": "If-Modified-Since",
        "in": "header",
        "required": False,
        "description": "A `Last-Modified` the client holds: a 304 when "
        "nothing shown changed since. Only evaluated without "
        "`If-None-Match` (RFC 9110, 13.2.2); a date in the future is ignored.",
        "schema": {"type": "string"},
    }
    for path, operations in paths.items():
        get = operations.get("get")
        if not get or get.get("security") == []:
            continue  # the public documentation routes are never tagged
        success = get["responses"].get("200", {})
        content = success.get("content", {})
        json_media = [media for media in content if _JSON_MIMETYPE.match(media)]
        if not json_media:
            continue
        # A 200 that may also be a file (stats as XLSX) has the tag only on JSON.
        tag = {**etag, "required": len(json_media) == len(content)}
        headers = {**success.get("headers", {}), "ETag": tag}
        parameters = [*get.get("parameters", []), if_none_match]
        if path in single_record_paths:
            headers["Last-Modified"] = last_modified
            parameters.append(if_modified_since)
        get["responses"] = {
            **get["responses"],
            "200": {**success, "headers": headers},
            "304": {
                "description": "Not Modified: the answer would be the one the "
                "`If-None-Match` tag names; no body.",
                "headers": {**cache_headers, "ETag": etag},
            },
        }
        get["parameters"] = parameters
