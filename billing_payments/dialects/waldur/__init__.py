"""The Waldur billing API dialect (Django REST framework conventions).

Shapes follow the real Waldur server and its official client
(``waldur-api-client``): uuids as 32 hex, absolute hyperlinks with a trailing
slash, bare JSON arrays with ``Link``/``X-Result-Count`` headers for lists,
DRF error bodies. See shared/reference/waldur-behaviour.md.
"""

import datetime
import json
import logging
import re

from werkzeug.exceptions import HTTPException

from odoo.exceptions import AccessDenied, AccessError, MissingError, UserError

from ...exceptions import BillingConflictError
from ...models.account_payment import sniff_proof_mimetype
from ...models.billing_uuid_mixin import normalize_uuid
from .. import common
from ..common import ApiError

_logger = logging.getLogger(__name__)

DIALECT = "waldur"
PERMISSION_DENIED = "You do not have permission to perform this action."


def route(paths, **kwargs):
    return common.api_route(DIALECT, paths, **kwargs)


_AUTH_SCHEMES = ("token", "bearer")


def api_key(httprequest):
    """The API key of an ``Authorization: Token|Bearer <key>`` header.

    Returns None when the header is absent or uses another scheme, and raises
    AuthenticationFailed when the scheme is ours but the key is malformed.
    """
    parts = httprequest.headers.get("Authorization", "").split()
    if not parts or parts[0].lower() not in _AUTH_SCHEMES:
        return None
    if len(parts) == 1:
        raise common.AuthenticationFailed("Invalid token. No credentials provided.")
    if len(parts) > 2:
        raise common.AuthenticationFailed(
            "Invalid token. Token string should not contain spaces."
        )
    return parts[1]


# --- errors -------------------------------------------------------------------


def validation_error(errors):
    """400 with DRF's field errors ``{"field": ["message"]}`` or a bare list."""
    return ApiError(400, errors)


def error_response(exc):
    """Render any exception of a Waldur request as DRF would."""
    status, payload, headers = _error_parts(exc)
    return common.json_response(payload, status=status, headers=headers)


def _error_parts(exc):  # noqa: C901 - one flat mapping reads best
    if isinstance(exc, ApiError):
        return exc.status, exc.payload, exc.headers
    if isinstance(exc, common.AuthenticationFailed):
        return 401, {"detail": exc.message}, {"WWW-Authenticate": "Token"}
    if isinstance(exc, common.PermissionDenied | AccessError | AccessDenied):
        return 403, {"detail": PERMISSION_DENIED}, {}
    if isinstance(exc, common.NotFound):
        return 404, {"detail": f"No {exc.label} matches the given query."}, {}
    if isinstance(exc, common.InvalidPage):
        return 404, {"detail": "Invalid page."}, {}
    if isinstance(exc, common.MethodNotAllowed):
        return 405, {"detail": f'Method "{exc.method}" not allowed.'}, {}
    if isinstance(exc, common.MalformedBody):
        return 400, {"detail": exc.message}, {}
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


# --- responses -----------------------------------------------------------------


def list_response(model, domain, order, render=None, render_page=None):
    """A page of ``model`` as a bare JSON array with pagination headers.

    ``render`` renders one record; ``render_page`` a whole page at once (for
    resources whose rendering reads related records in bulk).
    """
    page = common.PageNumberPage(model, domain, order)
    if render_page is not None:
        payload = render_page(page.records)
    else:
        payload = [render(record) for record in page.records]
    return common.json_response(payload, headers=page.headers())


def detail_url(prefix, record):
    """``{base}/api/<prefix>/<uuid hex>/``."""
    return common.absolute_url(f"/api/{prefix}/{record.uuid}/")


# --- query parameters -------------------------------------------------------------


def query_uuid(name):
    """A uuid filter value (hyphenated or hex), or None when absent."""
    value = common.request.httprequest.args.get(name)
    if value is None or value == "":
        return None
    hex_uuid = normalize_uuid(value)
    if not hex_uuid:
        raise validation_error({name: ["Enter a valid UUID."]})
    return hex_uuid


def query_choices(name, choices):
    """Repeated choice values (``?state=a&state=b``), OR-ed; [] when absent."""
    values = [v for v in common.request.httprequest.args.getlist(name) if v != ""]
    for value in values:
        if value not in choices:
            raise validation_error(
                {
                    name: [
                        f"Select a valid choice. {value} is not one of the "
                        "available choices."
                    ]
                }
            )
    return values


def query_boolean(name):
    """django-filter's boolean: true/false/1/0; anything else ignores the filter."""
    value = common.request.httprequest.args.get(name)
    return {"true": True, "True": True, "1": True}.get(
        value, {"false": False, "False": False, "0": False}.get(value)
    )


def query_link_uuid(name, prefix):
    """The uuid in a hyperlink filter (``?customer=<url>``), matched by path.

    Returns None when the filter is absent and "" when the URL is not one of
    ours (which then matches nothing).
    """
    value = common.request.httprequest.args.get(name)
    if not value:
        return None
    match = re.fullmatch(rf"/api/{prefix}/([^/]+)/?", common.url_path(value))
    return (match and normalize_uuid(match.group(1))) or ""


def related_filters(name, prefix, field):
    """Domain terms for a related resource filtered by link and by uuid.

    Waldur pairs them: ``?customer=<customer URL>`` and ``?customer_uuid=``
    (``name`` = "customer", ``prefix`` = "customers"); both match the uuid of
    the record in ``field`` (e.g. ``commercial_partner_id``).
    """
    terms = []
    linked = query_link_uuid(name, prefix)
    if linked is not None:
        terms.append((f"{field}.uuid", "=", linked))
    hex_uuid = query_uuid(f"{name}_uuid")
    if hex_uuid:
        terms.append((f"{field}.uuid", "=", hex_uuid))
    return terms


def query_int(name):
    """An integer filter value, or None when absent; 400 when not a number."""
    value = common.request.httprequest.args.get(name)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError as error:
        raise validation_error({name: ["Enter a number."]}) from error


def query_date(name):
    """A YYYY-MM-DD filter value, or None when absent; 400 when invalid."""
    value = common.request.httprequest.args.get(name)
    if value is None or value == "":
        return None
    try:
        return parse_iso_date(value)
    except ValueError as error:
        raise validation_error({name: ["Enter a valid date."]}) from error


def ordering(allowed, default):
    """An ORM order from DRF's ``o`` (comma-separated; last repeated key wins).

    ``allowed`` maps API names to ORM field names.
    """
    values = common.request.httprequest.args.getlist("o")
    if not values or not values[-1]:
        return default
    terms = []
    for term in values[-1].split(","):
        name = term.removeprefix("-")
        if name not in allowed:
            raise validation_error(
                {
                    "o": [
                        f"Select a valid choice. {term} is not one of the "
                        "available choices."
                    ]
                }
            )
        terms.append(f"{allowed[name]} {'desc' if term.startswith('-') else 'asc'}")
    return ", ".join([*terms, "id asc"])


# --- request bodies: DRF field validation -------------------------------------


class FieldError(Exception):
    """One field's validation message."""


class Field:
    """A serializer field: required-ness, null handling and conversion."""

    def __init__(self, required=False, allow_null=False):
        self.required = required
        self.allow_null = allow_null

    def parse(self, value):
        if value is None:
            if self.allow_null:
                return None
            raise FieldError("This field may not be null.")
        return self.convert(value)

    def convert(self, value):
        return value


