# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Waldur's payment resource: ``/api/payments/``.

An API payment is an inbound customer ``account.payment`` that belongs to a
payment profile; cancelled ones are not shown.
"""

from odoo import http
from odoo.http import request

from ...exceptions import NotFound
from .. import common, fingerprint
from . import created_response as waldur_created_response
from . import detail_url, find_by_uuid, validation_error
from .fields import (
    DATE,
    STRING,
    URL,
    UUID_HEX,
    DateField,
    DecimalField,
    FieldError,
    HyperlinkField,
    decimal_string,
    nullable,
    object_schema,
    parse_body,
    read_body,
    read_proof,
)
from .pagination import page_response
from .query import DateFilter, filter_domain, related

LABEL = "Payment"
ORDER = "create_date asc, id asc"  # Waldur lists payments by creation
NO_OBJECT = "Invalid hyperlink - Object does not exist."


class ActiveProfileField(HyperlinkField):
    """A payment profile URL; only active profiles the user can see resolve."""

    def __init__(self, **kwargs):
        super().__init__("payment-profiles", "billing.payment.profile", **kwargs)

    def convert(self, value, env):
        profile = super().convert(value, env)
        if not profile.is_active:
            raise FieldError(NO_OBJECT)
        return profile


FIELDS = {
    "profile": ActiveProfileField(required=True),
    "date_of_payment": DateField(required=True),
    # DRF's DecimalField(max_digits=10, decimal_places=2), never negative.
    "sum": DecimalField(max_digits=10, decimal_places=2, min_value=0),
}
FILTERS = (
    *related("profile", "payment-profiles", "payment_profile_id"),
    DateFilter("date_of_payment", "date"),
)
INVOICE_LINK_FIELDS = {
    "invoice": HyperlinkField("invoices", "account.move", required=True),
}
# The JSON Schema of ``render``.
PAYMENT_SCHEMA = object_schema(
    {
        "uuid": UUID_HEX,
        "url": URL,
        "profile": URL,
        "date_of_payment": DATE,
        "sum": decimal_string(2),
        "proof": nullable(URL),
        "invoice": nullable(URL),
        "invoice_uuid": UUID_HEX,
        "invoice_period": nullable(
            {**STRING, "pattern": "^[0-9]{2}-[0-9]{4}$", "description": "MM-YYYY"}
        ),
        "customer_uuid": UUID_HEX,
    },
    optional=("invoice_uuid",),
    description="A payment of a payment profile; invoice_uuid is absent when "
    "it is linked to no invoice, as in Waldur.",
)


def payments():
    return request.env["account.payment"]


def base_domain():
    return [("payment_profile_id", "!=", False), ("state", "!=", "canceled")]


def find(payment_uuid):
    payment = find_by_uuid(payments(), payment_uuid, LABEL)
    if not payment.filtered_domain(base_domain()):
        raise NotFound(LABEL)
    return payment


# --- lists -------------------------------------------------------------------


def search_domain(args):
    return base_domain() + filter_domain(FILTERS, request.env, args)


def list_response():
    return page_response(
        payments(),
        search_domain(request.httprequest.args),
        ORDER,
        render_page,
        fingerprint.WALDUR_PAYMENTS,
        count=payments()._billing_search_count,
    )


# --- rendering ---------------------------------------------------------------


def proof_url(payment):
    return common.absolute_url(f"/api/payments/{payment.uuid}/proof/")


def render(payment, has_proof=None):
    """A payment in Waldur's key order; ``invoice_uuid`` only when linked.
    ``has_proof``: whether it has a proof, when the caller knows."""
    if has_proof is None:
        # bin_size: whether there is a proof, without loading the file.
        has_proof = bool(payment.with_context(bin_size=True).proof)
    profile = payment.payment_profile_id
    invoice = payment._billing_linked_invoices()[:1]
    values = {
        "uuid": payment.uuid,
        "url": detail_url("payments", payment),
        "profile": detail_url("payment-profiles", profile),
        "date_of_payment": payment.date.isoformat(),
        "sum": common.format_decimal(payment.amount, 2),
        "proof": proof_url(payment) if has_proof else None,
        "invoice": detail_url("invoices", invoice) if invoice else None,
    }
    if invoice:
        values["invoice_uuid"] = invoice.uuid
    values["invoice_period"] = (
        f"{invoice.billing_month:02d}-{invoice.billing_year}" if invoice else None
    )
    values["customer_uuid"] = profile.partner_id.uuid
    return values


def render_page(records):
    prefetch(records)
    # One recordset in the bin_size context for the page, not one per row.
    sized = records.with_context(bin_size=True)
    return [
        render(payment, bool(sized_payment.proof))
        for payment, sized_payment in zip(records, sized, strict=True)
    ]


def prefetch(records):
    """Fetch, for a page at once, only the columns ``render`` reads, where
    Odoo's prefetch would read every column of the payments (~50) and of
    their invoices (~70): most of the list's rendering time."""
    # company_id: the multi-company rule that the proof's fetch checks.
    records.fetch(
        ["uuid", "date", "amount", "payment_profile_id", "invoice_ids", "company_id"]
    )
    # Whether there is a proof (``render`` reads it with bin_size): on its
    # own, else Odoo fetches every other column of the payments with it.
    records.with_context(bin_size=True).fetch(["proof"])
    records.invoice_ids.fetch(["move_type", "uuid", "billing_year", "billing_month"])
    profiles = records.payment_profile_id
    profiles.fetch(["uuid", "partner_id"])
    profiles.partner_id.fetch(["uuid"])


def response(payment):
    return common.record_response(fingerprint.WALDUR_PAYMENTS, payment, render)


def created_response(payment):
    return waldur_created_response("payments", payment, render(payment))


def proof_response(payment):
    """The proof file itself; 404 when the payment has none."""
    content = payment._billing_proof_content()
    if not content:
        raise NotFound("proof")
    return request.make_response(
        content,
        headers=[
            ("Content-Type", payment.proof_mimetype),
            (
                "Content-Disposition",
                http.content_disposition(payment.proof_filename or "proof"),
            ),
        ],
    )


# --- bodies ------------------------------------------------------------------


def values_from_body(env, data, files, partial=False, default_sum=None):
    """Keyword arguments of the payment model methods for a body.

    ``profile``, ``payment_date``, ``amount`` (a float of the exact decimal
    sent) and ``proof`` (file name, bytes); what the body leaves out is None
    (unchanged), but for ``sum``, which defaults to ``default_sum``.
    """
    proof = read_proof(env, data, files)
    values = parse_body(FIELDS, data, env, partial=partial)
    amount = values.get("sum", default_sum)
    return {
        "profile": values.get("profile"),
        "payment_date": values.get("date_of_payment"),
        "amount": float(amount) if amount is not None else None,
        "proof": proof,
    }


def parse(verb):
    """The model-method arguments of a POST (create), PUT or PATCH body.

    A create without ``sum`` is a payment of 0.00, as in Waldur.
    """
    data, files = read_body()
    return values_from_body(
        request.env,
        data,
        files,
        partial=verb == "PATCH",
        default_sum=0 if verb == "POST" else None,
    )


def invoice_from_body(env, data):
    """The invoice of a ``link_to_invoice`` body: a posted customer invoice."""
    invoice = parse_body(INVOICE_LINK_FIELDS, data, env)["invoice"]
    if invoice.move_type != "out_invoice" or invoice.state != "posted":
        raise validation_error({"invoice": [NO_OBJECT]})
    return invoice


def parse_invoice_link():
    data, _files = read_body()
    return invoice_from_body(request.env, data)
