# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Waldur's invoice items: the product lines of customer invoices.

``/api/invoices/{uuid}/items/`` lists one invoice's items and
``/api/invoice-items/{uuid}/`` shows one; invoices embed them too. Lines are
read in one query per page (``product_lines``).
"""

import calendar
import datetime

from odoo.http import request

from ...exceptions import NotFound
from ...money import to_decimal
from ...utils import normalize_uuid
from .. import common, fingerprint
from . import detail_url, find_by_uuid, invalid_choice
from .fields import (
    DATETIME,
    NUMBER,
    OBJECT,
    STRING,
    URL,
    UUID_HEX,
    decimal_string,
    nullable,
    object_schema,
)
from .query import FlagFilter, QueryParameter, TextFilter, UuidFilter, filter_domain

LABEL = "InvoiceItem"
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

# Waldur's BillingUnit (the model's billing_unit values).
UNITS = ("month", "quarter", "half_month", "day", "hour", "quantity")
# The JSON Schemas of ``render_item`` and ``render_item_detail``.
ITEM_SCHEMA = object_schema(
    {
        "uuid": UUID_HEX,
        "url": URL,
        "name": STRING,
        "price": NUMBER,
        "tax": decimal_string(2),
        "total": decimal_string(2),
        "unit_price": decimal_string(10),
        "unit": {"type": "string", "enum": list(UNITS)},
        "measured_unit": STRING,
        "start": DATETIME,
        "end": DATETIME,
        "article_code": STRING,
        "project_name": STRING,
        "project_uuid": nullable(UUID_HEX),
        "quantity": decimal_string(10),
        "details": {
            **OBJECT,
            "description": "Stored usage details, with the offering and its "
            "provider; every *_uuid key is a valid uuid or absent.",
            "patternProperties": {"_uuid$": UUID_HEX},
        },
        "resource": {
            "type": "null",
            "description": "Always null: Odoo has no marketplace resource.",
        },
        "resource_uuid": UUID_HEX,
        "resource_name": STRING,
        "billing_type": nullable(STRING),
        "backend_uuid": {"type": "null"},
        "credit": {"type": "boolean"},
    },
    optional=("resource_uuid", "resource_name"),
    description="A product line of a customer invoice. resource_uuid and "
    "resource_name are absent when the line has no resource.",
)
ITEM_DETAIL_SCHEMA = object_schema(
    {
        **ITEM_SCHEMA["properties"],
        "invoice": URL,
        "offering_uuid": nullable(UUID_HEX),
        "offering_name": nullable(STRING),
        "offering_component_type": {},
        "customer_uuid": UUID_HEX,
        "customer_name": STRING,
    },
    optional=("resource_uuid", "resource_name"),
    description="The item as its invoice embeds it, plus Waldur's six detail "
    "keys (a superset of Waldur's InvoiceItemDetailSerializer).",
)


def lines():
    return request.env["account.move.line"]


def find(line_uuid):
    """A product line of a visible customer invoice, else 404."""
    line = find_by_uuid(lines(), line_uuid, LABEL)
    if line.display_type != "product" or line.move_id.move_type != "out_invoice":
        raise NotFound(LABEL)
    return line


# --- rendering ---------------------------------------------------------------


def _datetime(value):
    """A naive UTC datetime as DRF renders it: ISO 8601 with ``Z``."""
    return value.isoformat() + "Z"


def _uuid_or_none(value):
    return normalize_uuid(value) if value else None


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


def visible_items(move_lines):
    """Waldur shows the lines with a non-zero total, by project then name."""
    shown = [line for line in move_lines if line.price_total]
    return sorted(
        shown,
        key=lambda line: (line.billing_project_name or "", line.name or "", line.id),
    )


def product_lines(moves, extra_domain=None):
    """The product lines of ``moves``, read in one query."""
    move_lines = moves.env["account.move.line"]
    if not moves:
        return move_lines
    domain = [("move_id", "in", moves.ids), ("display_type", "=", "product")]
    # Ordered by id only: callers sort in Python, and ordering by move_id
    # would make PostgreSQL join every invoice to apply account.move's order.
    return move_lines.search_fetch(
        domain + (extra_domain or []), LINE_FIELDS, order="id"
    )


# --- the items of one invoice ------------------------------------------------


class ProviderFilter(UuidFilter):
    """``provider_uuid``: the offerings of one service provider (a partner)."""

    def __init__(self):
        super().__init__(
            "provider_uuid", None, "The uuid of the offerings' service provider."
        )

    def partner(self, env, args):
        """The provider as a partner (empty when unknown), or None."""
        provider_uuid = self.value(args)
        if not provider_uuid:
            return None
        return env["res.partner"]._billing_search_uuid(provider_uuid)

    def terms(self, env, args):
        provider = self.partner(env, args)
        if provider is None:
            return []
        return env["account.move.line"]._billing_provider_domain(provider)


PROVIDER_FILTER = ProviderFilter()
# ``/items/`` filters, in the order they are checked.
ITEM_FILTERS = (
    TextFilter("query", "billing_resource_name", "ilike", "Part of the resource name."),
    UuidFilter("project_uuid", "billing_project_uuid"),
    UuidFilter("offering_uuid", "product_id.uuid"),
    PROVIDER_FILTER,
    FlagFilter(
        "conceal_compensation_items",
        ("price_subtotal", ">=", 0),
        "true leaves the compensations (negative lines) out.",
    ),
)
ITEM_ORDER = QueryParameter(
    "o",
    "One of {}; prefix - for descending (empty values first ascending, "
    "last descending).".format(", ".join(ITEM_ORDERING)),
    {
        "type": "string",
        "pattern": "^(?:-?(?:{}))?$".format("|".join(ITEM_ORDERING)),
    },
)


def provider_filter(env, args):
    """The ``provider_uuid`` filter as a partner (empty when unknown), or None."""
    return PROVIDER_FILTER.partner(env, args)


def items_domain(env, args):
    """``/items/`` filters as a domain on the invoice's lines."""
    return [("price_total", "!=", 0), *filter_domain(ITEM_FILTERS, env, args)]


