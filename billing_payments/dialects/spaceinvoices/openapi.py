# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The OpenAPI 3.1 document of the Space Invoices dialect (``/v1``).

Built from the dialect's own declarations, so that it cannot drift from what
the routes do: the body keys and their rules (``payments``), the filter
grammar and its limits (``filters``, ``querystring``, ``values``) and the
error shapes (the package). Where the parsers are more lenient than a plain
type (amounts sent as text, booleans as "1"), the schemas say so: a value
the server accepts always validates, and what a schema refuses, the server
refuses too (the fuzzing test checks both).

A plain module: it imports no model. ``document()`` is the whole document;
the routes pass the payment types of the running database.
"""

import unicodedata

from .. import common
from . import BODY_MIMETYPES, filters, payments, querystring, values

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1"
# The prose of the document's description: the deliberate differences from
# Space Invoices (readme/ROADMAP.md gives the same list).
DEVIATIONS = (
    "Ids are the records' 32-hex uuids (hyphenated ones are accepted in "
    "paths), not MongoDB ObjectIds.",
    "Only the payments API exists: documents and organizations are Odoo's "
    "customer invoices and companies, managed in Odoo.",
    "A payment exists for this API only when it is linked to a customer invoice.",
    "`like`, `nlike`, `ilike`, `nilike` and `regexp` take only the regular "
    "expressions SQL `LIKE` can express: literal characters (`\\` escapes "
    "one), `.`, `.*`, `.+`, `^` and `$`. Anything else is a 400.",
    "A deleted payment is a cancelled Odoo payment (also when cancelled in "
    "Odoo or through the Waldur API); count endpoints do not take `deleted`.",
    "A user without the rights gets LoopBack's 401 `AUTHORIZATION_REQUIRED`, "
    "as for an unknown key (Space Invoices has no 403). Writes need Odoo's "
    "Billing group.",
    f"`limit` is capped at {filters.MAX_LIMIT} (silently, as Space Invoices "
    "does); `skip`/`offset` are at most 2^63-1.",
    "`amount` may be left out of a new payment: it defaults to what the "
    "document still owes (as in later Space Invoices versions); a 422 when "
    "nothing is due.",
    "Payment dates are days: a timestamp is accepted and its UTC day kept; "
    "a `date` in a filter is the instant at midnight UTC of that day.",
    "Bodies may hold the read-only keys of a payment (a GET result sent back "
    "as is); they are ignored. Any other unknown key is a 422.",
    "An unknown path or verb is LoopBack's 404 `Cannot <VERB> <path>`, never a 405.",
    "POST takes an optional `Idempotency-Key` header (see the operation).",
)
FILTER_DESCRIPTION = f"""\
A LoopBack filter, as one JSON value (`?filter={{"where": {{"type": "bank"}}, \
"limit": 5}}`) or in the bracket notation of the `qs` library \
(`?filter[where][type]=bank&filter[limit]=5`, \
`filter[where][type][inq][0]=bank`, `filter[order][0]=date DESC`). Both \
give the same object; sending both is a 400. The bracket notation sends \
text: numbers, booleans and dates are read from it as the property's type; \
a bracket index above {querystring.ARRAY_LIMIT} makes an object key, not an \
array item (`and`/`or` then refuse it), keys nest at most \
{querystring.MAX_DEPTH} deep and one parameter takes at most \
{querystring.MAX_PARAMETERS} bracket values.

