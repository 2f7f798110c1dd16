# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Space Invoices' payment resource on Odoo's customer payments.

A Space Invoices payment is an inbound customer ``account.payment`` linked to
a customer invoice (its "document"); an organization is a company. Deleted
payments are cancelled ones: hidden unless the filter asks for them.
"""

from decimal import Decimal

from odoo.http import request
from odoo.osv import expression

from ...exceptions import FilterError
from ...money import quantize
from ...utils import normalize_uuid
from .. import common, fingerprint
from . import (
    bad_request,
    day_timestamp,
    json_number,
    not_found,
    timestamp,
    unauthorized,
    validation_failed,
)
from .filters import Property, Schema
from .querystring import decode_param
from .values import is_storable_text, parse_instant, parse_number

MODEL_NAME = "Payment"
# Characters of a description. It becomes the payment entry's reference,
# which PostgreSQL indexes with the partner on every journal item
# (account_move_line_partner_id_ref_idx, a btree whose rows hold at most
# 2,704 bytes): 500 characters stay under that in any script (4 bytes each
# at most in UTF-8).
MAX_DESCRIPTION_LENGTH = 500
# An amount must stay below this (and above 0); its decimals are the
# document currency's at most.
MAX_AMOUNT = Decimal("1e13")
WRITABLE_KEYS = ("type", "date", "amount", "description")
# The properties a body must hold, per verb: LoopBack's PUT replaces, PATCH
# changes what it names; POST defaults the amount to what is due.
REQUIRED_KEYS = {
    "POST": ("type", "date"),
    "PUT": ("type", "date", "amount"),
    "PATCH": (),
}
# Values of a writable property that count as "not sent".
BLANK_VALUES = (None, "")
# Keys of a rendered payment, in order; `fields` may pick among them.
PAYMENT_KEYS = (
    "id",
    "documentId",
    "organizationId",
    "type",
    "date",
    "amount",
    "description",
    "createdAt",
    "updatedAt",
    "deletedAt",
    "_isDeleted",
)
SCHEMA = Schema(
    properties={
        "id": Property("uuid", "id", order="id"),  # creation order, as ObjectIds
        "documentId": Property(
            "uuid",
            "id",
            relation="invoice_ids",
            relation_domain=(("move_type", "=", "out_invoice"),),
            orderable=False,
        ),
        "organizationId": Property("company_id.uuid", "id", orderable=False),
        "type": Property("payment_channel", "string"),
        "date": Property("date", "date"),
        "amount": Property("amount", "number"),
        "description": Property("memo", "string"),
        "createdAt": Property("create_date", "datetime"),
        "updatedAt": Property("write_date", "datetime"),
        "deletedAt": Property("billing_deleted_at", "datetime"),
    },
    keys=PAYMENT_KEYS,
    relations=("document", "organization"),
    default_order="id asc",
)
# Read-only keys a client may send back unchanged (e.g. PUT of a GET result).
READ_ONLY_KEYS = {
    "id",
    "organizationId",
    "createdAt",
    "updatedAt",
    "deletedAt",
    "_isDeleted",
    "deletedId",
}
# Every key a body may hold: the writable ones, the read-only ones (ignored,
# whatever their value) and ``documentId``, which must name the document.
ACCEPTED_KEYS = (*WRITABLE_KEYS, *sorted(READ_ONLY_KEYS), "documentId")

# JSON Schema of each key of a rendered payment, document and organization
# (read by openapi.py; tests check them against the renderers below). The
# payment ``type`` gets the database's payment types in the document.
_UUID = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
_TIMESTAMP = {
    "type": "string",
    "format": "date-time",
    "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$",
}
_DAY_TIMESTAMP = {**_TIMESTAMP, "type": ["string", "null"]}
_TEXT = {"type": "string"}
_MONEY = {"type": "number"}
PAYMENT_PROPERTIES = {
    "id": {**_UUID, "description": "The payment's uuid (32 hex)."},
    "documentId": {
        "type": ["string", "null"],
        "pattern": _UUID["pattern"],
        "description": "The uuid of the customer invoice the payment is on.",
    },
    "organizationId": {**_UUID, "description": "The uuid of the company."},
    "type": {"type": "string", "description": "How the money came in."},
    "date": {"type": "string", "format": "date", "description": "YYYY-MM-DD."},
    "amount": {**_MONEY, "description": "In the document's currency."},
    "description": {
        **_TEXT,
        "maxLength": MAX_DESCRIPTION_LENGTH,
        "description": "Absent when empty.",
    },
    "createdAt": _TIMESTAMP,
    "updatedAt": _TIMESTAMP,
    "deletedAt": {**_TIMESTAMP, "description": "Only on deleted payments."},
    "_isDeleted": {"const": True, "description": "Only on deleted payments."},
}
# The keys every payment has (``fields`` may still leave them out).
PAYMENT_REQUIRED_KEYS = (
    "id",
    "documentId",
    "organizationId",
    "type",
    "date",
    "amount",
    "createdAt",
    "updatedAt",
)
DOCUMENT_PROPERTIES = {
    "id": _UUID,
    "number": _TEXT,
    "type": {"const": "invoice"},
    "date": _DAY_TIMESTAMP,
    "dateDue": _DAY_TIMESTAMP,
    "reference": _TEXT,
    "draft": {"type": "boolean"},
    "currencyId": {**_TEXT, "description": "ISO 4217 code."},
    "canceled": {"type": "boolean"},
    "organizationId": _UUID,
    "decimalPlaces": {"type": "integer", "minimum": 0},
    "total": _MONEY,
    "totalWithTax": _MONEY,
    "totalPaid": _MONEY,
    "totalDue": _MONEY,
    "paidInFull": {"type": "boolean"},
    "createdAt": _TIMESTAMP,
    "updatedAt": _TIMESTAMP,
}
ORGANIZATION_PROPERTIES = {
    "id": _UUID,
    **dict.fromkeys(
        (
            "name",
            "address",
            "address2",
            "city",
            "zip",
            "state",
            "country",
            "countryAlpha2Code",
            "taxNumber",
            "companyNumber",
            "website",
            "email",
            "phone",
        ),
        _TEXT,
    ),
    "createdAt": _TIMESTAMP,
    "updatedAt": _TIMESTAMP,
}


def payments():
    return request.env["account.payment"]


def check_read_rights():
    """Users who may not read payments get LoopBack's 401, not an empty list."""
    if not payments().has_access("read"):
        raise unauthorized()


