# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Waldur's invoice resource: ``/api/invoices/``, its growth and stats.

Rendering works on whole pages: the lines of every invoice of a page are read
in one query and their products, customers and companies in one query per
model, so a page costs the same number of queries whatever its size.
"""

import re
from collections import defaultdict
from decimal import Decimal

from odoo.http import request

from ...exceptions import NotFound
from ...money import to_decimal
from ...utils import GROWTH_MAX_CUSTOMERS, is_http_url
from .. import common, fingerprint
from . import detail_url, find_by_uuid, validation_error
from .customers import customer_details, issuer_details, prefetch_details
from .fields import (
    DATE,
    INTEGER,
    NUMBER,
    STRING,
    URL,
    UUID_HEX,
    CharField,
    DateField,
    decimal_string,
    object_schema,
    parse_body,
    read_body,
    read_proof,
    ref,
)
from .invoice_items import product_lines, provider_filter, render_item, visible_items
from .pagination import page_response, rows_response
from .query import (
    ChoiceFilter,
    DateFilter,
    FieldSelection,
    IntFilter,
    Ordering,
    QueryParameter,
    filter_domain,
    parse_ascii_int,
    related,
)

LABEL = "Invoice"
_OMIT = object()  # marks a key left out of the rendered invoice
FIELD_NAMES = (
    "url",
    "uuid",
    "number",
    "customer",
    "price",
    "tax",
    "total",
    "state",
    "year",
    "month",
    "issuer_details",
    "invoice_date",
    "due_date",
    "customer_details",
    "items",
    "backend_id",
    "payment_url",
    "reference_number",
    "compensations",
    "incurred_costs",
)
# Waldur's pending_finalization state has no Odoo counterpart: it matches nothing.
STATES = ("pending", "pending_finalization", "created", "paid", "canceled")
ORDERING = {
    "created": "billing_period_start",
    "year": "billing_year",
    "month": "billing_month",
}
AMOUNT_FIELDS = {
    "price": "amount_untaxed",
    "tax": "amount_tax",
    "total": "amount_total",
}
DEFAULT_ORDER = "billing_year desc, billing_month desc, id desc"
DEFAULT_GROWTH_CUSTOMERS = 4
# Django's URLValidator refuses whitespace; we refuse every control character
# too (a CR/LF in a stored URL splits the headers or mails it ends up in).
_URL_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f\s]")
SET_FIELDS = {
    "backend_id": CharField(max_length=255, allow_blank=True),
    "payment_url": CharField(max_length=200, allow_blank=True),
    "reference_number": CharField(max_length=300, allow_blank=True),
}
# ``paid`` with a body: ``date``, and the proof (PROOF_FIELDS) in multipart.
PAID_FIELDS = {"date": DateField(required=True)}
# The list filters, in the order they are checked. Waldur's "created" is the
# first day of the invoice's month.
FILTERS = (
    *related("customer", "customers", "commercial_partner_id"),
    ChoiceFilter("state", STATES, "billing_state"),
    IntFilter("year", "billing_year"),
    IntFilter("month", "billing_month"),
    DateFilter(
        "created", "billing_period_start", "=", "The invoice's month (its first day)."
    ),
    DateFilter("start_date", "billing_period_start", ">", "Invoices of later months."),
    DateFilter("end_date", "billing_period_start", "<", "Invoices of earlier months."),
)
ORDER = Ordering(ORDERING, DEFAULT_ORDER)
FIELD_SELECTION = FieldSelection(FIELD_NAMES)
GROWTH_PARAMETERS = (
    QueryParameter(
        "customers_count",
        f"How many major customers get their own series (default "
        f"{DEFAULT_GROWTH_CUSTOMERS}; a negative value is a 400).",
        {"type": "integer", "minimum": 0, "maximum": GROWTH_MAX_CUSTOMERS},
    ),
    QueryParameter(
        "accounting_mode",
        "accounting sums the untaxed amounts; any other value the totals.",
    ),
    QueryParameter(
        "accounting_is_running",
        "Accepted and ignored: Odoo has no accounting start date.",
    ),
)
# The JSON Schemas of ``render_invoices``, ``render_stats_row`` and
# ``render_growth`` (the OpenAPI components Invoice, InvoiceStatsOffering and
# InvoiceGrowth; ``ref`` names the others).
INVOICE_SCHEMA = object_schema(
    {
        "url": URL,
        "uuid": UUID_HEX,
        "number": INTEGER,
        "customer": URL,
        "price": decimal_string(10),
        "tax": decimal_string(10),
        "total": decimal_string(10),
        "state": {"type": "string", "enum": list(STATES)},
        "year": INTEGER,
        "month": {"type": "integer", "minimum": 1, "maximum": 12},
        "issuer_details": ref("IssuerDetails"),
        "invoice_date": DATE,
        "due_date": DATE,
        "customer_details": ref("CustomerDetails"),
        "items": {"type": "array", "items": ref("InvoiceItem")},
        "backend_id": STRING,
        "payment_url": STRING,
        "reference_number": STRING,
        "compensations": NUMBER,
        "incurred_costs": NUMBER,
    },
    optional=("invoice_date", "due_date"),
    description="A customer invoice. invoice_date and due_date are absent "
    "when empty (Waldur sends null, which its own client cannot parse). "
    "With ?field=, only the keys asked for are present.",
)
STATS_ROW_SCHEMA = object_schema(
    {
        "uuid": UUID_HEX,
        "offering_name": STRING,
        "aggregated_price": NUMBER,
        "aggregated_tax": NUMBER,
        "aggregated_total": NUMBER,
        "service_category_title": STRING,
        "service_provider_name": STRING,
        "service_provider_uuid": UUID_HEX,
    }
)
_SERIES = {"type": "array", "items": NUMBER}
GROWTH_SCHEMA = object_schema(
    {
        "periods": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{1,2}$"},
            "description": "The 13 months up to this one, as YEAR-MONTH.",
        },
        "total_periods": _SERIES,
        "other_periods": _SERIES,
        "customer_periods": {
            "type": "array",
            "items": object_schema({"name": STRING, "periods": _SERIES}),
        },
    }
)


def invoices():
    return request.env["account.move"]


def base_domain():
    return [("move_type", "=", "out_invoice")]


def find(invoice_uuid):
    """The customer invoice with this uuid visible to the user, else 404."""
    invoice = find_by_uuid(invoices(), invoice_uuid, LABEL)
    if invoice.move_type != "out_invoice":
        raise NotFound(LABEL)
    return invoice


def find_filtered(invoice_uuid):
    """``find`` through the list filters of the query string, as Waldur's
    detail routes look invoices up: an invalid filter → 400, an invoice the
    filters exclude → 404."""
    domain = search_domain(request.httprequest.args)
    invoice = find(invoice_uuid)
    if not invoice.filtered_domain(domain):
        raise NotFound(LABEL)
    return invoice


# --- lists -------------------------------------------------------------------


def search_domain(args):
    """The list filters as an ORM domain on stored, indexed fields."""
    return base_domain() + filter_domain(FILTERS, request.env, args)


def requested_fields(args):
    """DRF's sparse fieldset: ``?field=a&field=b``; unknown names are ignored."""
    return FIELD_SELECTION.value(args)


