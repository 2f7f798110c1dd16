"""Waldur's invoice resource: ``/api/invoices/`` and the invoice items in it.

Rendering works on whole pages: the lines of every invoice of a page are read
in one query and their products, customers and companies in one query per
model, so a page costs the same number of queries whatever its size.
"""

import calendar
import datetime
from collections import defaultdict
from decimal import Decimal

from odoo.http import request

from ...models.account_move import is_http_url
from ...models.billing_uuid_mixin import normalize_uuid
from ...money import to_decimal
from .. import common
from . import (
    CharField,
    DateField,
    detail_url,
    ordering,
    parse_body,
    query_choices,
    query_date,
    query_int,
    query_uuid,
    read_proof,
    related_filters,
    validation_error,
)

LABEL = "Invoice"
ITEM_LABEL = "InvoiceItem"
CUSTOMER_LABEL = "Customer"

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
ITEM_ORDERING = {
    "project_name": lambda line: line.billing_project_name,
    "resource_name": lambda line: line.billing_resource_name,
    "provider_name": lambda line: _provider(line).name,
    "name": lambda line: line.name,
}
LINE_FIELDS = [
    "move_id",
    "company_id",
    "uuid",
    "name",
    "sequence",
    "product_id",
    "quantity",
    "price_unit",
    "discount",
    "price_subtotal",
    "price_total",
    "billing_unit",
    "billing_start",
    "billing_end",
    "billing_measured_unit",
    "billing_details",
    "billing_resource_name",
    "billing_resource_uuid",
    "billing_project_name",
    "billing_project_uuid",
    "product_uom_id",
]


def invoices():
    return request.env["account.move"]


def lines():
    return request.env["account.move.line"]


def base_domain():
    return [("move_type", "=", "out_invoice")]


def find(invoice_uuid):
    """The customer invoice with this uuid visible to the user, else 404."""
    invoice = common.find_by_uuid(invoices(), invoice_uuid, LABEL)
    if invoice.move_type != "out_invoice":
        raise common.NotFound(LABEL)
    return invoice


def find_line(line_uuid):
    """A product line of a visible customer invoice, else 404."""
    line = common.find_by_uuid(lines(), line_uuid, ITEM_LABEL)
    if line.display_type != "product" or line.move_id.move_type != "out_invoice":
        raise common.NotFound(ITEM_LABEL)
    return line


# --- list filters ------------------------------------------------------------


def search_domain():
    """The list filters as an ORM domain on stored, indexed fields."""
    domain = base_domain()
    domain += related_filters("customer", "customers", "commercial_partner_id")
    states = query_choices("state", STATES)
    if states:
        domain.append(("billing_state", "in", states))
    for name, field in (("year", "billing_year"), ("month", "billing_month")):
        value = query_int(name)
        if value is not None:
            domain.append((field, "=", value))
    # Waldur's "created" is the first day of the invoice's month.
    for name, operator in (("created", "="), ("start_date", ">"), ("end_date", "<")):
        value = query_date(name)
        if value is not None:
            domain.append(("billing_period_start", operator, value))
    return domain


def search_order():
    return ordering(ORDERING, DEFAULT_ORDER)


def requested_fields():
    """DRF's sparse fieldset: ``?field=a&field=b``; unknown names are ignored."""
    wanted = set(request.httprequest.args.getlist("field")) & set(FIELD_NAMES)
    return [name for name in FIELD_NAMES if name in wanted] or list(FIELD_NAMES)


# --- rendering ---------------------------------------------------------------


def _date(value):
    return value.isoformat() if value else None


def _datetime(value):
    """A naive UTC datetime as DRF renders it: ISO 8601 with ``Z``."""
    return value.isoformat() + "Z"


def _uuid_or_none(value):
    return normalize_uuid(value) if value else None


def _address(partner):
    parts = [partner.street, partner.street2, partner.city]
    return ", ".join(part for part in parts if part)


def _english(record):
    return record.with_context(lang="en_US").name if record else None


def customer_details(partner):
    bank = partner.bank_ids[:1]
    return {
        "name": partner.name or "",
        "address": _address(partner),
        "country": partner.country_id.code or "",
        "country_name": _english(partner.country_id),
        "email": partner.email or "",
        "postal": partner.zip or "",
        "phone_number": partner.phone or partner.mobile or "",
        "bank_name": bank.bank_id.name or "",
        "bank_account": bank.acc_number or "",
        "vat_code": partner.vat or "",
    }


def issuer_details(company):
    """The invoicing company in the keys of Waldur's ISSUER_DETAILS setting."""
    partner = company.partner_id
    bank = partner.bank_ids[:1]
    country = partner.country_id
    phone = partner.phone or ""
    country_code = str(country.phone_code or "") if country else ""
    national = phone.replace(" ", "")
    if country_code and national.startswith(f"+{country_code}"):
        national = national[len(country_code) + 1 :]
    return {
        "company": company.name or "",
        "address": _address(partner),
        "country": _english(country) or "",
        "email": partner.email or "",
        "postal": partner.zip or "",
        "phone": {"country_code": country_code, "national_number": national},
        "bank": bank.bank_id.name or "",
        "account": bank.acc_number or "",
        "vat_code": partner.vat or "",
        "country_code": country.code or "",
    }


