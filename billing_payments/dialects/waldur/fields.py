# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Request-body validation as a DRF serializer does it.

``parse_body(fields, data, env)`` checks a body against a mapping of field
names to ``Field`` objects and reports every field's errors at once (400).
Fields are pure converters; only ``HyperlinkField`` uses ``env``, to resolve
a link as the current user. ``read_body`` reads the current request's body,
marking form input (``FormData``) so that ``parse_body`` treats its blank
optional fields as DRF does.
"""

import json
import re

from odoo.http import request

from ...exceptions import ApiError, ProofRejected
from ...money import parse_decimal
from ...utils import parse_iso_date, sniff_proof_mimetype
from .. import common
from . import is_uuid, validation_error
from .query import text_error

FORM_MIMETYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
# DRF's FileField(max_length) of the proof's name (Waldur's FileField: 255).
MAX_FILENAME_LENGTH = 255
# DRF's DecimalField.MAX_STRING_LENGTH.
MAX_DECIMAL_STRING = 1000
# A decimal number in ASCII digits (``Decimal`` also takes "1_000" and the
# digits of other scripts).
ASCII_DECIMAL = re.compile(
    r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*"
)
PROOF_EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/webp": (".webp",),
}
# Markup that browsers sniff as HTML near the start of a file.
ONE_FILE = "Send one file only."


class FormData(dict):
    """A form (urlencoded or multipart) body: DRF's ``html.is_html_input``."""


def read_body():
    """(data, files) of the current request, as ``common.read_body``.

    Form bodies come as ``FormData``; a file field sent twice is refused
    (only one would ever be checked).
    """
    data, files = common.read_body()
    httprequest = request.httprequest
    if httprequest.mimetype in FORM_MIMETYPES:
        data = FormData(data)
        for name in files:
            if len(httprequest.files.getlist(name)) > 1:
                raise validation_error({name: [ONE_FILE]})
    return data, files


class FieldError(Exception):
    """One field's validation message."""


class Field:
    """A serializer field: required-ness, null handling and conversion.

    ``schema`` describes what ``parse`` accepts as JSON Schema (the OpenAPI
    document is built from it): ``form`` for a form body, where every value
    is a string; ``env`` to list the choices read from the database.
    """

    def __init__(self, required=False, allow_null=False):
        self.required = required
        self.allow_null = allow_null

    def schema(self, form=False, env=None):
        schema = self.value_schema(form, env)
        if self.allow_null and not form:
            return {"anyOf": [schema, {"type": "null"}]}
        return schema

    def value_schema(self, form, env):
        return {}

    def parse(self, value, env=None):
        if value is None:
            if self.allow_null:
                return None
            raise FieldError("This field may not be null.")
        return self.convert(value, env)

    def convert(self, value, env):
        return value