Limits: a JSON value nests at most {querystring.MAX_JSON_DEPTH} levels, \
`and`/`or` at most {querystring.MAX_DEPTH}; a `where` holds at most \
{filters.MAX_CONDITIONS} conditions (each `inq`/`nin` item counts); `order` \
takes at most {filters.MAX_ORDER_TERMS} terms; `limit` is capped at \
{filters.MAX_LIMIT}. No string may hold NUL or a lone surrogate. Anything \
else (unknown key, property, operator or relation) is a 400 naming the \
culprit in `details`."""
WHERE_DESCRIPTION = """\
`{property: value}` is equality (`null` matches an empty value); \
`{property: {operator: operand}}` otherwise, several operators meaning all \
of them; `and`/`or` take non-empty arrays of where objects. Operators: \
`eq`, `neq`, `gt`, `gte`, `lt`, `lte`, `between` (two values, both ends \
included), `inq`/`nin` (arrays), `like`/`nlike`/`ilike`/`nilike`/`regexp` \
(regular expressions of the `LIKE` subset; `regexp` also as `/pattern/i`; \
`options: "i"` makes `like`/`nlike`/`regexp` case-insensitive). As on \
MongoDB, a negation (`neq`, `nin`, `nlike`, `nilike`) also matches payments \
without a value. A `date` compares as the instant at midnight UTC of its \
day, timestamps at the millisecond precision they are rendered with."""
AUTH_DESCRIPTION = """\
An Odoo API key (rpc scope) of the user the request runs as, sent bare as \
LoopBack's access token: `Authorization: <key>`. `Bearer <key>` and \
`Token <key>` are accepted too; any other header with spaces is a 401."""
IDEMPOTENCY_DESCRIPTION = """\
Optional. The same key with the same body, from the same user within 24 \
hours, replays the stored response without writing again. The same key \
with another body is a 422; while the first request with the key is still \
running, a 409."""
# Python's str.strip() removes these around a value before it is parsed
# (values.parse_instant, parse_number, natural): the patterns allow them.
_STRIPPED = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
# The characters common.idempotency_key refuses in a key (category Cc).
_CONTROL = "".join(
    chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cc"
)


# --- small builders ---------------------------------------------------------------


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _char_class(chars):
    """A regular expression class of ``chars``, runs written as ranges."""
    codes, runs = sorted(map(ord, chars)), []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return (
        "["
        + "".join(
            f"\\u{first:04x}" + (f"-\\u{last:04x}" if last > first else "")
            for first, last in runs
        )
        + "]"
    )


def _stripped_pattern(regex):
    """A JSON Schema pattern for text that ``regex.fullmatch(text.strip())``
    accepts (``\\d`` spelled ``[0-9]``, since the parsers match ASCII only)."""
    space = _char_class(_STRIPPED)
    body = regex.pattern.replace(r"\d", "[0-9]")
    return f"^{space}*(?:{body}){space}*$"


def _any_of(*schemas, **extra):
    return {"anyOf": list(schemas), **extra}


_NULL = {"type": "null"}
_BLANK = {"enum": list(payments.BLANK_VALUES)}
_BOOLEAN = {
    "enum": [True, False, *values.TRUE_VALUES, *values.FALSE_VALUES],
    "description": "true/false, or their text and number forms.",
}
_NATURAL = _any_of(
    {"type": "integer", "minimum": 0, "maximum": values.MAX_NATURAL},
    {"type": "string", "pattern": _stripped_pattern(values.NATURAL_TEXT)},
    _BLANK,
)
_INSTANT_TEXT = {
    "type": "string",
    "pattern": _stripped_pattern(values.INSTANT_TEXT),
    "description": "YYYY-MM-DD or an ISO 8601 timestamp (UTC unless it has a zone).",
}
_NUMBER_TEXT = {"type": "string", "pattern": _stripped_pattern(values.NUMBER_TEXT)}


# --- request bodies ---------------------------------------------------------------


def _body_property(key, payment_types, form, required):
    """The JSON Schema of one key a payment body may hold; a form (urlencoded
    or multipart) sends text, so its values are strings. A blank value
    (``payments.BLANK_VALUES``) counts as absent, which a required key
    cannot be."""
    blank = [] if required else [{"const": ""} if form else _BLANK]
    if key == "type":
        kind = {"type": "string"}
        if payment_types:
            kind["enum"] = list(payment_types)
        return _any_of(kind, *blank, description="Payment type.")
    if key == "date":
        return _any_of(
            {"type": "string", "format": "date"},
            _INSTANT_TEXT,
            *blank,
            description="The payment's day; a timestamp gives its UTC day.",
        )
    if key == "amount":
        number = {
            "type": "number",
            "exclusiveMinimum": 0,
            "exclusiveMaximum": int(payments.MAX_AMOUNT),
        }
        return _any_of(
            *([] if form else [number]),
            _NUMBER_TEXT,
            *blank,
            description="Greater than 0 and below "
            f"{int(payments.MAX_AMOUNT):.0e}, with no more decimals than the "
            "document's currency has (a 422 otherwise); a JSON number or its "
            "ASCII text. Left out of a new payment: what the document owes.",
        )
    if key == "description":
        return {
            "type": "string" if form else ["string", "null"],
            "maxLength": payments.MAX_DESCRIPTION_LENGTH,
            "pattern": "^[^\\u0000\\ud800-\\udfff]*$",
            "description": "No NUL character (nor lone surrogate). PUT clears "
            "it when absent.",
        }
    if key == "documentId":
        return {
            "type": "string",
            "description": "If sent, the id of the payment's own document: a "
            "payment stays on its document.",
        }
    read_only = {"description": "Read-only: accepted and ignored."}
    return {"type": "string", **read_only} if form else read_only


def _body_schema(verb, payment_types, form=False):
    """The body of a payment POST, PUT or PATCH."""
    required = payments.REQUIRED_KEYS[verb]
    properties = {
        key: _body_property(key, payment_types, form, key in required)
        for key in payments.ACCEPTED_KEYS
    }
    schema = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "description": "Required, and not blank: "
        + (", ".join(f"`{key}`" for key in required) or "nothing")
        + ". Every problem is listed in one 422 ValidationError.",
    }
    if required:
        schema["required"] = list(required)
    return schema


def _request_body(verb, payment_types):
    content = {}
    for mimetype in BODY_MIMETYPES:
        form = mimetype != "application/json"
        content[mimetype] = {"schema": _body_schema(verb, payment_types, form)}
    return {
        "required": False,
        "description": "JSON, or a form as `curl -d` sends it (the API "
        "documentation's examples).",
        "content": content,
    }


# --- filters ----------------------------------------------------------------------


_PATTERN = {
    "type": "string",
    "description": "A regular expression of the subset SQL LIKE can express.",
}


def _scalar(kind):
    """What a condition on a property of ``kind`` compares with."""
    if kind == "number":
        limit = int(values.MAX_NUMBER)
        return _any_of(
            {
                "type": "number",
                "exclusiveMinimum": -limit,
                "exclusiveMaximum": limit,
            },
            _NUMBER_TEXT,
        )
    if kind in ("date", "datetime"):
        return _INSTANT_TEXT
    return {"type": ["string", "number"]}


def _condition(prop):
    scalar = _scalar(prop.kind)
    nullable = _any_of(scalar, _NULL)
    items = {
        "type": "array",
        "items": nullable,
        "maxItems": filters.MAX_CONDITIONS,
    }
    operators = {
        "eq": nullable,
        "neq": nullable,
        **dict.fromkeys(filters.COMPARISONS, scalar),
        "between": {
            "type": "array",
            "items": scalar,
            "minItems": 2,
            "maxItems": 2,
        },
        "inq": _any_of(items, nullable),
        "nin": _any_of(items, nullable),
    }
    # `options: null` counts as absent (an object of only that, as no
    # condition); "i" goes with a pattern operator.
    operators["options"] = {"enum": [None]}
    if prop.kind not in ("number", "datetime"):
        operators.update(dict.fromkeys(sorted(filters.PATTERN_OPERATORS), _PATTERN))
        operators["options"] = {"enum": [*filters.PATTERN_OPTIONS, None]}
    return _any_of(
        nullable,
        {
            "type": "object",
            "properties": operators,
            "additionalProperties": False,
            "minProperties": 1,
        },
    )


def _where_schema(schema):
    properties = {name: _condition(prop) for name, prop in schema.properties.items()}
    # Items are where objects too; not a $ref to this schema, whose
    # recursion makes every generator of examples inline it level by level.
    junction = {
        "type": "array",
        "items": {"type": "object", "description": "A where object, as this one."},
        "minItems": 1,
    }
    properties.update({"and": junction, "or": junction})
    return {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "description": WHERE_DESCRIPTION,
    }