def base_domain(deleted=False):
    """Inbound customer payments linked to a customer invoice."""
    domain = [
        ("partner_type", "=", "customer"),
        ("payment_type", "=", "inbound"),
        ("billing_has_customer_invoice", "=", True),
    ]
    if not deleted:
        domain.append(("state", "!=", "canceled"))
    return domain


# --- lookups ---------------------------------------------------------------------


def find_document(document_id):
    invoice = request.env["account.move"]._billing_search_uuid(document_id)
    if not invoice or invoice.move_type != "out_invoice":
        raise not_found("Document", document_id)
    return invoice


def find_organization(organization_id):
    company = request.env["res.company"]._billing_search_uuid(organization_id)
    if not company:  # unknown, or a company the user does not belong to
        raise not_found("Organization", organization_id)
    return company


def search_payment(payment_id, deleted=False):
    """The payment with this id the user may see, or an empty recordset."""
    hex_uuid = normalize_uuid(payment_id)
    if not hex_uuid:
        return payments().browse()
    return payments().search(
        expression.AND([base_domain(deleted), [("uuid", "=", hex_uuid)]]), limit=1
    )


def find_payment(payment_id, deleted=False):
    payment = search_payment(payment_id, deleted)
    if not payment:
        raise not_found(MODEL_NAME, payment_id)
    return payment


# --- queries ---------------------------------------------------------------------


def _compiled_param(args, name, compile_value):
    """``compile_value`` of parameter ``name``; a FilterError is LoopBack's 400."""
    try:
        return compile_value(decode_param(args, name))
    except FilterError as error:
        raise bad_request(error.message, **{name: error.path}) from error


def read_filter(args):
    """The ``filter`` of query arguments ``args``, compiled against the schema."""
    return _compiled_param(args, "filter", SCHEMA.compile_filter)


def read_where(args):
    """The ``where`` of query arguments ``args`` (count endpoints) as a domain."""
    return _compiled_param(args, "where", SCHEMA.compile_where)


def scope_domain(owner):
    """The payments of ``owner``: a document (invoice) or an organization."""
    if owner._name == "res.company":
        return [("company_id", "=", owner.id)]
    return [("invoice_ids", "in", owner.ids)]


def list_response(owner):
    """The payments of ``owner`` (see ``scope_domain``) the filter selects,
    as a JSON array. The caller has checked read rights before resolving
    ``owner``. The page is fingerprinted before it is rendered: a client
    that holds it gets a body-less 304.
    """
    query = read_filter(request.httprequest.args)
    domain = expression.AND(
        [base_domain(query.deleted), scope_domain(owner), query.domain]
    )
    model = payments()
    total = model.search_count(domain)
    records = model.search(
        domain, order=query.order, limit=query.limit, offset=query.offset
    )
    validator = common.Validator.of(payment_rows(query), records.ids, total)
    return validator.not_modified() or validator.json_response(
        render_payments(records, query), headers={"x-total-count": str(total)}
    )


def count_response(owner):
    """``{"count": n}`` of the payments of ``owner`` the ``where`` selects."""
    where = read_where(request.httprequest.args)
    domain = expression.AND([base_domain(), scope_domain(owner), where])
    count = payments().search_count(domain)
    # The answer is the count: no row to fingerprint.
    validator = common.Validator.of(None, [], count)
    return validator.not_modified() or validator.json_response({"count": count})


def detail_response(payment_id):
    """One payment, with the ``filter``'s ``fields``, ``include`` and ``deleted``."""
    query = read_filter(request.httprequest.args)
    payment = find_payment(payment_id, deleted=query.deleted)
    return common.record_response(
        payment_rows(query), payment, lambda record: render_payment(record, query)
    )


def payment_rows(query):
    """The rows the payments' answer shows: the related invoices' and
    companies' details only with ``include``."""
    return fingerprint.PAYMENTS if query.include else fingerprint.SI_PAYMENTS


def response(payment):
    return common.json_response(render_payment(payment))


def deleted_response(payment):
    """LoopBack's answer to a delete: how many rows it deleted (0 or 1)."""
    return common.json_response({"count": len(payment)})


# --- rendering -------------------------------------------------------------------


def render_payments(records, query=None):
    """Payments in Space Invoices' shape, with ``fields`` and ``include`` applied.

    Related invoices and companies are read for the whole page at once (the
    ORM prefetches a recordset's relations together).
    """
    prefetch(records, query)
    return [render_payment(payment, query) for payment in records]


# The payment columns ``render_payment`` reads.
PAYMENT_COLUMNS = [
    "uuid",
    "invoice_ids",
    "company_id",
    "payment_channel",
    "date",
    "amount",
    "currency_id",
    "memo",
    "create_date",
    "write_date",
    "state",
    "billing_deleted_at",
]