def _period_bounds(move):
    """The first and last instant of the invoice's billing month (UTC)."""
    year, month = move.billing_year, move.billing_month
    start = datetime.datetime(year, month, 1)
    last_day = calendar.monthrange(year, month)[1]
    end = datetime.datetime.combine(
        datetime.date(year, month, last_day), datetime.time.max
    )
    return start, end


def _measured_unit(line, unit, quantity):
    if line.billing_measured_unit:
        return line.billing_measured_unit
    plural = quantity > 1
    if unit == "hour":
        return "hours" if plural else "hour"
    if unit == "day":
        return "days" if plural else "day"
    if unit == "half_month":
        return "percents from half a month"
    if unit in ("month", "quarter"):
        return "percents from a month"
    return (line.product_uom_id.name or "").lower()


def _provider(line):
    return line.product_id._billing_service_provider(line.company_id)


def item_details(line):
    """Stored usage details, completed with the offering and its provider.

    Every ``*_uuid`` key is a valid 32-hex uuid or left out: Waldur's client
    refuses anything else there. Invalid stored uuids are dropped first, so
    that the product's and provider's own uuids take their place.
    """
    details = {}
    for key, value in (line.billing_details or {}).items():
        if key.endswith("_uuid"):
            value = normalize_uuid(value)
            if not value:
                continue
        details[key] = value
    product = line.product_id
    if product:
        provider = _provider(line)
        details.setdefault("offering_name", product.name or "")
        details.setdefault("offering_uuid", product.uuid)
        details.setdefault("service_provider_name", provider.name or "")
        details.setdefault("service_provider_uuid", provider.uuid)
    resource_uuid = normalize_uuid(line.billing_resource_uuid)
    if resource_uuid:
        details.setdefault("resource_name", line.billing_resource_name or "")
        details.setdefault("resource_uuid", resource_uuid)
    return details


def render_item(line):
    """One product line as a Waldur invoice item (the server's key order)."""
    price = to_decimal(line.price_subtotal)
    total = to_decimal(line.price_total)
    quantity = to_decimal(line.quantity)
    unit_price = to_decimal(line.price_unit)
    if line.discount:
        unit_price = unit_price * (100 - to_decimal(line.discount)) / 100
    unit = line.billing_unit or "quantity"
    default_start, default_end = _period_bounds(line.move_id)
    details = item_details(line)
    item = {
        "uuid": line.uuid,
        "url": detail_url("invoice-items", line),
        "name": line.name or line.product_id.display_name or "",
        "price": float(price),
        "tax": common.format_decimal(total - price, 2),
        "total": common.format_decimal(total, 2),
        "unit_price": common.format_decimal(unit_price, 10),
        "unit": unit,
        "measured_unit": _measured_unit(line, unit, quantity),
        "start": _datetime(line.billing_start or default_start),
        "end": _datetime(line.billing_end or default_end),
        "article_code": line.product_id.default_code or "",
        "project_name": line.billing_project_name or "N/A",
        "project_uuid": _uuid_or_none(line.billing_project_uuid),
        "quantity": common.format_decimal(quantity, 10),
        "details": details,
        # There is no marketplace resource to link to in Odoo.
        "resource": None,
    }
    resource_uuid = _uuid_or_none(line.billing_resource_uuid)
    if resource_uuid:  # Waldur leaves both keys out when there is no resource
        item["resource_uuid"] = resource_uuid
        item["resource_name"] = line.billing_resource_name or ""
    item.update(
        {
            "billing_type": details.get("billing_type") or None,
            "backend_uuid": None,
            # Negative lines are compensations (credits) in this addon.
            "credit": price < 0,
        }
    )
    return item


def _visible_items(move_lines):
    """Waldur shows the lines with a non-zero total, by project then name."""
    shown = [line for line in move_lines if line.price_total]
    return sorted(
        shown,
        key=lambda line: (line.billing_project_name or "", line.name or "", line.id),
    )


def product_lines(moves, extra_domain=None):
    """The product lines of ``moves``, read in one query."""
    if not moves:
        return lines()
    domain = [("move_id", "in", moves.ids), ("display_type", "=", "product")]
    # Ordered by id only: callers sort in Python, and ordering by move_id
    # would make PostgreSQL join every invoice to apply account.move's order.
    return lines().search_fetch(domain + (extra_domain or []), LINE_FIELDS, order="id")


def render_invoices(moves, field_names=FIELD_NAMES):
    """The invoices of ``moves`` (one page at most), in Waldur's key order."""
    by_move = defaultdict(list)
    if {"items", "compensations", "incurred_costs"} & set(field_names):
        for line in product_lines(moves):
            by_move[line.move_id.id].append(line)
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