def _filter_schema(schema):
    keys = {"enum": list(schema.keys)}
    relations = {"enum": list(schema.relations)}
    orderable = [name for name, prop in schema.properties.items() if prop.orderable]
    directions = sorted(set(filters.ORDER_DIRECTIONS) - {""})
    properties = {
        "where": _any_of(_ref("Where"), _NULL),
        "fields": _any_of(
            keys,
            {"type": "array", "items": keys},
            {
                "type": "object",
                "propertyNames": keys,
                "additionalProperties": _BOOLEAN,
            },
            _NULL,
            description="Keys to keep (`{key: true}`, an array or one name), "
            "or to drop (only `false` entries).",
        ),
        "order": _any_of(
            {"type": "string"},
            {
                "type": "array",
                "items": {"type": "string"},
                "maxItems": filters.MAX_ORDER_TERMS,
            },
            {
                "type": "object",
                "propertyNames": {"enum": orderable},
                "additionalProperties": {"type": ["string", "integer"]},
                "maxProperties": filters.MAX_ORDER_TERMS,
            },
            _NULL,
            description="`<property> [ASC|DESC]` terms: a string (terms "
            "separated by commas), an array, or `{property: direction}`. "
            f"Properties: {', '.join(orderable)}. Directions: "
            f"{', '.join(directions)} (any case); none is ASC. Default: "
            f"`{schema.default_order}`; ties by id.",
        ),
        "limit": _any_of(
            *_NATURAL["anyOf"],
            description=f"At most {filters.MAX_LIMIT} (the default); more is "
            f"read as {filters.MAX_LIMIT}.",
        ),
        "skip": _NATURAL,
        "offset": _any_of(*_NATURAL["anyOf"], description="`skip`'s alias."),
        "include": _any_of(
            relations,
            {"type": "array", "items": relations},
            {
                "type": "object",
                "required": ["relation"],
                "properties": {"relation": relations},
                "description": "`{relation: name}`; a non-empty `scope` is a 400.",
            },
            {
                "type": "object",
                "propertyNames": relations,
                "additionalProperties": {"enum": [None, "", True, {}, []]},
            },
            _BLANK,
            description="Relations rendered into each payment: "
            f"{', '.join(schema.relations)}. No nested or scoped includes.",
        ),
        "deleted": {
            **_BOOLEAN,
            "description": "true: deleted (cancelled) payments too.",
        },
    }
    return {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "description": FILTER_DESCRIPTION,
    }


def _json_query(name, schema_name, description):
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "content": {"application/json": {"schema": _ref(schema_name)}},
    }


FILTER_PARAMETER = "Filter"
WHERE_PARAMETER = "WhereParameter"


# --- responses --------------------------------------------------------------------


# The statuses of LoopBack errors this API answers, with their ``name``.
ERROR_NAMES = {
    400: ("Error",),
    401: ("Error",),
    404: ("Error",),
    409: ("ConflictError",),
    413: ("Error",),
    415: ("UnsupportedMediaTypeError",),
    422: ("ValidationError", "UnprocessableEntityError"),
}
ERROR_DESCRIPTIONS = {
    400: "A malformed `filter`/`where` (details names it) or body.",
    401: "No key, an unknown one, or a user without the rights "
    "(`code`: AUTHORIZATION_REQUIRED).",
    404: "An unknown id (`code`: MODEL_NOT_FOUND), or a path no route has.",
    409: "Another request changed the same records at the same time, or the "
    "first request with this Idempotency-Key is still running.",
    413: "The body is too large.",
    415: "A body in another media type.",
    422: "The body is not valid (ValidationError; `details` lists every "
    "problem), or a business rule refuses the change (a locked period, a "
    "reconciled entry), or the Idempotency-Key was used for another request "
    "(UnprocessableEntityError).",
    500: "An unexpected error: LoopBack's production body, without name or details.",
}


def _error_schema():
    details = _any_of(
        {
            "type": "object",
            "required": ["context", "codes", "messages"],
            "properties": {
                "context": {"type": "string"},
                "codes": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "array",
                        "items": {"type": "string"},
                    },
                },
                "messages": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "array",
                        "items": {"type": "string"},
                    },
                },
            },
            "additionalProperties": False,
            "description": "A ValidationError's problems, per property.",
        },
        {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "The parameter and the path of its culprit.",
        },
    )
    return {
        "type": "object",
        "required": ["error"],
        "additionalProperties": False,
        "properties": {
            "error": {
                "type": "object",
                "required": ["statusCode", "message"],
                "additionalProperties": False,
                "properties": {
                    "statusCode": {"type": "integer"},
                    "name": {"type": "string"},
                    "message": {"type": "string"},
                    "code": {"type": "string"},
                    "details": details,
                },
            }
        },
        "description": "strong-error-handler's body.",
    }


def _error_response(status):
    error = {"statusCode": {"const": status}}
    if status < 500:
        error["name"] = {"type": "string", "examples": list(ERROR_NAMES[status])}
    headers = dict(_HEADERS)
    if status == 409:
        headers["Retry-After"] = {
            "description": "Seconds to wait, when the first request with "
            "this Idempotency-Key is still running.",
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
        }
    return {
        "description": ERROR_DESCRIPTIONS[status],
        "headers": headers,
        "content": {
            "application/json": {
                "schema": {
                    "allOf": [
                        _ref("Error"),
                        {"properties": {"error": {"properties": error}}},
                    ]
                }
            }
        },
    }


_HEADERS = {
    "Cache-Control": {"$ref": "#/components/headers/CacheControl"},
}


def _json_response(description, schema, headers=None):
    return {
        "description": description,
        "headers": {**_HEADERS, **(headers or {})},
        "content": {"application/json": {"schema": schema}},
    }


def _responses(success, *statuses):
    responses = {"200": success}
    for status in (*statuses, 500):
        responses[str(status)] = {"$ref": f"#/components/responses/Error{status}"}
    return responses


def _payment_schema(payment_types, full):
    properties = {
        key: dict(schema) for key, schema in payments.PAYMENT_PROPERTIES.items()
    }
    if payment_types:
        properties["type"]["enum"] = list(payment_types)
    schema = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if full:
        schema["required"] = list(payments.PAYMENT_REQUIRED_KEYS)
        schema["description"] = "A payment as a write answers it."
    else:
        properties["document"] = _any_of(_ref("Document"), _NULL)
        properties["organization"] = _ref("Organization")
        schema["description"] = (
            "A payment with the filter's `fields` and `include` applied: "
            "without `fields`, it has every key of Payment."
        )
    return schema


def _fixed_object(properties, description):
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
        "description": description,
    }


# --- paths ------------------------------------------------------------------------


def _path_parameter(name, what):
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": f"The {what}'s uuid: 32 hex digits, or hyphenated. "
        "Another value names nothing (404).",
        "schema": {"type": "string"},
    }


def _idempotency_header():
    """At most ``IDEMPOTENCY_KEY_MAX_LENGTH`` characters, no control
    character, not only spaces (common.idempotency_key; a 400 otherwise)."""
    allowed = f"[^{_char_class(_CONTROL)[1:-1]}]"
    visible = f"[^{_char_class(set(_CONTROL) | set(_STRIPPED))[1:-1]}]"
    return {
        "name": common.IDEMPOTENCY_HEADER,
        "in": "header",
        "required": False,
        "description": IDEMPOTENCY_DESCRIPTION,
        "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": common.IDEMPOTENCY_KEY_MAX_LENGTH,
            "pattern": f"^{allowed}*{visible}{allowed}*$",
        },
    }


def _operation(operation_id, summary, responses, parameters=(), **extra):
    operation = {
        "operationId": operation_id,
        "summary": summary,
        "tags": ["Payments"],
        "responses": responses,
    }
    if parameters:
        operation["parameters"] = list(parameters)
    operation.update(extra)
    return operation


def _list_response():
    return _json_response(
        "The payments, as a bare array (one page).",
        {"type": "array", "items": _ref("PaymentView")},
        headers={"x-total-count": {"$ref": "#/components/headers/XTotalCount"}},
    )


def _count_response():
    return _json_response("How many payments match.", _ref("Count"))


def _payment_response(description="The payment."):
    return _json_response(description, _ref("Payment"))