def prefetch(records, query):
    """Fetch, for a page at once, only the columns ``render_payment`` reads,
    where Odoo's prefetch would read every column of the payments (~50) and
    of their invoices (~70): most of the list's rendering time."""
    records.fetch(PAYMENT_COLUMNS)
    records.currency_id.fetch(["decimal_places"])
    # Without ``include=document`` only two columns of the invoices are
    # shown: read just those. With it, Odoo's prefetch reads the page's
    # invoices at once, every column ``render_document`` needs among them.
    if query is None or "document" not in query.include:
        records.invoice_ids.fetch(["move_type", "uuid"])
    if query is None or "organization" not in query.include:
        records.company_id.fetch(["uuid"])


def render_payment(payment, query=None):
    document = payment._billing_linked_invoices()[:1]
    values = {
        "id": payment.uuid,
        "documentId": document.uuid or None,
        "organizationId": payment.company_id.uuid,
        "type": payment.payment_channel,
        "date": payment.date.isoformat(),
        "amount": money(payment.amount, payment.currency_id),
    }
    if payment.memo:
        values["description"] = payment.memo
    values["createdAt"] = timestamp(payment.create_date)
    values["updatedAt"] = timestamp(payment.write_date)
    if payment.state == "canceled":
        values["deletedAt"] = timestamp(
            payment.billing_deleted_at or payment.write_date
        )
        values["_isDeleted"] = True
    if query is not None:
        values = project(values, query)
        if "document" in query.include:
            values["document"] = render_document(document) if document else None
        if "organization" in query.include:
            values["organization"] = render_organization(payment.company_id)
    return values


def project(values, query):
    if query.fields is not None:
        return {key: value for key, value in values.items() if key in query.fields}
    return {k: v for k, v in values.items() if k not in query.excluded}


def money(amount, currency):
    return json_number(quantize(amount, currency.decimal_places))


def render_document(invoice):
    """The invoice as a Space Invoices document (its main keys)."""
    currency = invoice.currency_id
    return {
        "id": invoice.uuid,
        "number": invoice.name,
        "type": "invoice",
        "date": day_timestamp(invoice.invoice_date),
        "dateDue": day_timestamp(invoice.invoice_date_due),
        "reference": invoice.payment_reference or "",
        "draft": invoice.state == "draft",
        "currencyId": currency.name,
        "canceled": invoice.state == "cancel",
        "organizationId": invoice.company_id.uuid,
        "decimalPlaces": currency.decimal_places,
        "total": money(invoice.amount_untaxed, currency),
        "totalWithTax": money(invoice.amount_total, currency),
        "totalPaid": money(invoice.amount_total - invoice.amount_residual, currency),
        "totalDue": money(invoice.amount_residual, currency),
        "paidInFull": invoice.payment_state in ("paid", "in_payment"),
        "createdAt": timestamp(invoice.create_date),
        "updatedAt": timestamp(invoice.write_date),
    }


def render_organization(company):
    """The company as a Space Invoices organization (its main keys)."""
    return {
        "id": company.uuid,
        "name": company.name,
        "address": company.street or "",
        "address2": company.street2 or "",
        "city": company.city or "",
        "zip": company.zip or "",
        "state": company.state_id.name or "",
        "country": company.country_id.name or "",
        "countryAlpha2Code": company.country_id.code or "",
        "taxNumber": company.vat or "",
        "companyNumber": company.company_registry or "",
        "website": company.website or "",
        "email": company.email or "",
        "phone": company.phone or "",
        "createdAt": timestamp(company.create_date),
        "updatedAt": timestamp(company.write_date),
    }


# --- request bodies --------------------------------------------------------------


def channel_codes(env):
    """The payment types, read from the payment's channel field at run time."""
    return dict(env["account.payment"]._fields["payment_channel"].selection)


