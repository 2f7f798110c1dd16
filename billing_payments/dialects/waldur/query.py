# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Waldur's list query parameters (django-filter and DRF ordering), pure.

Every function reads ``args``, the request's query arguments (a werkzeug
MultiDict), and returns a value or ORM domain terms; invalid values raise a
400 in DRF's shape.
"""

import re

from ...utils import normalize_uuid, parse_iso_date
from .. import common
from . import invalid_choice, is_uuid, validation_error

TRUE_VALUES = {"true", "True", "1"}
FALSE_VALUES = {"false", "False", "0"}
# ASCII digits only: ``int()`` also takes "1_000" and other scripts' digits.
ASCII_INTEGER = re.compile(r"[+-]?[0-9]+")
# The integer filters compare PostgreSQL ``integer`` columns.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
NULL_MESSAGE = "Null characters are not allowed."


def text_error(value):
    """DRF's message for text the database cannot store, else None.

    PostgreSQL refuses NUL characters and UTF-8 has no lone surrogates: both
    would fail in the database (a 500) rather than as a field error.
    """
    if "\x00" in value:
        return NULL_MESSAGE
    for char in value:
        if "\ud800" <= char <= "\udfff":
            return f"Surrogate characters are not allowed: U+{ord(char):X}."
    return None


def parse_ascii_int(value):
    """An integer of ASCII digits (``int`` semantics otherwise); ValueError."""
    if not isinstance(value, str) or not ASCII_INTEGER.fullmatch(value):
        raise ValueError(value)
    return int(value)


def query_uuid(args, name):
    """A uuid filter value (hyphenated or hex), or None when absent."""
    value = args.get(name)
    if value is None or value == "":
        return None
    hex_uuid = normalize_uuid(value) if is_uuid(value) else None
    if not hex_uuid:
        raise validation_error({name: ["Enter a valid UUID."]})
    return hex_uuid


def query_text(args, name):
    """A free-text filter value, or None when absent; 400 for text the
    database cannot compare (NUL)."""
    value = args.get(name)
    if not value:
        return None
    error = text_error(value)
    if error:
        raise validation_error({name: [error]})
    return value


def query_choices(args, name, choices):
    """Repeated choice values (``?state=a&state=b``), OR-ed; [] when absent."""
    values = [v for v in args.getlist(name) if v != ""]
    for value in values:
        if value not in choices:
            raise invalid_choice(name, value)
    return values


def query_boolean(args, name):
    """django-filter's boolean: true/false/1/0; anything else ignores the filter."""
    value = args.get(name)
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    return None


def query_link_uuid(args, name, prefix):
    """The uuid in a hyperlink filter (``?customer=<url>``), matched by path.

    Returns None when the filter is absent and "" when the URL is not one of
    ours (which then matches nothing).
    """
    value = args.get(name)
    if not value:
        return None
    try:
        path = common.url_path(value)
    except ValueError:  # not a URL at all (e.g. an unbalanced "[" in the host)
        return ""
    match = re.fullmatch(rf"/api/{prefix}/([^/]+)/?", path)
    if not match or not is_uuid(match.group(1)):
        return ""
    return normalize_uuid(match.group(1)) or ""


def related_filters(args, name, prefix, field):
    """Domain terms for a related resource filtered by link and by uuid.

    Waldur pairs them: ``?customer=<customer URL>`` and ``?customer_uuid=``
    (``name`` = "customer", ``prefix`` = "customers"); both match the uuid of
    the record in ``field`` (e.g. ``commercial_partner_id``).
    """
    terms = []
    linked = query_link_uuid(args, name, prefix)
    if linked is not None:
        terms.append((f"{field}.uuid", "=", linked))
    hex_uuid = query_uuid(args, f"{name}_uuid")
    if hex_uuid:
        terms.append((f"{field}.uuid", "=", hex_uuid))
    return terms


def _query_value(args, name, convert, message):
    """``convert`` of parameter ``name``, or None when absent; 400 with
    ``message`` when it raises ValueError."""
    value = args.get(name)
    if value is None or value == "":
        return None
    try:
        return convert(value)
    except ValueError as error:
        raise validation_error({name: [message]}) from error


def query_int(args, name):
    """An integer filter value, or None when absent; 400 when not a number
    of ASCII digits or out of the range of the integer column it filters."""
    value = _query_value(args, name, parse_ascii_int, "Enter a number.")
    if value is not None and value > INT_MAX:
        raise validation_error(
            {name: [f"Ensure this value is less than or equal to {INT_MAX}."]}
        )
    if value is not None and value < INT_MIN:
        raise validation_error(
            {name: [f"Ensure this value is greater than or equal to {INT_MIN}."]}
        )
    return value


def query_date(args, name):
    """A YYYY-MM-DD filter value, or None when absent; 400 when invalid."""
    return _query_value(args, name, parse_iso_date, "Enter a valid date.")


def ordering(args, allowed, default):
    """An ORM order from DRF's ``o`` (comma-separated; last repeated key wins).

    ``allowed`` maps API names to ORM field names.
    """
    values = args.getlist("o")
    if not values or not values[-1]:
        return default
    terms = []
    for term in values[-1].split(","):
        name = term.removeprefix("-")
        if name not in allowed:
            raise invalid_choice("o", term)
        terms.append(f"{allowed[name]} {'desc' if term.startswith('-') else 'asc'}")
    return ", ".join([*terms, "id asc"])