def _paths():
    document = {"$ref": "#/components/parameters/DocumentId"}
    organization = {"$ref": "#/components/parameters/OrganizationId"}
    payment = {"$ref": "#/components/parameters/PaymentId"}
    filter_ = {"$ref": f"#/components/parameters/{FILTER_PARAMETER}"}
    where = {"$ref": f"#/components/parameters/{WHERE_PARAMETER}"}
    read = (400, 401, 404)
    write = (400, 401, 404, 409, 413, 415, 422)
    links = {
        "GetPayment": {
            "operationId": "getPayment",
            "parameters": {"payment_id": "$response.body#/id"},
        },
        "UpdatePayment": {
            "operationId": "patchPayment",
            "parameters": {"payment_id": "$response.body#/id"},
        },
        "DeletePayment": {
            "operationId": "deletePayment",
            "parameters": {"payment_id": "$response.body#/id"},
        },
    }
    created = _payment_response(
        "The new payment (posted, and reconciled with the document)."
    )
    created["links"] = links
    created["headers"][common.REPLAYED_HEADER] = {
        "description": "`true` on a stored response replayed for its "
        "Idempotency-Key (nothing was written again).",
        "schema": {"const": "true"},
    }
    return {
        "/v1/documents/{document_id}/payments": {
            "parameters": [document],
            "get": _operation(
                "listDocumentPayments",
                "List a document's payments",
                _responses(_list_response(), *read),
                [filter_],
            ),
            "post": _operation(
                "createPayment",
                "Pay a document",
                _responses(created, *write),
                [{"$ref": "#/components/parameters/IdempotencyKey"}],
                requestBody={"$ref": "#/components/requestBodies/PaymentCreate"},
                description="Posts a payment in the journal of its type and "
                "reconciles it with the document; several payments may exceed "
                "the total (the rest stays as the customer's credit). Needs "
                "Odoo's Billing group.",
            ),
        },
        "/v1/documents/{document_id}/payments/count": {
            "parameters": [document],
            "get": _operation(
                "countDocumentPayments",
                "Count a document's payments",
                _responses(_count_response(), *read),
                [where],
            ),
        },
        "/v1/organizations/{organization_id}/payments": {
            "parameters": [organization],
            "get": _operation(
                "listOrganizationPayments",
                "List an organization's payments",
                _responses(_list_response(), *read),
                [filter_],
            ),
        },
        "/v1/organizations/{organization_id}/payments/count": {
            "parameters": [organization],
            "get": _operation(
                "countOrganizationPayments",
                "Count an organization's payments",
                _responses(_count_response(), *read),
                [where],
            ),
        },
        "/v1/payments/{payment_id}": {
            "parameters": [payment],
            "get": _operation(
                "getPayment",
                "Retrieve a payment",
                _responses(_json_response("The payment.", _ref("PaymentView")), *read),
                [filter_],
                description="The filter's `fields`, `include` and `deleted` "
                "apply; its other keys are checked, then ignored.",
            ),
            "put": _operation(
                "replacePayment",
                "Replace a payment",
                _responses(_payment_response(), *write),
                requestBody={"$ref": "#/components/requestBodies/PaymentReplace"},
                description="LoopBack's replace: `type`, `date` and `amount` "
                "are required and an absent `description` is cleared. The "
                "payment's accounting is redone; one in a locked period is a "
                "422.",
            ),
            "patch": _operation(
                "patchPayment",
                "Change a payment",
                _responses(_payment_response(), *write),
                requestBody={"$ref": "#/components/requestBodies/PaymentChange"},
                description="Changes what the body names; the accounting is redone.",
            ),
            "delete": _operation(
                "deletePayment",
                "Delete a payment",
                _responses(
                    _json_response(
                        "How many payments were deleted: 0 for an unknown or "
                        "already deleted one.",
                        _ref("DeleteCount"),
                    ),
                    401,
                    409,
                    422,
                ),
                description="A soft delete: the payment is cancelled (its "
                "reconciliation undone) and then listed only with "
                "`deleted`.",
            ),
        },
        "/v1/openapi.json": {
            "get": _operation(
                "openapi",
                "This document",
                {"200": _json_response("The OpenAPI document.", {"type": "object"})},
                security=[],
                tags=["Documentation"],
                description="Also as a page: `/v1/docs`.",
            ),
        },
        "/v1/docs": {
            "get": _operation(
                "docs",
                "This document as a page",
                {
                    "302": {
                        "description": "To the page, served from the "
                        "addon's static files.",
                        "headers": {
                            **_HEADERS,
                            "Location": {
                                "required": True,
                                "schema": {"type": "string"},
                            },
                        },
                        # werkzeug's "Redirecting..." note.
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    }
                },
                security=[],
                tags=["Documentation"],
            ),
        },
    }


def _with_head(paths, error_responses):
    """``paths`` with a HEAD operation next to each GET: every route answers
    HEAD as GET (common.method), without the body."""
    for item in paths.values():
        if "get" not in item:
            continue
        head = dict(item["get"])
        name = head["operationId"]
        head["operationId"] = f"head{name[0].upper()}{name[1:]}"
        head["summary"] = f"{head['summary']} (headers only)"
        head.pop("description", None)
        head["responses"] = {
            status: _without_body(response, error_responses)
            for status, response in head["responses"].items()
        }
        item["head"] = head
    return paths


def _conditional(paths):
    """``paths`` with ETag revalidation declared on their JSON GETs."""
    common.declare_conditional_get(
        paths, dict(_HEADERS), single_record_paths=("/v1/payments/{payment_id}",)
    )
    return paths


def _without_body(response, error_responses):
    if "$ref" in response:
        response = error_responses[response["$ref"].rsplit("/", 1)[-1]]
    return {key: value for key, value in response.items() if key != "content"}


# --- the document -----------------------------------------------------------------


def document(payment_types=None):
    """The OpenAPI 3.1 document of the ``/v1`` routes, as a dict.

    ``payment_types`` are the codes the payment ``type`` takes (the routes
    pass the database's; without them, ``type`` is any string).
    """
    payment_types = list(payment_types or ())
    schema = payments.SCHEMA
    error_responses = {
        f"Error{status}": _error_response(status) for status in (*ERROR_NAMES, 500)
    }
    deviations = "\n".join(f"- {text}" for text in DEVIATIONS)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Space Invoices payments API (Odoo billing_payments)",
            "version": API_VERSION,
            "description": "Space Invoices' legacy v1 payments API (LoopBack "
            "3 conventions) on Odoo's customer invoices and payments: "
            "camelCase keys, bare JSON arrays with the total in "
            '`x-total-count`, errors as `{"error": {statusCode, name, '
            "message, ...}}`. GET routes also answer HEAD. Every response "
            "carries `Vary: Authorization` and `Cache-Control: no-store`, "
            "except the JSON answers to GET: a weak `ETag` and "
            "`Cache-Control: private, no-cache`; sent back in `If-None-Match`, "
            "the tag gets a body-less 304 while the answer is unchanged "
            "(computed before the answer is rendered); one payment's answer "
            "also gives `Last-Modified`.\n\n"
            f"Deliberate differences from Space Invoices:\n\n{deviations}",
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": "Payments"},
            {"name": "Documentation"},
        ],
        "security": [{"accessToken": []}, {"accessTokenQuery": []}],
        "paths": _with_head(_conditional(_paths()), error_responses),
        "components": {
            "securitySchemes": {
                "accessToken": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": AUTH_DESCRIPTION,
                },
                "accessTokenQuery": {
                    "type": "apiKey",
                    "in": "query",
                    "name": "access_token",
                    "description": "The key as LoopBack's `access_token` "
                    "parameter (it is never written to the server log).",
                },
            },
            "parameters": {
                "DocumentId": _path_parameter("document_id", "document"),
                "OrganizationId": _path_parameter(
                    "organization_id", "organization (company)"
                ),
                "PaymentId": _path_parameter("payment_id", "payment"),
                FILTER_PARAMETER: _json_query("filter", "Filter", FILTER_DESCRIPTION),
                WHERE_PARAMETER: _json_query(
                    "where",
                    "Where",
                    "A `where` object (see the filter's), as JSON or in "
                    "brackets (`?where[type]=bank`).",
                ),
                "IdempotencyKey": _idempotency_header(),
            },
            "requestBodies": {
                "PaymentCreate": _request_body("POST", payment_types),
                "PaymentReplace": _request_body("PUT", payment_types),
                "PaymentChange": _request_body("PATCH", payment_types),
            },
            "headers": {
                "XTotalCount": {
                    "required": True,
                    "description": "How many payments the filter selects, "
                    "all pages together.",
                    "schema": {"type": "string", "pattern": "^[0-9]+$"},
                },
                "CacheControl": {
                    "required": True,
                    "description": "Responses hold one user's data: "
                    "`no-store`, or `private, no-cache` on a GET answer with "
                    "an ETag (never stored by a shared cache).",
                    "schema": {"enum": ["no-store", "private, no-cache"]},
                },
            },
            "responses": error_responses,
            "schemas": {
                "Payment": _payment_schema(payment_types, full=True),
                "PaymentView": _payment_schema(payment_types, full=False),
                "Document": _fixed_object(
                    payments.DOCUMENT_PROPERTIES,
                    "The payment's invoice, as a Space Invoices document "
                    "(its main keys).",
                ),
                "Organization": _fixed_object(
                    payments.ORGANIZATION_PROPERTIES,
                    "The payment's company, as a Space Invoices organization "
                    "(its main keys).",
                ),
                "Count": _fixed_object(
                    {"count": {"type": "integer", "minimum": 0}}, "A count."
                ),
                "DeleteCount": _fixed_object(
                    {"count": {"enum": [0, 1]}}, "How many were deleted."
                ),
                "Filter": _filter_schema(schema),
                "Where": _where_schema(schema),
                "Error": _error_schema(),
            },
        },
    }
