# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Waldur's customer resource (read-only): ``/api/customers/{uuid}/``.

A customer is the commercial partner of invoices. ``customer_details`` and
``issuer_details`` are also the blocks an invoice embeds.
"""

from odoo.http import request

from ...exceptions import NotFound
from .. import common, fingerprint
from . import detail_url, find_by_uuid
from .fields import STRING, URL, UUID_HEX, nullable, object_schema

LABEL = "Customer"
# The JSON Schemas of the renderers below (``customer_details``,
# ``issuer_details``, ``render``).
CUSTOMER_DETAILS_SCHEMA = object_schema(
    {
        "name": STRING,
        "address": STRING,
        "country": {**STRING, "description": "ISO 3166 code, or empty."},
        "country_name": nullable(STRING),
        "email": STRING,
        "postal": STRING,
        "phone_number": STRING,
        "bank_name": STRING,
        "bank_account": STRING,
        "vat_code": STRING,
    }
)
ISSUER_DETAILS_SCHEMA = object_schema(
    {
        "company": STRING,
        "address": STRING,
        "country": STRING,
        "email": STRING,
        "postal": STRING,
        "phone": object_schema({"country_code": STRING, "national_number": STRING}),
        "bank": STRING,
        "account": STRING,
        "vat_code": STRING,
        "country_code": STRING,
    },
    description="The invoicing company, in the keys of Waldur's ISSUER_DETAILS.",
)
CUSTOMER_SCHEMA = object_schema(
    {
        "url": URL,
        "uuid": UUID_HEX,
        **CUSTOMER_DETAILS_SCHEMA["properties"],
    }
)


def find(customer_uuid):
    """A customer of the user's companies, with the rights invoices need.

    A customer is a partner with a customer invoice or a payment profile the
    user may read (record rules keep both to the user's companies); any other
    partner, and every partner for a user without accounting read rights,
    is a 404, as invoices are.
    """
    partner = find_by_uuid(request.env["res.partner"], customer_uuid, LABEL)
    env = request.env
    moves, profiles = env["account.move"], env["billing.payment.profile"]
    if not moves.has_access("read"):
        raise NotFound(LABEL)
    invoiced = moves.search_count(
        [("move_type", "=", "out_invoice"), ("commercial_partner_id", "=", partner.id)],
        limit=1,
    )
    if not invoiced and not (
        profiles.has_access("read")
        and profiles.search_count([("partner_id", "=", partner.id)], limit=1)
    ):
        raise NotFound(LABEL)
    return partner


# The columns ``customer_details`` and ``issuer_details`` read. Fetching just
# these (``prefetch_details``) spares reading the ~60 columns of every partner
# and ~100 of every company that Odoo's prefetching would read.
PARTNER_DETAIL_FIELDS = [
    "uuid",
    "name",
    "street",
    "street2",
    "city",
    "zip",
    "country_id",
    "email",
    "phone",
    "mobile",
    "vat",
]
COUNTRY_DETAIL_FIELDS = ["code", "name", "phone_code"]


def prefetch_details(partners=None, companies=None):
    """Read at once what the details of ``partners`` and ``companies`` show:
    one query per model for any number of them."""
    env = request.env
    partners = partners or env["res.partner"]
    if companies:
        companies.fetch(["name", "partner_id"])
        partners |= companies.partner_id
    if partners:
        partners.fetch(PARTNER_DETAIL_FIELDS)
        partners.country_id.fetch(COUNTRY_DETAIL_FIELDS)
        partners.bank_ids.fetch(["acc_number", "bank_id"])


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


def render(partner):
    details = customer_details(partner)
    return {
        "url": detail_url("customers", partner),
        "uuid": partner.uuid,
        "name": details.pop("name"),
        **details,
    }


def response(partner):
    return common.record_response(fingerprint.PARTNERS, partner, render)