_OMIT = object()


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
        return [render_item(line) for line in _visible_items(move_lines)]
    if name in ("backend_id", "payment_url", "reference_number"):
        return move[name] or ""
    if name in ("compensations", "incurred_costs"):
        amounts = [to_decimal(line.price_subtotal) for line in move_lines]
        if name == "compensations":
            return float(sum((a for a in amounts if a < 0), Decimal(0)))
        return float(sum((a for a in amounts if a >= 0), Decimal(0)))
    raise KeyError(name)


def render_invoice(move):
    return render_invoices(move, requested_fields())[0]


# --- items of one invoice ----------------------------------------------------


def items_domain():
    """``/items/`` filters as a domain on the invoice's lines."""
    args = request.httprequest.args
    domain = [("price_total", "!=", 0)]
    query = args.get("query")
    if query:
        domain.append(("billing_resource_name", "ilike", query))
    project_uuid = query_uuid("project_uuid")
    if project_uuid:
        domain.append(("billing_project_uuid", "=", project_uuid))
    offering_uuid = query_uuid("offering_uuid")
    if offering_uuid:
        domain.append(("product_id.uuid", "=", offering_uuid))
    provider = provider_filter()
    if provider is not None:
        domain += lines()._billing_provider_domain(provider)
    if args.get("conceal_compensation_items") == "true":
        domain.append(("price_subtotal", ">=", 0))
    return domain


def items_sorted(move_lines):
    """Waldur's item ordering ``o`` (one value); default project, then name."""
    value = request.httprequest.args.get("o")
    if not value:
        return _visible_items(move_lines)
    name = value.removeprefix("-")
    if name not in ITEM_ORDERING:
        raise validation_error(
            {
                "o": [
                    f"Select a valid choice. {value} is not one of the "
                    "available choices."
                ]
            }
        )
    key = ITEM_ORDERING[name]
    descending = value.startswith("-")
    present = [line for line in move_lines if key(line)]
    missing = [line for line in move_lines if not key(line)]
    present.sort(key=lambda line: (key(line), line.id), reverse=descending)
    # Nulls first ascending, last descending, as PostgreSQL orders them.
    return present + missing if descending else missing + present


def render_items(invoice):
    move_lines = product_lines(invoice, items_domain())
    return [render_item(line) for line in items_sorted(move_lines)]


# --- stats -------------------------------------------------------------------


def provider_filter():
    """The ``provider_uuid`` filter as a partner (empty when unknown), or None."""
    provider_uuid = query_uuid("provider_uuid")
    if not provider_uuid:
        return None
    return request.env["res.partner"]._billing_search_uuid(provider_uuid)


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


# --- growth ------------------------------------------------------------------

MAX_GROWTH_CUSTOMERS = 20


def growth_params():
    """(customers_count, untaxed) from the growth query string."""
    args = request.httprequest.args
    raw = args.get("customers_count")
    count = 4
    if raw is not None:
        try:
            count = int(raw)
        except ValueError as error:
            raise validation_error(["customers_count is not a number"]) from error
        if count > MAX_GROWTH_CUSTOMERS:
            raise validation_error(
                [f"customers_count should not be greater than {MAX_GROWTH_CUSTOMERS}"]
            )
        if count < 0:
            raise validation_error(["customers_count should not be negative"])
    return count, args.get("accounting_mode") == "accounting"


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


# --- actions -----------------------------------------------------------------


def parse_paid():
    """(date or None, proof or None) of a ``paid`` body.

    An empty body pays today; any other body needs ``date``. The proof, a
    (file name, bytes) pair, is checked before anything is written.
    """
    data, files = common.read_body()
    if isinstance(data, dict) and not data and not files:
        return None, None
    proof = read_proof(data, files)
    values = parse_body({"date": DateField(required=True)}, data)
    return values["date"], proof


SET_FIELDS = {
    "backend_id": CharField(max_length=255, allow_blank=True),
    "payment_url": CharField(max_length=200, allow_blank=True),
    "reference_number": CharField(max_length=300, allow_blank=True),
}


def parse_set_field(name):
    """The ORM values of a ``set_<name>`` body; ``{}`` changes nothing."""
    data, _files = common.read_body()
    values = parse_body({name: SET_FIELDS[name]}, data)
    if name == "payment_url" and values.get(name):
        if not is_http_url(values[name]):
            raise validation_error({name: ["Enter a valid URL."]})
    return values


# --- customers ---------------------------------------------------------------


def find_customer(customer_uuid):
    return common.find_by_uuid(
        request.env["res.partner"], customer_uuid, CUSTOMER_LABEL
    )


def render_customer(partner):
    details = customer_details(partner)
    return {
        "url": detail_url("customers", partner),
        "uuid": partner.uuid,
        "name": details.pop("name"),
        **details,
    }
