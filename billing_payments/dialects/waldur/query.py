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
from . import invalid_choice, validation_error

TRUE_VALUES = {"true", "True", "1"}
FALSE_VALUES = {"false", "False", "0"}


def query_uuid(args, name):
    """A uuid filter value (hyphenated or hex), or None when absent."""
    value = args.get(name)
    if value is None or value == "":
        return None
    hex_uuid = normalize_uuid(value)
    if not hex_uuid:
        raise validation_error({name: ["Enter a valid UUID."]})
    return hex_uuid


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
    match = re.fullmatch(rf"/api/{prefix}/([^/]+)/?", common.url_path(value))
    return (match and normalize_uuid(match.group(1))) or ""


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
    """An integer filter value, or None when absent; 400 when not a number."""
    return _query_value(args, name, int, "Enter a number.")


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