def payment_values(env, data, document, required, replace=False):
    """Keyword arguments of the model method for a create or update body.

    ``required`` lists the properties that must be present; ``replace``
    (PUT) clears an absent description. All problems are reported at once
    (422), before anything is written.
    """
    if not isinstance(data, dict):
        raise bad_request("The request body must be a JSON object.")
    errors = {}

    def problem(prop, code, message):
        errors.setdefault(prop, []).append((code, message))

    for key in data:
        if key not in ACCEPTED_KEYS:
            problem(key, "unknown-property", "is not defined in the model")
    if "documentId" in data and normalize_uuid(data["documentId"]) != document.uuid:
        problem(
            "documentId", "invalid", "cannot change: a payment stays on its document"
        )
    for prop in required:
        if data.get(prop) in BLANK_VALUES:
            problem(prop, "presence", "can't be blank")
    values = _convert(env, data, document.currency_id, replace, problem)
    if errors:
        raise validation_failed(MODEL_NAME, errors)
    return values


def _convert(env, data, currency, replace, problem):
    """The body's writable properties as model values; problems reported."""
    values = {}
    channel = data.get("type")
    if channel not in BLANK_VALUES:
        if isinstance(channel, str) and channel in channel_codes(env):
            values["channel"] = channel
        else:
            problem("type", "inclusion", "is not included in the list")
    if data.get("date") not in BLANK_VALUES:
        try:
            values["payment_date"] = parse_instant(data["date"]).date()
        except ValueError:
            problem("date", "date", "is not a valid date")
    if data.get("amount") not in BLANK_VALUES:
        try:
            values["amount"] = parse_amount(data["amount"], currency)
        except ValueError as error:
            problem("amount", "numericality", str(error))
    description = data.get("description")
    if description is not None and not isinstance(description, str):
        problem("description", "invalid", "is not a string")
    elif description and not is_storable_text(description):
        problem(
            "description",
            "invalid",
            "contains a character that cannot be stored (NUL or a lone surrogate)",
        )
    elif description and len(description) > MAX_DESCRIPTION_LENGTH:
        problem(
            "description",
            "length.max",
            f"is too long (at most {MAX_DESCRIPTION_LENGTH} characters)",
        )
    elif "description" in data or replace:
        values["memo"] = description or ""
    return values


def parse_amount(value, currency):
    """A positive amount with no more decimals than ``currency`` has, as float.

    A JSON number, or ASCII decimal text (form bodies send text). The ORM
    stores monetary values from floats; the Decimal checks make sure the
    float is exactly the amount that was sent.
    """
    try:
        number = parse_number(value)
    except ValueError as error:
        raise ValueError("is not a number") from error
    if number <= 0:
        raise ValueError("must be greater than 0")
    if number >= MAX_AMOUNT:
        raise ValueError("is too large")
    if number != quantize(number, currency.decimal_places):
        raise ValueError(
            f"has more than {currency.decimal_places} decimals ({currency.name})"
        )
    return float(number)


def create_values(env, data, document):
    """The create body; the amount defaults to what is due, as in later
    Space Invoices versions."""
    values = payment_values(env, data, document, required=REQUIRED_KEYS["POST"])
    if "amount" not in values:
        if document.currency_id.compare_amounts(document.amount_residual, 0) <= 0:
            raise validation_failed(
                MODEL_NAME,
                {"amount": [("presence", "can't be blank: the document is paid")]},
            )
        values["amount"] = document.amount_residual
    return values


def parse_create(document):
    """Keyword arguments of ``account.move._billing_pay`` for a POST on ``document``."""
    data, _files = common.read_body()
    return create_values(request.env, data, document)


def parse_update(payment, verb):
    """Keyword arguments of ``_billing_update`` for a PUT or PATCH body.

    LoopBack's PUT replaces: type, date and amount are required and an
    absent description is cleared; PATCH changes what it names, but may not
    blank a required property (LoopBack validates the merged instance).
    """
    data, _files = common.read_body()
    required = REQUIRED_KEYS[verb]
    if verb == "PATCH" and isinstance(data, dict):
        required = tuple(key for key in REQUIRED_KEYS["PUT"] if key in data)
    return payment_values(
        request.env,
        data,
        payment._billing_linked_invoices()[:1],
        required=required,
        replace=verb == "PUT",
    )
