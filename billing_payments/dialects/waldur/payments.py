"""Waldur's payment resource: ``/api/payments/``.

An API payment is an inbound customer ``account.payment`` that belongs to a
payment profile; cancelled ones are not shown.
"""

from odoo.http import request

from ...money import parse_decimal
from .. import common
from . import (
    DateField,
    Field,
    FieldError,
    HyperlinkField,
    detail_url,
    parse_body,
    query_date,
    read_proof,
    related_filters,
    validation_error,
)

LABEL = "Payment"
ORDER = "create_date asc, id asc"  # Waldur lists payments by creation
NO_OBJECT = "Invalid hyperlink - Object does not exist."


def payments():
    return request.env["account.payment"]


def base_domain():
    return [("payment_profile_id", "!=", False), ("state", "!=", "canceled")]


def find(payment_uuid):
    payment = common.find_by_uuid(payments(), payment_uuid, LABEL)
    if not payment.filtered_domain(base_domain()):
        raise common.NotFound(LABEL)
    return payment


def proof_url(payment):
    return common.absolute_url(f"/api/payments/{payment.uuid}/proof/")


def render(payment):
    """A payment in Waldur's key order; ``invoice_uuid`` only when linked."""
    profile = payment.payment_profile_id
    invoice = payment._billing_linked_invoices()[:1]
    values = {
        "uuid": payment.uuid,
        "url": detail_url("payments", payment),
        "profile": detail_url("payment-profiles", profile),
        "date_of_payment": payment.date.isoformat(),
        "sum": common.format_decimal(payment.amount, 2),
        # bin_size: whether there is a proof, without loading the file.
        "proof": proof_url(payment)
        if payment.with_context(bin_size=True).proof
        else None,
        "invoice": detail_url("invoices", invoice) if invoice else None,
    }
    if invoice:
        values["invoice_uuid"] = invoice.uuid
    values["invoice_period"] = (
        f"{invoice.billing_month:02d}-{invoice.billing_year}" if invoice else None
    )
    values["customer_uuid"] = profile.partner_id.uuid
    return values


def search_domain():
    domain = base_domain()
    domain += related_filters("profile", "payment-profiles", "payment_profile_id")
    date_of_payment = query_date("date_of_payment")
    if date_of_payment:
        domain.append(("date", "=", date_of_payment))
    return domain


class SumField(Field):
    """DRF's DecimalField(max_digits=10, decimal_places=2), never negative."""

    def convert(self, value):
        try:
            number = parse_decimal(value)
        except ValueError as error:
            raise FieldError("A valid number is required.") from error
        _sign, digits, exponent = number.as_tuple()
        decimals = max(0, -exponent)
        whole = max(0, len(digits) + exponent)
        if decimals > 2:
            raise FieldError("Ensure that there are no more than 2 decimal places.")
        if whole > 8:
            raise FieldError(
                "Ensure that there are no more than 8 digits before the decimal point."
            )
        if number < 0:
            raise FieldError("Ensure this value is greater than or equal to 0.")
        return number


class ActiveProfileField(HyperlinkField):
    """A payment profile URL; only active profiles the user can see resolve."""

    def __init__(self, **kwargs):
        super().__init__(
            "payment-profiles", lambda: request.env["billing.payment.profile"], **kwargs
        )

    def convert(self, value):
        profile = super().convert(value)
        if not profile.is_active:
            raise FieldError(NO_OBJECT)
        return profile


FIELDS = {
    "profile": ActiveProfileField(required=True),
    "date_of_payment": DateField(required=True),
    "sum": SumField(),
}


def parse(partial=False):
    """(profile, date, amount, proof) of a create/update body; None = unset."""
    data, files = common.read_body()
    proof = read_proof(data, files)
    values = parse_body(FIELDS, data, partial=partial)
    amount = values.get("sum")
    return (
        values.get("profile"),
        values.get("date_of_payment"),
        float(amount) if amount is not None else None,
        proof,
    )


def parse_invoice_link():
    """The invoice of a ``link_to_invoice`` body: a posted customer invoice."""
    data, _files = common.read_body()
    field = HyperlinkField(
        "invoices", lambda: request.env["account.move"], required=True
    )
    invoice = parse_body({"invoice": field}, data)["invoice"]
    if invoice.move_type != "out_invoice" or invoice.state != "posted":
        raise validation_error({"invoice": [NO_OBJECT]})
    return invoice