def list_response():
    args = request.httprequest.args
    fields = requested_fields(args)
    moves = invoices()
    return page_response(
        moves,
        search_domain(args),
        ORDER.value(args),
        lambda page: render_invoices(page, fields),
        invoice_rows(fields),
        count=moves._billing_search_count,
    )


def invoice_rows(field_names):
    """The rows the answer's ``field_names`` read: the invoices alone when
    every field comes from the invoice's own columns (``MOVE_COLUMNS``;
    ``customer`` is a link to the partner, so it is not among them)."""
    if set(field_names) <= OWN_COLUMN_FIELDS:
        return fingerprint.INVOICE_COLUMNS
    return fingerprint.INVOICES


# --- rendering ---------------------------------------------------------------


def _date(value):
    return value.isoformat() if value else None


# The account.move columns each rendered field reads: a page fetches only
# those (one narrow query) instead of the ~70 columns of Odoo's prefetch,
# which was most of the SQL of a sparse list (``?field=uuid&field=state``).
MOVE_COLUMNS = {
    "url": ("uuid",),
    "uuid": ("uuid",),
    "number": (),  # from the id
    "customer": ("commercial_partner_id",),
    "customer_details": ("commercial_partner_id",),
    "issuer_details": ("company_id",),
    "state": ("billing_state",),
    "year": ("billing_year",),
    "month": ("billing_month",),
    "invoice_date": ("invoice_date",),
    "due_date": ("invoice_date_due",),
    "backend_id": ("backend_id",),
    "payment_url": ("payment_url",),
    "reference_number": ("reference_number",),
    **{name: (column,) for name, column in AMOUNT_FIELDS.items()},
}

# The fields rendered from the invoice's own columns alone.
OWN_COLUMN_FIELDS = frozenset(MOVE_COLUMNS) - {
    "customer",
    "customer_details",
    "issuer_details",
}


def render_invoices(moves, field_names=FIELD_NAMES):
    """The invoices of ``moves`` (one page at most), in Waldur's key order."""
    moves.fetch(
        sorted({col for name in field_names for col in MOVE_COLUMNS.get(name, ())})
    )
    by_move = defaultdict(list)
    if {"items", "compensations", "incurred_costs"} & set(field_names):
        for line in product_lines(moves):
            by_move[line.move_id.id].append(line)
    prefetch_details(
        moves.commercial_partner_id if "customer_details" in field_names else None,
        moves.company_id if "issuer_details" in field_names else None,
    )
    # The same few companies issue every invoice of a page: render each once.
    issuers = {}
    if "issuer_details" in field_names:
        issuers = {company: issuer_details(company) for company in moves.company_id}
    return [
        _render_invoice(move, field_names, by_move[move.id], issuers) for move in moves
    ]