class CharField(Field):
    def __init__(self, max_length=None, allow_blank=False, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length
        self.allow_blank = allow_blank

    def convert(self, value):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise FieldError("Not a valid string.")
        value = str(value)
        if not value.strip() and not self.allow_blank:
            raise FieldError("This field may not be blank.")
        if self.max_length and len(value) > self.max_length:
            raise FieldError(
                f"Ensure this field has no more than {self.max_length} characters."
            )
        return value


class ChoiceField(Field):
    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices

    def convert(self, value):
        if not isinstance(value, str) or value not in self.choices:
            raise FieldError(f'"{value}" is not a valid choice.')
        return value


class BooleanField(Field):
    TRUE = {True, "true", "True", "TRUE", "1", "on", "yes", "y", "t"}
    FALSE = {False, "false", "False", "FALSE", "0", "off", "no", "n", "f"}

    def convert(self, value):
        if isinstance(value, str | int | bool) and value in self.TRUE:
            return True
        if isinstance(value, str | int | bool) and value in self.FALSE:
            return False
        raise FieldError("Must be a valid boolean.")


class DictField(Field):
    """A JSON object (form posts may send it as a JSON string)."""

    def convert(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as error:
                raise FieldError("Value must be valid JSON.") from error
        if not isinstance(value, dict):
            raise FieldError(
                f'Expected a dictionary of items but got type "{type(value).__name__}".'
            )
        return value


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso_date(value):
    """A ``YYYY-MM-DD`` string as a date; anything else raises ValueError."""
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise ValueError(value)
    return datetime.date.fromisoformat(value)


class DateField(Field):
    """DRF's DateField with its default input format, ISO 8601 (YYYY-MM-DD)."""

    def convert(self, value):
        try:
            return parse_iso_date(value)
        except ValueError as error:
            raise FieldError(
                "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
            ) from error


class HyperlinkField(Field):
    """A link to one of our resources, resolved by path as the current user."""

    def __init__(self, prefix, model_getter, **kwargs):
        super().__init__(**kwargs)
        self.prefix = prefix
        self.model_getter = model_getter

    def convert(self, value):
        if not isinstance(value, str):
            raise FieldError(
                f"Incorrect type. Expected URL string, received {type(value).__name__}."
            )
        path = common.url_path(value)
        match = re.fullmatch(rf"/api/{self.prefix}/([^/]+)/", path)
        if not match:
            if re.fullmatch(r"/api/[a-z-]+/[^/]+/", path):
                raise FieldError("Invalid hyperlink - Incorrect URL match.")
            raise FieldError("Invalid hyperlink - No URL match.")
        record = self.model_getter()._billing_search_uuid(match.group(1))
        if not record:
            raise FieldError("Invalid hyperlink - Object does not exist.")
        return record


def parse_body(fields, data, partial=False):
    """Validate ``data`` against ``fields`` like a DRF serializer.

    Returns the converted values of the fields present; raises a 400 with
    every field's errors at once.
    """
    if not isinstance(data, dict):
        raise validation_error(
            {
                "non_field_errors": [
                    "Invalid data. Expected a dictionary, but got "
                    f"{type(data).__name__}."
                ]
            }
        )
    values, errors = {}, {}
    for name, field in fields.items():
        if name not in data:
            if field.required and not partial:
                errors[name] = ["This field is required."]
            continue
        try:
            values[name] = field.parse(data[name])
        except FieldError as error:
            errors[name] = [str(error)]
    if errors:
        raise validation_error(errors)
    return values


def read_proof(data, files, name="proof"):
    """The uploaded proof of payment as (file name, bytes), or None.

    Checked before anything is written: a non-file value or an empty file or
    one that is no PDF, PNG, JPEG or WebP (by content) → 400; a file above
    ``billing_payments.proof_max_size`` bytes → 413.
    """
    upload = files.get(name)
    if upload is None:
        if isinstance(data, dict) and data.get(name) not in (None, ""):
            raise validation_error(
                {
                    name: [
                        "The submitted data was not a file. Check the encoding "
                        "type on the form."
                    ]
                }
            )
        return None
    content = upload.read()
    if not content:
        raise validation_error({name: ["The submitted file is empty."]})
    max_size = common.request.env["account.payment"]._billing_proof_max_size()
    if len(content) > max_size:
        raise ApiError(
            413,
            {
                name: [
                    f"The file is {len(content)} bytes; at most {max_size} bytes "
                    "are accepted."
                ]
            },
        )
    if not sniff_proof_mimetype(content):
        raise validation_error({name: ["Upload a PDF, PNG, JPEG or WebP file."]})
    return upload.filename or name, content
