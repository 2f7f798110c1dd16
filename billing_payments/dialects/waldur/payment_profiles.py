"""Waldur's payment-profile resource: ``/api/payment-profiles/``."""

from odoo.http import request

from ...models.billing_payment_profile import PAYMENT_TYPES
from .. import common
from . import (
    BooleanField,
    CharField,
    ChoiceField,
    DictField,
    HyperlinkField,
    detail_url,
    ordering,
    parse_body,
    query_boolean,
    query_choices,
    related_filters,
)

LABEL = "PaymentProfile"
PAYMENT_TYPE_LABELS = dict(PAYMENT_TYPES)
ORDERING = {"name": "name", "payment_type": "payment_type", "is_active": "is_active"}


def profiles():
    return request.env["billing.payment.profile"]


def render(profile):
    customer = profile.partner_id
    return {
        "uuid": profile.uuid,
        "url": detail_url("payment-profiles", profile),
        "name": profile.name,
        "organization_uuid": customer.uuid,
        "organization": detail_url("customers", customer),
        "attributes": profile.attributes or {},
        "payment_type": profile.payment_type,
        "payment_type_display": PAYMENT_TYPE_LABELS[profile.payment_type],
        # Waldur stores an inactive profile's flag as NULL and shows it so.
        "is_active": True if profile.is_active else None,
    }


def search_domain():
    """The list filters as an ORM domain."""
    domain = related_filters("organization", "customers", "partner_id")
    payment_types = query_choices("payment_type", PAYMENT_TYPE_LABELS)
    if payment_types:
        domain.append(("payment_type", "in", payment_types))
    is_active = query_boolean("is_active")
    if is_active is not None:
        domain.append(("is_active", "=", is_active))
    return domain


def search_order():
    return ordering(ORDERING, "id asc")


FIELDS = {
    "name": CharField(required=True, max_length=150),
    "organization": HyperlinkField(
        "customers", lambda: request.env["res.partner"], required=True
    ),
    "attributes": DictField(),
    "payment_type": ChoiceField(PAYMENT_TYPE_LABELS, required=True),
    "is_active": BooleanField(allow_null=True),
}


def parse(partial=False):
    """The ORM values of a create (POST), replace (PUT) or update (PATCH) body."""
    data, _files = common.read_body()
    values = parse_body(FIELDS, data, partial=partial)
    vals = {}
    if "name" in values:
        vals["name"] = values["name"]
    if "organization" in values:
        vals["partner_id"] = values["organization"].id
    if "attributes" in values:
        vals["attributes"] = values["attributes"]
    if "payment_type" in values:
        vals["payment_type"] = values["payment_type"]
    if "is_active" in values:
        vals["is_active"] = bool(values["is_active"])
    return vals
