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


def related(name, prefix, field):
    """The two filters of a related resource, by link and by uuid.

    Waldur pairs them: ``?customer=<customer URL>`` and ``?customer_uuid=``
    (``name`` = "customer", ``prefix`` = "customers"); both match the uuid of
    the record in ``field`` (e.g. ``commercial_partner_id``).
    """
    return (
        LinkFilter(name, prefix, f"{field}.uuid"),
        UuidFilter(f"{name}_uuid", f"{field}.uuid"),
    )


def related_filters(args, name, prefix, field):
    """Domain terms of the ``related`` filters."""
    return filter_domain(related(name, prefix, field), None, args)


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


# --- declared parameters ------------------------------------------------------
#
# The list routes read their query parameters through these declarations and
# the OpenAPI document (``openapi.py``) describes the same objects, so a filter
# cannot exist without its documentation. A filter's ``terms(env, args)`` are
# its ORM domain terms ([] when absent); parameters that are no filter (page,
# ordering, fields) only give their ``value``. A table's filters run in their order, so
# the first invalid one answers the 400.


class QueryParameter:
    """One query parameter: its name, description and JSON Schema."""

    repeated = False

    def __init__(self, name, description="", schema=None):
        self.name = name
        self.description = description
        self._schema = schema or {"type": "string"}

    def schema(self, env=None):
        return dict(self._schema)

    def parameter(self, env=None):
        """The OpenAPI parameter object."""
        schema = self.schema(env)
        parameter = {"name": self.name, "in": "query", "required": False}
        if self.description:
            parameter["description"] = self.description
        if self.repeated:
            parameter.update(
                {
                    "schema": {"type": "array", "items": schema},
                    "style": "form",
                    "explode": True,
                }
            )
        else:
            parameter["schema"] = schema
        return parameter

    def terms(self, env, args):
        return []


class UuidFilter(QueryParameter):
    """``?name=<uuid>`` (hyphenated or hex) compared with ``field``."""

    def __init__(self, name, field, description=""):
        super().__init__(name, description or f"Exact {name} (hex or hyphenated).")
        self.field = field

    def schema(self, env=None):
        return {"type": "string", "format": "uuid"}

    def value(self, args):
        return query_uuid(args, self.name)

    def terms(self, env, args):
        value = self.value(args)
        return [(self.field, "=", value)] if value else []


class LinkFilter(QueryParameter):
    """``?name=<URL of /api/prefix/uuid/>`` matched by path; a URL that is
    not one of ours matches nothing."""

    def __init__(self, name, prefix, field):
        super().__init__(
            name,
            f"The URL of a resource of /api/{prefix}/ (matched by its path; "
            "a URL of anything else matches nothing).",
        )
        self.prefix = prefix
        self.field = field

    def schema(self, env=None):
        return {"type": "string", "format": "uri"}

    def terms(self, env, args):
        value = query_link_uuid(args, self.name, self.prefix)
        return [(self.field, "=", value)] if value is not None else []


class ChoiceFilter(QueryParameter):
    """Repeated choices (``?state=a&state=b``), OR-ed. ``choices`` is a
    sequence, or a function of ``env`` for choices read from the database."""

    repeated = True

    def __init__(self, name, choices, field, description=""):
        super().__init__(name, description or "Repeat the key to match any of them.")
        self.choices = choices
        self.field = field

    def choice_values(self, env):
        return list(self.choices(env) if callable(self.choices) else self.choices)

    def schema(self, env=None):
        if callable(self.choices) and env is None:
            return {"type": "string"}
        return {"type": "string", "enum": self.choice_values(env)}

    def terms(self, env, args):
        values = query_choices(args, self.name, self.choice_values(env))
        return [(self.field, "in", values)] if values else []


class BooleanFilter(QueryParameter):
    """django-filter's boolean: any other value leaves the filter out."""

    def __init__(self, name, field):
        super().__init__(
            name,
            "true, True or 1; false, False or 0. Any other value is ignored.",
        )
        self.field = field

    def schema(self, env=None):
        return {"type": "string", "examples": ["true", "false"]}

    def terms(self, env, args):
        value = query_boolean(args, self.name)
        return [(self.field, "=", value)] if value is not None else []


class IntFilter(QueryParameter):
    def __init__(self, name, field, description=""):
        super().__init__(name, description)
        self.field = field

    def schema(self, env=None):
        return {"type": "integer", "minimum": INT_MIN, "maximum": INT_MAX}

    def terms(self, env, args):
        value = query_int(args, self.name)
        return [(self.field, "=", value)] if value is not None else []


class DateFilter(QueryParameter):
    """A YYYY-MM-DD compared with ``field`` by ``operator``."""

    def __init__(self, name, field, operator="=", description=""):
        super().__init__(name, description)
        self.field = field
        self.operator = operator

    def schema(self, env=None):
        return {"type": "string", "format": "date"}

    def terms(self, env, args):
        value = query_date(args, self.name)
        return [(self.field, self.operator, value)] if value is not None else []


class TextFilter(QueryParameter):
    """Free text compared with ``field`` by ``operator`` (``ilike``)."""

    def __init__(self, name, field, operator="ilike", description=""):
        super().__init__(name, description)
        self.field = field
        self.operator = operator

    def terms(self, env, args):
        value = query_text(args, self.name)
        return [(self.field, self.operator, value)] if value else []


class FlagFilter(QueryParameter):
    """Only the literal ``true`` adds ``term``; any other value is ignored."""

    def __init__(self, name, term, description=""):
        super().__init__(name, description)
        self.term = term

    def schema(self, env=None):
        return {"type": "string", "examples": ["true"]}

    def terms(self, env, args):
        return [self.term] if args.get(self.name) == "true" else []


class Ordering(QueryParameter):
    """DRF's ``o``: comma-separated names of ``allowed``, ``-`` for descending;
    when the key is repeated the last one counts."""

    def __init__(self, allowed, default, name="o"):
        names = ", ".join(allowed)
        super().__init__(
            name,
            f"Comma-separated ordering keys among {names}; prefix - for "
            "descending. Any other key is a 400.",
        )
        self.allowed = allowed
        self.default = default

    def schema(self, env=None):
        key = "-?(?:{})".format("|".join(self.allowed))
        return {"type": "string", "pattern": f"^(?:{key}(?:,{key})*)?$"}

    def value(self, args):
        return ordering(args, self.allowed, self.default)


class FieldSelection(QueryParameter):
    """DRF's sparse fieldset ``?field=a&field=b``; unknown names are ignored."""

    repeated = True

    def __init__(self, names):
        super().__init__(
            "field",
            "Repeat to keep only these keys: {}. Unknown names are ignored; "
            "no known name keeps every key.".format(", ".join(names)),
        )
        self.names = names

    def schema(self, env=None):
        return {"type": "string", "examples": list(self.names[:2])}

    def value(self, args):
        wanted = set(args.getlist(self.name)) & set(self.names)
        return [name for name in self.names if name in wanted] or list(self.names)


def filter_domain(filters, env, args):
    """The domain terms of a table of filters, in its order."""
    terms = []
    for query_filter in filters:
        terms += query_filter.terms(env, args)
    return terms
