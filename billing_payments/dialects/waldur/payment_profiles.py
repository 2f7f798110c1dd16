# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Waldur's payment-profile resource: ``/api/payment-profiles/``."""

from odoo.http import request

from .. import common, fingerprint
from . import created_response as waldur_created_response
from . import detail_url, find_by_uuid
from .fields import (
    OBJECT,
    STRING,
    URL,
    UUID_HEX,
    BooleanField,
    CharField,
    DictField,
    HyperlinkField,
    SelectionField,
    object_schema,
    parse_body,
    read_body,
    selection_values,
)
from .pagination import page_response
from .query import BooleanFilter, ChoiceFilter, Ordering, filter_domain, related

LABEL = "PaymentProfile"
MODEL = "billing.payment.profile"
ORDERING = {"name": "name", "payment_type": "payment_type", "is_active": "is_active"}
DEFAULT_ORDER = "id asc"
FIELDS = {
    "name": CharField(required=True, max_length=150),
    "organization": HyperlinkField("customers", "res.partner", required=True),
    "attributes": DictField(),
    "payment_type": SelectionField(MODEL, "payment_type", required=True),
    "is_active": BooleanField(allow_null=True),
}
# The JSON Schema of ``render`` (``payment_type`` lists its choices in the
# document, read from the model).
PAYMENT_PROFILE_SCHEMA = object_schema(
    {
        "uuid": UUID_HEX,
        "url": URL,
        "name": STRING,
        "organization_uuid": UUID_HEX,
        "organization": URL,
        "attributes": OBJECT,
        "payment_type": STRING,
        "payment_type_display": STRING,
        "is_active": {
            "enum": [True, None],
            "description": "true, or null for an inactive profile (as Waldur "
            "stores it).",
        },
    }
)


def profiles():
    return request.env[MODEL]


def find(profile_uuid):
    return find_by_uuid(profiles(), profile_uuid, LABEL)


def payment_type_labels(env):
    return selection_values(env, MODEL, "payment_type")


FILTERS = (
    *related("organization", "customers", "partner_id"),
    ChoiceFilter("payment_type", payment_type_labels, "payment_type"),
    BooleanFilter("is_active", "is_active"),
)
ORDER = Ordering(ORDERING, DEFAULT_ORDER)


# --- lists -------------------------------------------------------------------


def search_domain(env, args):
    """The list filters of ``args`` as an ORM domain."""
    return filter_domain(FILTERS, env, args)


def list_response():
    args = request.httprequest.args
    return page_response(
        profiles(),
        search_domain(request.env, args),
        ORDER.value(args),
        render_page,
        fingerprint.PROFILES,
    )


# --- rendering ---------------------------------------------------------------


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
        "payment_type_display": payment_type_labels(profile.env)[profile.payment_type],
        # Waldur stores an inactive profile's flag as NULL and shows it so.
        "is_active": True if profile.is_active else None,
    }


def render_page(records):
    return [render(profile) for profile in records]


def response(profile):
    return common.record_response(fingerprint.PROFILES, profile, render)


def created_response(profile):
    return waldur_created_response("payment-profiles", profile, render(profile))


# --- bodies ------------------------------------------------------------------


def values_from_body(env, data, partial=False):
    """The ORM values of a profile body (``partial``: PATCH)."""
    values = parse_body(FIELDS, data, env, partial=partial)
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


def parse(verb):
    """The ORM values of a POST (create), PUT (replace) or PATCH body."""
    data, _files = read_body()
    return values_from_body(request.env, data, partial=verb == "PATCH")