class CharField(Field):
    def __init__(self, max_length=None, allow_blank=False, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length
        self.allow_blank = allow_blank

    def value_schema(self, form, env):
        schema = {"type": "string"}
        if not self.allow_blank:
            schema["pattern"] = r"\S"  # blank (whitespace only) is refused
        if self.max_length:
            schema["maxLength"] = self.max_length
        if form:
            return schema
        # DRF's CharField also takes a number, as its string.
        return {"anyOf": [schema, {"type": "number"}]}

    def convert(self, value, env):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise FieldError("Not a valid string.")
        value = str(value)
        error = text_error(value)
        if error:
            raise FieldError(error)
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

    def value_schema(self, form, env):
        return {"type": "string", "enum": list(self.choices)}

    def convert(self, value, env):
        if isinstance(value, str) and text_error(value):
            raise FieldError(text_error(value))
        if not isinstance(value, str) or value not in self.choices:
            raise FieldError(f'"{value}" is not a valid choice.')
        return value


def selection_values(env, model_name, field_name):
    """{value: label} of a selection field, read from the field at run time."""
    return dict(env[model_name]._fields[field_name].selection)


class SelectionField(ChoiceField):
    """A choice among the values of an Odoo selection field."""

    def __init__(self, model_name, field_name, **kwargs):
        super().__init__(choices=None, **kwargs)
        self.model_name = model_name
        self.field_name = field_name

    def value_schema(self, form, env):
        if env is None:
            return {"type": "string"}
        return {
            "type": "string",
            "enum": list(selection_values(env, self.model_name, self.field_name)),
        }

    def convert(self, value, env):
        self.choices = selection_values(env, self.model_name, self.field_name)
        return super().convert(value, env)


class BooleanField(Field):
    TRUE = {True, "true", "True", "TRUE", "1", "on", "yes", "y", "t"}
    FALSE = {False, "false", "False", "FALSE", "0", "off", "no", "n", "f"}

    def value_schema(self, form, env):
        words = sorted(v for v in self.TRUE | self.FALSE if isinstance(v, str))
        text = {"type": "string", "enum": words}
        if form:
            return text
        return {
            "anyOf": [{"type": "boolean"}, text, {"type": "integer", "enum": [0, 1]}]
        }

    def convert(self, value, env):
        if isinstance(value, str | int | bool) and value in self.TRUE:
            return True
        if isinstance(value, str | int | bool) and value in self.FALSE:
            return False
        raise FieldError("Must be a valid boolean.")


class DictField(Field):
    """A JSON object (form posts may send it as a JSON string)."""

    def value_schema(self, form, env):
        text = {
            "type": "string",
            "contentMediaType": "application/json",
            "description": "A JSON object.",
        }
        if form:
            return text
        return {"anyOf": [{"type": "object"}, text]}

    def convert(self, value, env):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as error:
                raise FieldError("Value must be valid JSON.") from error
        if not isinstance(value, dict):
            raise FieldError(
                f'Expected a dictionary of items but got type "{type(value).__name__}".'
            )
        error = _json_text_error(value)
        if error:
            raise FieldError(error)
        return value


def _json_text_error(value):
    """``text_error`` of the first bad key or string anywhere in ``value``."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                error = text_error(key)
                if error:
                    return error
                stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and text_error(item):
            return text_error(item)
    return None


class DateField(Field):
    """DRF's DateField with its default input format, ISO 8601 (YYYY-MM-DD)."""

    def value_schema(self, form, env):
        return {
            "type": "string",
            "format": "date",
            "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        }

    def convert(self, value, env):
        try:
            return parse_iso_date(value)
        except ValueError as error:
            raise FieldError(
                "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
            ) from error


class DecimalField(Field):
    """DRF's DecimalField(max_digits, decimal_places), optionally non-negative."""

    def __init__(self, max_digits, decimal_places, min_value=None, **kwargs):
        super().__init__(**kwargs)
        self.max_whole_digits = max_digits - decimal_places
        self.decimal_places = decimal_places
        self.min_value = min_value

    def value_schema(self, form, env):
        sign = "" if self.min_value is not None and self.min_value >= 0 else "-?"
        whole, places = self.max_whole_digits, self.decimal_places
        text = {
            "type": "string",
            "pattern": rf"^{sign}[0-9]{{1,{whole}}}(\.[0-9]{{1,{places}}})?$",
            "maxLength": MAX_DECIMAL_STRING,
            "description": f"A decimal number: at most {whole} digits before the "
            f"point and {places} after it.",
        }
        if form:
            return text
        number = {"type": "number", "exclusiveMaximum": 10**whole}
        if self.min_value is not None:
            number["minimum"] = self.min_value
        else:
            number["exclusiveMinimum"] = -(10**whole)
        return {"anyOf": [text, number]}

    def convert(self, value, env):
        if isinstance(value, str) and len(value) > MAX_DECIMAL_STRING:
            raise FieldError("String value too large.")
        if isinstance(value, str) and not ASCII_DECIMAL.fullmatch(value):
            raise FieldError("A valid number is required.")
        try:
            number = parse_decimal(value)
        except ValueError as error:
            raise FieldError("A valid number is required.") from error
        _sign, digits, exponent = number.as_tuple()
        decimals = max(0, -exponent)
        whole = max(0, len(digits) + exponent)
        if decimals > self.decimal_places:
            raise FieldError(
                f"Ensure that there are no more than {self.decimal_places} "
                "decimal places."
            )
        if whole > self.max_whole_digits:
            raise FieldError(
                f"Ensure that there are no more than {self.max_whole_digits} "
                "digits before the decimal point."
            )
        if self.min_value is not None and number < self.min_value:
            raise FieldError(
                f"Ensure this value is greater than or equal to {self.min_value}."
            )
        return number


class HyperlinkField(Field):
    """A link to one of our resources, resolved by path as the current user.

    ``model_name`` is the Odoo model the ``/api/<prefix>/<uuid>/`` links name.
    """

    def __init__(self, prefix, model_name, **kwargs):
        super().__init__(**kwargs)
        self.prefix = prefix
        self.model_name = model_name

    def value_schema(self, form, env):
        return {
            "type": "string",
            "format": "uri",
            "pattern": rf"/api/{self.prefix}/[0-9a-fA-F-]+/(?:[?#].*)?$",
            "description": f"The URL of a resource of /api/{self.prefix}/ "
            "(matched by its path only).",
        }

    def convert(self, value, env):
        if not isinstance(value, str):
            raise FieldError(
                f"Incorrect type. Expected URL string, received {type(value).__name__}."
            )
        try:
            path = common.url_path(value)
        except ValueError as error:  # e.g. an unbalanced "[" in the host
            raise FieldError("Invalid hyperlink - No URL match.") from error
        match = re.fullmatch(rf"/api/{self.prefix}/([^/]+)/", path)
        if not match:
            if re.fullmatch(r"/api/[a-z-]+/[^/]+/", path):
                raise FieldError("Invalid hyperlink - Incorrect URL match.")
            raise FieldError("Invalid hyperlink - No URL match.")
        record = env[self.model_name]
        if is_uuid(match.group(1)):
            record = record._billing_search_uuid(match.group(1))
        if not record:
            raise FieldError("Invalid hyperlink - Object does not exist.")
        return record


class FileField(Field):
    """An uploaded file, in a multipart body only (``read_proof`` reads it:
    this declaration describes it)."""

    def value_schema(self, form, env):
        return {
            "type": "string",
            "format": "binary",
            "description": "A PDF, PNG, JPEG or WebP file (checked by content); "
            f"its name has at most {MAX_FILENAME_LENGTH} characters.",
        }


# The proof of payment that ``paid`` and the payment bodies take.
PROOF_FIELDS = {"proof": FileField()}


def parse_body(fields, data, env=None, partial=False):
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
    if isinstance(data, FormData):
        data = _without_blank_optional(fields, data)
    for name, field in fields.items():
        if name not in data:
            if field.required and not partial:
                errors[name] = ["This field is required."]
            continue
        try:
            values[name] = field.parse(data[name], env)
        except FieldError as error:
            errors[name] = [str(error)]
    if errors:
        raise validation_error(errors)
    return values


def _without_blank_optional(fields, data):
    """DRF's ``Field.get_value`` for form input: a blank optional field is
    omitted, or null where null is allowed (blank where blank is)."""
    data = dict(data)
    for name, field in fields.items():
        if data.get(name) != "" or getattr(field, "allow_blank", False):
            continue
        if field.allow_null:
            data[name] = None
        elif not field.required:
            del data[name]
    return data


def _proof_filename(filename, mimetype, name):
    """The client's file name, its extension made that of the checked type.

    Directories are dropped; ``proof.html`` holding a PDF is ``proof.pdf``.
    """
    base = re.split(r"[\\/]", filename or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "_", base).strip() or name
    extensions = PROOF_EXTENSIONS[mimetype]
    stem, dot, extension = base.rpartition(".")
    if dot and stem and f".{extension.lower()}" in extensions:
        return base
    return f"{stem if dot and stem else base}{extensions[0]}"


def read_proof(env, data, files, name="proof"):
    """The uploaded proof of payment as (file name, bytes), or None.

    Checked before anything is written, by the payment model's own proof
    rule: a non-file value, an empty file or one that is no PDF, PNG, JPEG or
    WebP (by content, a PDF with its trailer and no HTML markup) → 400; a
    file above the size limit → 413. The name keeps at most 255 characters
    (400 beyond, as DRF's FileField) and gets the extension of its type.
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
    filename = upload.filename or ""
    error = text_error(filename)
    if error:
        raise validation_error({name: [error]})
    if len(filename) > MAX_FILENAME_LENGTH:
        raise validation_error(
            {
                name: [
                    f"Ensure this filename has at most {MAX_FILENAME_LENGTH} "
                    f"characters (it has {len(filename)})."
                ]
            }
        )
    content = upload.read()
    if not content:
        raise validation_error({name: ["The submitted file is empty."]})
    try:
        env["account.payment"]._billing_check_proof_content(content)
    except ProofRejected as error:  # nothing is written yet
        raise ApiError(
            413 if error.too_large else 400, {name: [error.args[0]]}
        ) from error
    return _proof_filename(filename, sniff_proof_mimetype(content), name), content


# --- JSON Schemas of rendered values ------------------------------------------
#
# The building blocks of the response schemas each resource module declares
# next to its renderer (the OpenAPI document collects them).

UUID_HEX = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
URL = {"type": "string", "format": "uri"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}
STRING = {"type": "string"}
NUMBER = {"type": "number"}
INTEGER = {"type": "integer"}
OBJECT = {"type": "object"}


def nullable(schema):
    return {"anyOf": [schema, {"type": "null"}]}


def decimal_string(places):
    """A decimal rendered as a string with exactly ``places`` decimals."""
    return {"type": "string", "pattern": rf"^-?[0-9]+\.[0-9]{{{places}}}$"}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def object_schema(properties, optional=(), description=""):
    """An object with exactly ``properties``, all present but ``optional``."""
    schema = {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema
