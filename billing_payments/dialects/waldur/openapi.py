# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The OpenAPI 3.1 document of the Waldur dialect, built from its declarations.

Nothing here restates what the dialect already declares: request bodies come
from the resource modules' ``FIELDS`` (each field's ``schema``), list
parameters from their filter tables (``FILTERS``, read by the list parsers
too), response bodies from the schema constant next to each renderer
(``INVOICE_SCHEMA``...). What is written here is the routing (paths, verbs,
status codes), which the controller's tests hold against the routing map,
and the prose: what each operation does and where it deliberately differs
from Waldur (readme/ROADMAP.md).
"""

from .. import common
from . import (
    PERMISSION_DENIED,
    customers,
    invoice_items,
    invoices,
    payment_profiles,
    payments,
)
from .fields import PROOF_FIELDS, STRING, object_schema, ref
from .pagination import PAGE_PARAMETERS

TITLE = "Waldur billing API (billing_payments)"
VERSION = "1"
# The GETs of one record: they also give Last-Modified (common.Validator).
SINGLE_RECORD_PATHS = (
    "/api/invoices/{uuid}/",
    "/api/invoices/{uuid}/items/",
    "/api/invoice-items/{uuid}/",
    "/api/customers/{uuid}/",
    "/api/payments/{uuid}/",
    "/api/payment-profiles/{uuid}/",
)
UUID_PATTERN = (
    "^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})$"
)
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROOF_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/webp")
BILLING_GROUP_NOTE = (
    "Needs Odoo's Billing group (account.group_account_invoice): without it "
    "a 403, checked before the record is looked up."
)
TAGS = (
    ("invoices", "Customer invoices, their items, statistics and growth."),
    ("invoice-items", "One product line of a customer invoice."),
    ("customers", "The customers of the user's companies (read only)."),
    ("payments", "Payments of payment profiles, linked to invoices or not."),
    ("payment-profiles", "How a customer pays, and the journal it pays into."),
    ("documentation", "This document and its readable page."),
)


# --- building blocks -----------------------------------------------------------


def _header(name):
    return {"$ref": f"#/components/headers/{name}"}


def _protected_headers(extra=()):
    """Headers every API response carries, plus ``extra`` (component names)."""
    headers = {"Cache-Control": _header("CacheControl"), "Vary": _header("Vary")}
    for name in extra:
        headers[COMPONENT_HEADER_NAMES[name]] = _header(name)
    return headers


def _json_response(description, schema, headers=()):
    return {
        "description": description,
        "headers": _protected_headers(headers),
        "content": {JSON: {"schema": schema}},
    }


def _empty_response(description, headers=()):
    return {"description": description, "headers": _protected_headers(headers)}


def _error(name):
    return {"$ref": f"#/components/responses/{name}"}


def _uuid_parameter(name, label):
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": f"The {label}'s uuid: 32 hex digits or the hyphenated "
        "form; any other value is a 404.",
        "schema": {"type": "string", "pattern": UUID_PATTERN},
    }


def _parameters(declarations, env):
    return [declaration.parameter(env) for declaration in declarations]


def _body_schema(fields, form, env, partial):
    properties = {name: field.schema(form, env) for name, field in fields.items()}
    schema = {"type": "object", "properties": properties}
    required = [name for name, field in fields.items() if field.required]
    if required and not partial:
        schema["required"] = required
    return schema


def _request_body(fields, env, partial=False, files=None, description=""):
    """A body as ``read_body`` takes it: JSON, urlencoded or multipart form.

    ``files`` (file fields) only come in multipart bodies.
    """
    multipart = _body_schema({**fields, **(files or {})}, True, env, partial)
    body = {
        "required": False,
        "content": {
            JSON: {"schema": _body_schema(fields, False, env, partial)},
            FORM: {"schema": _body_schema(fields, True, env, partial)},
            MULTIPART: {"schema": multipart},
        },
    }
    if description:
        body["description"] = description
    return body


def _operation(  # noqa: PLR0913 - an operation has this many parts
    operation_id,
    tag,
    summary,
    responses,
    description="",
    parameters=(),
    body=None,
    errors=(),
):
    operation = {
        "operationId": operation_id,
        "tags": [tag],
        "summary": summary,
    }
    if description:
        operation["description"] = description
    if parameters:
        operation["parameters"] = list(parameters)
    if body:
        operation["requestBody"] = body
    all_responses = dict(responses)
    for status in ("401", "403", "404", *errors):
        all_responses.setdefault(status, _error(ERROR_RESPONSES[status]))
    operation["responses"] = dict(sorted(all_responses.items()))
    return operation


def _read(operation_id, tag, summary, response, **kwargs):
    return _operation(operation_id, tag, summary, {"200": response}, **kwargs)


def _write(operation_id, tag, summary, responses, description="", body=None, **kw):
    """A write: Billing group, Idempotency-Key on POST, conflicts (409)."""
    # 413: a body above Odoo's limits (size, form parts), whatever the route.
    errors = ["409", "413", *kw.pop("errors", ())]
    if body:
        errors += ["400", "415"]
    text = (
        f"{description}\n\n{BILLING_GROUP_NOTE}" if description else BILLING_GROUP_NOTE
    )
    return _operation(
        operation_id,
        tag,
        summary,
        responses,
        description=text,
        body=body,
        errors=errors,
        **kw,
    )


def _post(operation_id, tag, summary, responses, parameters=(), **kwargs):
    """A POST: a write that takes an ``Idempotency-Key``."""
    # 400: an invalid Idempotency-Key, whatever the body.
    errors = ["400", "422", *kwargs.pop("errors", ())]
    replayable = {}
    for status, response in responses.items():
        if status.startswith("2"):
            headers = dict(response.get("headers", {}))
            headers[common.REPLAYED_HEADER] = _header("IdempotentReplayed")
            response = {**response, "headers": headers}
        replayable[status] = response
    return _write(
        operation_id,
        tag,
        summary,
        replayable,
        parameters=[*parameters, {"$ref": "#/components/parameters/IdempotencyKey"}],
        errors=errors,
        **kwargs,
    )


def _head(get):
    """The HEAD twin of a GET: the same answer without its body."""
    responses = {}
    for status, response in get["responses"].items():
        if "$ref" in response:
            responses[status] = response
            continue
        responses[status] = {
            key: value for key, value in response.items() if key != "content"
        }
    head = {
        **get,
        "operationId": f"{get['operationId']}_head",
        "summary": f"{get['summary']} (headers only)",
        "responses": responses,
    }
    head.pop("description", None)
    return head


def _list_response(description, schema_name):
    return _json_response(
        description,
        {"type": "array", "items": ref(schema_name)},
        headers=("Link", "XResultCount"),
    )


DETAIL = ref("Detail")
COMPONENT_HEADER_NAMES = {
    "Link": "Link",
    "XResultCount": "X-Result-Count",
    "Location": "Location",
    "WWWAuthenticate": "WWW-Authenticate",
    "ContentDisposition": "Content-Disposition",
    "RetryAfter": "Retry-After",
    "IdempotentReplayed": common.REPLAYED_HEADER,
}
ERROR_RESPONSES = {
    "400": "BadRequest",
    "401": "Unauthorized",
    "403": "Forbidden",
    "404": "NotFound",
    "405": "MethodNotAllowed",
    "409": "Conflict",
    "413": "PayloadTooLarge",
    "415": "UnsupportedMediaType",
    "422": "UnprocessableEntity",
}


def _header_components():
    return {
        "CacheControl": {
            "description": "Responses hold one user's data: never stored by a "
            "shared cache. `no-store`, except a GET answer with an ETag: "
            "`private, no-cache` (the client may keep it, and revalidates it "
            "with `If-None-Match` before each use).",
            "required": True,
            "schema": {"type": "string", "enum": ["no-store", "private, no-cache"]},
        },
        "Vary": {
            "description": "An answer made for one key is never served for another.",
            "required": True,
            "schema": {"type": "string", "pattern": "Authorization"},
        },
        "Link": {
            "description": "The first, prev, next and last pages, "
            'comma-separated `<url>; rel="next"` (first and last always).',
            "required": True,
            "schema": STRING,
        },
        "XResultCount": {
            "description": "How many rows match, on every page.",
            "required": True,
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
        },
        "Location": {
            "description": "The URL of the created resource.",
            "required": True,
            "schema": {"type": "string", "format": "uri"},
        },
        "WWWAuthenticate": {
            "description": "The authentication scheme to use.",
            "required": True,
            "schema": {"type": "string", "const": "Token"},
        },
        "ContentDisposition": {
            "description": "The file's name.",
            "required": True,
            "schema": STRING,
        },
        "RetryAfter": {
            "description": "Seconds to wait before retrying: sent while a "
            "request with the same Idempotency-Key is still running.",
            "required": False,
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
        },
        "IdempotentReplayed": {
            "description": "This is the stored response of an earlier request "
            "with the same Idempotency-Key; nothing was written again.",
            "required": False,
            "schema": {"type": "string", "const": "true"},
        },
    }


def _components(env):
    return {
        "securitySchemes": {
            "tokenAuth": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "An Odoo API key (Preferences → Account Security) "
                "as `Authorization: Token <key>`.",
            },
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "The same API key as `Authorization: Bearer <key>`.",
            },
        },
        "parameters": {
            "IdempotencyKey": {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "Makes a retried POST safe: the same key and "
                "request (method, path, query, body) from the same user within "
                "24 h replays the stored response without a second write; "
                "another request with the same key is a 422; a request while "
                "the first with that key is still running is a 409 (with "
                "Retry-After). Only successes (2xx) are stored, so a refused "
                "request may be corrected and sent again with the same key. "
                "Other verbs ignore the header. A replay carries "
                f"`{common.REPLAYED_HEADER}: true`. An empty key, one longer "
                f"than {common.IDEMPOTENCY_KEY_MAX_LENGTH} characters or one "
                "with control characters is a 400.",
                "schema": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": common.IDEMPOTENCY_KEY_MAX_LENGTH,
                },
            },
        },
        "headers": _header_components(),
        "responses": {
            "BadRequest": _json_response(
                'Invalid input: field errors `{"field": ["message"]}`, a bare '
                'list of messages (a refused operation), or `{"detail": ...}` '
                "(a body that does not parse). Nothing is written.",
                {
                    "anyOf": [
                        ref("FieldErrors"),
                        ref("ErrorList"),
                        DETAIL,
                    ]
                },
            ),
            "Unauthorized": _json_response(
                "No, an unknown, an expired or a malformed API key.",
                DETAIL,
                headers=("WWWAuthenticate",),
            ),
            "Forbidden": _json_response(
                f'Not allowed: `{{"detail": "{PERMISSION_DENIED}"}}`.', DETAIL
            ),
            "NotFound": _json_response(
                "No such record among those the user may see (`No <Model> matches "
                "the given query.`), or a page out of range (`Invalid page.`).",
                DETAIL,
            ),
            "MethodNotAllowed": _json_response(
                'Another verb: `Method "X" not allowed.`', DETAIL
            ),
            "Conflict": _json_response(
                "The record's state or period refuses the operation, another "
                "request changed the same records at the same time, or a "
                "request with the same Idempotency-Key is still running "
                "(then with `Retry-After`).",
                DETAIL,
                ("RetryAfter",),
            ),
            "PayloadTooLarge": _json_response(
                'The proof file is above its size limit (`{"proof": [...]}`), '
                'or the body above Odoo\'s limits (`{"detail": ...}`).',
                {"anyOf": [ref("FieldErrors"), DETAIL]},
            ),
            "UnsupportedMediaType": _json_response(
                "A body that is neither JSON nor a form.", DETAIL
            ),
            "UnprocessableEntity": _json_response(
                "The Idempotency-Key was used before with another body.", DETAIL
            ),
        },
        "schemas": {
            "Invoice": invoices.INVOICE_SCHEMA,
            "InvoiceFieldSelection": {
                **invoices.INVOICE_SCHEMA,
                "required": [],
                "description": "An invoice with only the keys ?field= asks for.",
            },
            "InvoiceItem": invoice_items.ITEM_SCHEMA,
            "InvoiceItemDetail": invoice_items.ITEM_DETAIL_SCHEMA,
            "InvoiceStatsOffering": invoices.STATS_ROW_SCHEMA,
            "InvoiceGrowth": invoices.GROWTH_SCHEMA,
            "CustomerDetails": customers.CUSTOMER_DETAILS_SCHEMA,
            "IssuerDetails": customers.ISSUER_DETAILS_SCHEMA,
            "Customer": customers.CUSTOMER_SCHEMA,
            "Payment": payments.PAYMENT_SCHEMA,
            "PaymentProfile": _profile_schema(env),
            "Detail": object_schema(
                {"detail": STRING}, description="A message (DRF's `detail`)."
            ),
            "FieldErrors": {
                "type": "object",
                "description": "Each invalid field's messages "
                "(non_field_errors for the body as a whole).",
                "additionalProperties": {"type": "array", "items": STRING},
            },
            "ErrorList": {
                "type": "array",
                "description": "Why the operation was refused.",
                "items": STRING,
            },
        },
    }


def _profile_schema(env):
    """PAYMENT_PROFILE_SCHEMA with the payment types read from the model."""
    schema = payment_profiles.PAYMENT_PROFILE_SCHEMA
    payment_type = payment_profiles.FIELDS["payment_type"].value_schema(False, env)
    return {
        **schema,
        "properties": {**schema["properties"], "payment_type": payment_type},
    }


# --- paths ---------------------------------------------------------------------


def _invoice_paths(env):
    # With ?field=, an invoice holds only the keys asked for.
    invoice = {"anyOf": [ref("Invoice"), ref("InvoiceFieldSelection")]}
    uuid = _uuid_parameter("uuid", "invoice")
    detail_filters = _parameters(invoices.FILTERS, env)
    set_paths = {}
    for name, field in invoices.SET_FIELDS.items():
        set_paths[f"/api/invoices/{{uuid}}/set_{name}/"] = {
            "post": _post(
                f"invoices_set_{name}",
                "invoices",
                f"Set the invoice's {name}",
                {"200": _empty_response("Saved (an empty body).")},
                description="An empty body `{}` changes nothing; an empty "
                "string clears it. Works in any state."
                + (" Must be an http(s) URL." if name == "payment_url" else ""),
                parameters=[uuid],
                body=_request_body({name: field}, env, partial=True),
            )
        }
    return {
        "/api/invoices/": {
            "get": _read(
                "invoices_list",
                "invoices",
                "List customer invoices",
                _json_response(
                    "One page of invoices (a bare array).",
                    {"type": "array", "items": invoice},
                    headers=("Link", "XResultCount"),
                ),
                description="Newest billing month first unless `o` says "
                "otherwise. The `state` filter accepts pending_finalization, "
                "which matches nothing: Odoo invoices have no such state.",
                parameters=[
                    *detail_filters,
                    invoices.ORDER.parameter(env),
                    invoices.FIELD_SELECTION.parameter(env),
                    *_parameters(PAGE_PARAMETERS, env),
                ],
                errors=("400",),
            ),
        },
        "/api/invoices/growth/": {
            "get": _read(
                "invoices_growth",
                "invoices",
                "Invoiced totals of the last 13 months",
                _json_response("The series (not paginated).", ref("InvoiceGrowth")),
                description="The major customers (the largest totals of the "
                "last year) get their own series, ordered by name. A negative "
                "customers_count is a 400 (the real server fails with a 500); "
                "accounting_is_running is accepted and ignored.",
                parameters=_parameters(invoices.GROWTH_PARAMETERS, env),
                errors=("400",),
            ),
        },
        "/api/invoices/{uuid}/": {
            "get": _read(
                "invoices_retrieve",
                "invoices",
                "One customer invoice",
                _json_response("The invoice.", invoice),
                parameters=[uuid, invoices.FIELD_SELECTION.parameter(env)],
            ),
        },
        "/api/invoices/{uuid}/items/": {
            "get": _read(
                "invoices_items",
                "invoices",
                "The invoice's items",
                _json_response(
                    "Its lines with a non-zero total (an array, not paginated).",
                    {"type": "array", "items": ref("InvoiceItem")},
                ),
                description="The ordering `o` takes the documented values, "
                "which the real server rejects with a 400 by accident.",
                parameters=[
                    uuid,
                    *_parameters(invoice_items.ITEM_FILTERS, env),
                    invoice_items.ITEM_ORDER.parameter(env),
                ],
                errors=("400",),
            ),
        },
        "/api/invoices/{uuid}/stats/": {
            "get": _read(
                "invoices_stats",
                "invoices",
                "Spend per offering",
                _stats_response(),
                description="As in Waldur, the list filters restrict the "
                "invoice's lookup (an invoice they exclude is a 404). The "
                "format=xlsx export holds every offering of the invoice, not "
                "one page of them, and has no pagination headers.",
                parameters=[
                    uuid,
                    invoice_items.PROVIDER_FILTER.parameter(env),
                    {
                        "name": "format",
                        "in": "query",
                        "required": False,
                        "description": "xlsx for a workbook; anything else JSON.",
                        "schema": {"type": "string", "examples": ["xlsx"]},
                    },
                    *detail_filters,
                    *_parameters(PAGE_PARAMETERS, env),
                ],
                errors=("400",),
            ),
        },
        "/api/invoices/{uuid}/paid/": {
            "post": _post(
                "invoices_paid",
                "invoices",
                "Mark the invoice as paid",
                {"200": _json_response("The paid invoice.", invoice)},
                description="An accounting operation: registers, posts and "
                "reconciles a payment of the residual in the journal of the "
                "customer's active payment profile (none: a 400). An empty "
                "body pays today; any other body needs `date`, and a "
                "multipart body may add the `proof`. Answers 200 with the "
                "invoice (Waldur's answer differs between server and client). "
                "An invoice that is not `created` is a 409, before any body "
                "error.",
                parameters=[uuid],
                body=_paid_body(env),
            ),
        },
        "/api/invoices/{uuid}/send_notification/": {
            "post": _post(
                "invoices_send_notification",
                "invoices",
                "Send the invoice to the customer",
                {"200": _json_response("Queued.", DETAIL)},
                description="Never sends during the request: the invoice joins "
                "Odoo's sending queue. Without wkhtmltopdf the e-mail goes out "
                "without its PDF. Only a `created` invoice can be sent (400).",
                parameters=[uuid],
                errors=("400",),
            ),
        },
        **set_paths,
    }


def _stats_response():
    """A page of offerings, or a workbook (without the pagination headers)."""
    headers = _protected_headers()
    for name in ("Link", "XResultCount", "ContentDisposition"):
        header = dict(_header_components()[name], required=False)
        header["description"] += " (JSON: Link and X-Result-Count; xlsx: the file name)"
        headers[COMPONENT_HEADER_NAMES[name]] = header
    return {
        "description": "One page of offerings, or with format=xlsx a workbook.",
        "headers": headers,
        "content": {
            JSON: {"schema": {"type": "array", "items": ref("InvoiceStatsOffering")}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
    }


def _paid_body(env):
    body = _request_body(invoices.PAID_FIELDS, env, files=PROOF_FIELDS)
    for media in body["content"].values():
        schema = media["schema"]
        required = schema.pop("required")
        # An empty body is accepted (it pays today); any other needs a date.
        schema["anyOf"] = [{"maxProperties": 0}, {"required": required}]
    return body


def _payment_paths(env):
    payment = ref("Payment")
    uuid = _uuid_parameter("uuid", "payment")
    fields = payments.FIELDS
    return {
        "/api/payments/": {
            "get": _read(
                "payments_list",
                "payments",
                "List payments",
                _list_response("One page of payments, oldest first.", "Payment"),
                description="Payments of payment profiles; cancelled ones are "
                "not shown.",
                parameters=[
                    *_parameters(payments.FILTERS, env),
                    *_parameters(PAGE_PARAMETERS, env),
                ],
                errors=("400",),
            ),
            "post": _post(
                "payments_create",
                "payments",
                "Add a payment",
                {"201": _json_response("The payment.", payment, headers=("Location",))},
                description="`profile` must be an active payment profile; "
                "`sum` defaults to 0.00. The proof comes in a multipart body.",
                body=_request_body(fields, env, files=PROOF_FIELDS),
            ),
        },
        "/api/payments/{uuid}/": {
            "get": _read(
                "payments_retrieve",
                "payments",
                "One payment",
                _json_response("The payment.", payment),
                parameters=[uuid],
            ),
            "put": _write(
                "payments_update",
                "payments",
                "Replace a payment",
                {"200": _json_response("The payment.", payment)},
                description=_PAYMENT_CHANGE,
                parameters=[uuid],
                body=_request_body(fields, env, files=PROOF_FIELDS),
            ),
            "patch": _write(
                "payments_partial_update",
                "payments",
                "Change a payment",
                {"200": _json_response("The payment.", payment)},
                description=_PAYMENT_CHANGE,
                parameters=[uuid],
                body=_request_body(fields, env, partial=True, files=PROOF_FIELDS),
            ),
            "delete": _write(
                "payments_destroy",
                "payments",
                "Delete a payment",
                {"204": _empty_response("Deleted (or cancelled).")},
                description="A payment Odoo must keep (numbering, audit trail) "
                "is cancelled instead, and disappears from the API all the "
                "same; one in a locked period is a 409.",
                parameters=[uuid],
            ),
        },
        "/api/payments/{uuid}/link_to_invoice/": {
            "post": _post(
                "payments_link_to_invoice",
                "payments",
                "Link the payment to an invoice",
                {"200": _json_response("Linked.", DETAIL)},
                description="Pays the invoice: the payment is reconciled with "
                "it, so an invoice still `created` becomes `paid` or keeps a "
                "smaller residual (Waldur only links payments to paid "
                "invoices). A payment already linked is a 400 before the body "
                "is read.",
                parameters=[uuid],
                body=_request_body(payments.INVOICE_LINK_FIELDS, env),
            ),
        },
        "/api/payments/{uuid}/unlink_from_invoice/": {
            "post": _post(
                "payments_unlink_from_invoice",
                "payments",
                "Unlink the payment from its invoice",
                {"200": _json_response("Unlinked.", DETAIL)},
                description="Undoes the reconciliation; a payment linked to no "
                "invoice is a 400.",
                parameters=[uuid],
                errors=("400",),
            ),
        },
        "/api/payments/{uuid}/proof/": {
            "get": _read(
                "payments_proof",
                "payments",
                "The payment's proof file",
                {
                    "description": "The file, in its checked type.",
                    "headers": _protected_headers(("ContentDisposition",)),
                    "content": {
                        media: {"schema": {"type": "string", "format": "binary"}}
                        for media in PROOF_TYPES
                    },
                },
                description="A payment without a proof is a 404. Files are "
                "stored under a name whose extension matches their checked "
                "type.",
                parameters=[uuid],
            ),
        },
    }


_PAYMENT_CHANGE = (
    "A linked payment's accounting is redone (unreconcile, reset to draft, "
    "change, post, reconcile again); a payment in a locked period cannot "
    "change (409). `invoice` is read only: use link_to_invoice."
)


def _profile_paths(env):
    profile = ref("PaymentProfile")
    uuid = _uuid_parameter("uuid", "payment profile")
    fields = payment_profiles.FIELDS
    return {
        "/api/payment-profiles/": {
            "get": _read(
                "payment_profiles_list",
                "payment-profiles",
                "List payment profiles",
                _list_response("One page of profiles.", "PaymentProfile"),
                parameters=[
                    *_parameters(payment_profiles.FILTERS, env),
                    payment_profiles.ORDER.parameter(env),
                    *_parameters(PAGE_PARAMETERS, env),
                ],
                errors=("400",),
            ),
            "post": _post(
                "payment_profiles_create",
                "payment-profiles",
                "Add a payment profile",
                {"201": _json_response("The profile.", profile, headers=("Location",))},
                description="An active profile deactivates the customer's "
                "other profiles of the company.",
                body=_request_body(fields, env),
            ),
        },
        "/api/payment-profiles/{uuid}/": {
            "get": _read(
                "payment_profiles_retrieve",
                "payment-profiles",
                "One payment profile",
                _json_response("The profile.", profile),
                parameters=[uuid],
            ),
            "put": _write(
                "payment_profiles_update",
                "payment-profiles",
                "Replace a payment profile",
                {"200": _json_response("The profile.", profile)},
                parameters=[uuid],
                body=_request_body(fields, env),
            ),
            "patch": _write(
                "payment_profiles_partial_update",
                "payment-profiles",
                "Change a payment profile",
                {"200": _json_response("The profile.", profile)},
                parameters=[uuid],
                body=_request_body(fields, env, partial=True),
            ),
            "delete": _write(
                "payment_profiles_destroy",
                "payment-profiles",
                "Delete a payment profile",
                {"204": _empty_response("Deleted.")},
                description="A profile that has payments cannot be deleted "
                "(409): deactivate it instead.",
                parameters=[uuid],
            ),
        },
        "/api/payment-profiles/{uuid}/enable/": {
            "post": _post(
                "payment_profiles_enable",
                "payment-profiles",
                "Make the profile the customer's active one",
                {"200": _json_response("Enabled.", DETAIL)},
                parameters=[uuid],
                errors=("400",),
            ),
        },
    }


def _other_paths(env):
    return {
        "/api/customers/{uuid}/": {
            "get": _read(
                "customers_retrieve",
                "customers",
                "One customer",
                _json_response("The customer.", ref("Customer")),
                description="Only customers of the user's companies: the "
                "commercial partner of a customer invoice, or the partner of "
                "a payment profile, that the user can read. Any other partner "
                "is a 404.",
                parameters=[_uuid_parameter("uuid", "customer")],
            ),
        },
        "/api/invoice-items/{uuid}/": {
            "get": _read(
                "invoice_items_retrieve",
                "invoice-items",
                "One invoice item",
                _json_response("The item.", ref("InvoiceItemDetail")),
                description="The item as embedded in its invoice plus Waldur's "
                "six detail keys; offering_uuid is the product's uuid when "
                "the item's details have none.",
                parameters=[_uuid_parameter("uuid", "invoice item")],
            ),
        },
        "/api/openapi.json": {
            "get": {
                "operationId": "openapi_document",
                "tags": ["documentation"],
                "summary": "This document",
                "description": "Public, as Waldur serves its schema: it holds "
                "no data, and a client generator needs no key to read it.",
                "security": [],
                "responses": {
                    "200": _json_response(
                        "The OpenAPI 3.1 document.", {"type": "object"}
                    ),
                },
            },
        },
        "/api/docs/": {
            "get": {
                "operationId": "openapi_page",
                "tags": ["documentation"],
                "summary": "The readable page of this document",
                "description": "Redirects to the page the addon serves from "
                "its own static files (no CDN).",
                "security": [],
                "responses": {
                    "302": {
                        "description": "To the page.",
                        "headers": {
                            **_protected_headers(),
                            "Location": {"required": True, "schema": STRING},
                        },
                        "content": {"text/html": {"schema": STRING}},
                    },
                },
            },
        },
    }


def document(env=None, server_url=None):
    """The OpenAPI 3.1 document of every Waldur route.

    ``env`` reads the choices stored in the database (the payment types);
    ``server_url`` is the base URL clients call (the route passes the
    request's).
    """
    paths = {
        **_invoice_paths(env),
        **_other_paths(env),
        **_payment_paths(env),
        **_profile_paths(env),
    }
    common.declare_conditional_get(
        paths,
        {"Cache-Control": _header("CacheControl"), "Vary": _header("Vary")},
        SINGLE_RECORD_PATHS,
    )
    for operations in paths.values():
        if "get" in operations and "head" not in operations:
            operations["head"] = _head(operations["get"])
    doc = {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": VERSION,
            "description": "Waldur's billing API (invoices, invoice items, "
            "customers, payments, payment profiles) on Odoo's invoices and "
            "payments. Django REST framework conventions: uuids as 32 hex "
            "digits (hyphenated ones accepted), absolute links with a "
            "trailing slash, lists as bare arrays with `Link` and "
            "`X-Result-Count`, DRF error bodies. Every response carries "
            "`Cache-Control: no-store`, except the JSON answers to GET, which "
            "carry a weak `ETag` and `Cache-Control: private, no-cache`: sent "
            "back in `If-None-Match`, it gets a body-less 304 while the answer "
            "is unchanged (beyond Waldur), computed before the answer is "
            "rendered; one record's answer also gives `Last-Modified`. "
            "Every verb a path does not list is a "
            '405; any other path under /api/ a 404 `{"detail": "Not found."}`. '
            "Paths answer without their trailing slash too. "
            "Where the API deliberately differs from Waldur, the operation "
            "says so.",
            "license": {"name": "LGPL-3.0-or-later", "identifier": "LGPL-3.0-or-later"},
        },
        "tags": [{"name": name, "description": text} for name, text in TAGS],
        "security": [{"tokenAuth": []}, {"bearerAuth": []}],
        "paths": dict(sorted(paths.items())),
        "components": _components(env),
    }
    if server_url:
        doc["servers"] = [{"url": server_url}]
    return doc