def items_sorted(args, move_lines):
    """Waldur's item ordering ``o`` (one value); default project, then name."""
    value = args.get(ITEM_ORDER.name)
    if not value:
        return visible_items(move_lines)
    name = value.removeprefix("-")
    if name not in ITEM_ORDERING:
        raise invalid_choice("o", value)
    key = ITEM_ORDERING[name]
    descending = value.startswith("-")
    present = [line for line in move_lines if key(line)]
    missing = [line for line in move_lines if not key(line)]
    present.sort(key=lambda line: (key(line), line.id), reverse=descending)
    # Nulls first ascending, last descending, as PostgreSQL orders them.
    return present + missing if descending else missing + present


def items_response(invoice):
    """The invoice's items as a JSON array (Waldur does not paginate them),
    fingerprinted by the invoice's rows before any line is read."""
    return common.record_response(fingerprint.INVOICES, invoice, render_items)


def render_items(invoice):
    args = request.httprequest.args
    move_lines = product_lines(invoice, items_domain(request.env, args))
    return [render_item(line) for line in items_sorted(args, move_lines)]


def render_item_detail(line):
    """Waldur's invoice-item resource (``InvoiceItemDetailSerializer``): the
    item an invoice embeds, plus its invoice, offering and customer."""
    item = render_item(line)
    details = item["details"]
    move = line.move_id
    customer = move.commercial_partner_id
    item.update(
        {
            "invoice": detail_url("invoices", move),
            "offering_uuid": details.get("offering_uuid"),
            "offering_name": details.get("offering_name"),
            "offering_component_type": details.get("offering_component_type"),
            "customer_uuid": customer.uuid,
            "customer_name": customer.name or "",
        }
    )
    return item


def response(line):
    return common.json_response(render_item(line))


def detail_response(line):
    """One item, fingerprinted by its invoice's rows (all its lines)."""
    validator = common.Validator.of(fingerprint.INVOICES, line.move_id.ids, single=True)
    return validator.not_modified() or validator.json_response(render_item_detail(line))