def _render_invoice(move, field_names, move_lines, issuers):
    values = {}
    for name in field_names:
        value = _invoice_value(move, name, move_lines, issuers)
        if value is _OMIT:
            continue
        values[name] = value
    return values


def _invoice_value(move, name, move_lines, issuers):  # noqa: C901 - one case per field
    if name == "url":
        return detail_url("invoices", move)
    if name == "uuid":
        return move.uuid
    if name == "number":
        return move._billing_number()
    if name == "customer":
        return detail_url("customers", move.commercial_partner_id)
    if name in ("price", "tax", "total"):
        return common.format_decimal(move[AMOUNT_FIELDS[name]], 10)
    if name == "state":
        return move.billing_state
    if name == "year":
        return move.billing_year
    if name == "month":
        return move.billing_month
    if name == "issuer_details":
        return issuers[move.company_id]
    if name in ("invoice_date", "due_date"):
        # Waldur sends null, which its own client cannot parse: leave it out.
        value = move.invoice_date if name == "invoice_date" else move.invoice_date_due
        return _date(value) if value else _OMIT
    if name == "customer_details":
        return customer_details(move.commercial_partner_id)
    if name == "items":
        return [render_item(line) for line in visible_items(move_lines)]
    if name in ("backend_id", "payment_url", "reference_number"):
        return move[name] or ""
    if name in ("compensations", "incurred_costs"):
        amounts = [to_decimal(line.price_subtotal) for line in move_lines]
        if name == "compensations":
            return float(sum((a for a in amounts if a < 0), Decimal(0)))
        return float(sum((a for a in amounts if a >= 0), Decimal(0)))
    raise KeyError(name)


def render_invoice(move):
    return render_invoices(move, requested_fields(request.httprequest.args))[0]


def response(move):
    return common.record_response(fingerprint.INVOICES, move, render_invoice)


# --- stats -------------------------------------------------------------------


def render_stats_row(row):
    product = row["product"]
    return {
        "uuid": product.uuid,
        "offering_name": product.name or "",
        "aggregated_price": float(row["price"]),
        "aggregated_tax": float(row["tax"]),
        "aggregated_total": float(row["total"]),
        "service_category_title": product.categ_id.name or "",
        "service_provider_name": row["provider"].name or "",
        "service_provider_uuid": row["provider"].uuid,
    }


def parse_stats_filter():
    """The provider (a partner) whose offerings the stats keep, or None."""
    return provider_filter(request.env, request.httprequest.args)


def stats_response(stats):
    """Spend per offering, one DRF page of it."""
    return rows_response(stats, render_stats_row)


# --- growth ------------------------------------------------------------------


def growth_params(args):
    """(customers_count, untaxed) from the growth query string."""
    raw = args.get(GROWTH_PARAMETERS[0].name)
    count = DEFAULT_GROWTH_CUSTOMERS
    if raw is not None:
        try:
            count = parse_ascii_int(raw)
        except ValueError as error:
            raise validation_error(["customers_count is not a number"]) from error
        if count > GROWTH_MAX_CUSTOMERS:
            raise validation_error(
                [f"customers_count should not be greater than {GROWTH_MAX_CUSTOMERS}"]
            )
        if count < 0:
            raise validation_error(["customers_count should not be negative"])
    return count, args.get(GROWTH_PARAMETERS[1].name) == "accounting"


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def render_growth(growth):
    return {
        "periods": [f"{period.year}-{period.month}" for period in growth["periods"]],
        "total_periods": [_number(value) for value in growth["total"]],
        "other_periods": [_number(value) for value in growth["other"]],
        "customer_periods": [
            {"name": partner.name or "", "periods": [_number(v) for v in values]}
            for partner, values in growth["customers"]
        ],
    }


def parse_growth():
    """Keyword arguments of ``account.move._billing_growth``."""
    customers_count, untaxed = growth_params(request.httprequest.args)
    return {"customers_count": customers_count, "untaxed": untaxed}


def growth_response(growth):
    return common.json_response(render_growth(growth))


# --- actions -----------------------------------------------------------------


def paid_values(env, data, files):
    """(date or None, proof or None) of a ``paid`` body.

    An empty body pays today; any other body needs ``date``. The proof, a
    (file name, bytes) pair, is checked before anything is written.
    """
    if isinstance(data, dict) and not data and not files:
        return None, None
    proof = read_proof(env, data, files)
    values = parse_body(PAID_FIELDS, data, env)
    return values["date"], proof


def parse_paid():
    data, files = read_body()
    return paid_values(request.env, data, files)


def set_field_values(name, data):
    """The ORM values of a ``set_<name>`` body; ``{}`` changes nothing."""
    values = parse_body({name: SET_FIELDS[name]}, data)
    if name == "payment_url" and values.get(name):
        url = values[name]
        if _URL_FORBIDDEN.search(url) or not is_http_url(url):
            raise validation_error({name: ["Enter a valid URL."]})
    return values


def parse_set_field(name):
    data, _files = read_body()
    return set_field_values(name, data)
