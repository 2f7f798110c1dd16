# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Payment Profiles form and list of the web client.

A payments count (smart button and column, one grouped query for a whole
page), attributes edited as key/value pairs with the model's validation, and
deleting a profile that payments use refused with the addon's user error.
"""

import datetime

from lxml import etree

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from ..exceptions import BillingConflictError
from .common import BillingCommon

ATTRIBUTES = {
    "end_date": "2026-12-31",
    "agreement_number": "A-17",
    "contract_sum": 1200,
    "renewal": {"auto": True, "months": [1, 12]},
}


@tagged("post_install", "-at_install")
class TestPaymentProfileForm(BillingCommon):
    def setUp(self):
        super().setUp()
        self.setup_env = self.env  # fixtures the clerk may not create
        self.env = self.env(user=self.billing_user)
        self.profile = self.profile.with_env(self.env)
        self.Profile = self.env["billing.payment.profile"]

    def _pay(self, profile, amount, day=1):
        return self.env["account.payment"]._billing_create_payment(
            profile, datetime.date(2026, 4, day), amount
        )

    def _view(self, view_type):
        return etree.fromstring(self.Profile.get_view(view_type=view_type)["arch"])

    def test_payments_count_and_smart_button(self):
        self.assertEqual(self.profile.payment_count, 0)
        payments = self._pay(self.profile, 10.0) | self._pay(self.profile, 20.0)
        # A cancelled payment is still one of the profile's payments.
        cancelled = self._pay(self.profile, 5.0)
        cancelled._billing_cancel()
        payments |= cancelled
        # Another customer's payments do not count.
        other = self.Profile.create(
            {"name": "Other", "partner_id": self.other_customer.id}
        )
        self._pay(other, 7.0)
        self.profile.invalidate_recordset(["payment_count"])
        self.assertEqual(self.profile.payment_count, 3)
        self.assertEqual(other.payment_count, 1)

        action = self.profile.action_view_payments()
        self.assertEqual(action["res_model"], "account.payment")
        self.assertEqual(
            action["domain"], [("payment_profile_id", "=", self.profile.id)]
        )
        self.assertEqual(self.env["account.payment"].search(action["domain"]), payments)
        context = action["context"]
        self.assertEqual(context["default_payment_profile_id"], self.profile.id)
        self.assertEqual(context["default_partner_id"], self.customer.id)
        self.assertNotIn("search_default_inbound_filter", context)
        # A payment created from there takes the profile and its journal.
        with Form(
            self.env["account.payment"].with_context(**context),
            view="account.view_account_payment_form",
        ) as form:
            form.amount = 3.0
        self.assertEqual(form.record.payment_profile_id, self.profile)
        self.assertEqual(form.record.journal_id, self.profile.journal_id)

        form_arch = self._view("form")
        button = form_arch.find(".//button[@name='action_view_payments']")
        self.assertEqual(button.get("type"), "object")
        self.assertIsNotNone(button.find("field[@name='payment_count']"))
        column = self._view("list").find("field[@name='payment_count']")
        self.assertEqual(column.get("optional"), "show")

    def test_inactive_profile_proposes_no_new_payments(self):
        self._pay(self.profile, 10.0)
        self.profile.action_deactivate()
        context = self.profile.action_view_payments()["context"]
        self.assertNotIn("default_payment_profile_id", context)
        self.assertEqual(self.profile.payment_count, 1)

    def test_read_only_accountant_opens_the_payments(self):
        self._pay(self.profile, 10.0)
        as_auditor = self.profile.with_user(self.readonly_user)
        self.assertEqual(as_auditor.payment_count, 1)
        action = as_auditor.action_view_payments()
        self.assertEqual(
            self.env["account.payment"]
            .with_user(self.readonly_user)
            .search_count(action["domain"]),
            1,
        )
        with self.assertRaises(AccessError):
            as_auditor.attributes = ATTRIBUTES

    def test_list_counts_payments_in_one_query(self):
        """The list's payments column costs the same for 1 and 5 profiles."""
        customers = self.setup_env["res.partner"].create(
            [{"name": f"Customer {index}", "is_company": True} for index in range(5)]
        )
        profiles = self.Profile.create(
            [
                {"name": f"Profile {index}", "partner_id": customer.id}
                for index, customer in enumerate(customers)
            ]
        )
        for index, profile in enumerate(profiles):
            for day in range(index + 1):
                self._pay(profile, 1.0 + day, day=day + 1)
        spec = {
            name: {} for name in ("name", "payment_type", "is_active", "payment_count")
        }
        spec["partner_id"] = {"fields": {"display_name": {}}}
        spec["journal_id"] = {"fields": {"display_name": {}}}

        def list_queries(domain):
            self.Profile.web_search_read(domain, spec)  # warm the caches
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            result = self.Profile.web_search_read(domain, spec)
            return self.env.cr.sql_log_count - before, result

        one, result = list_queries([("id", "=", profiles[0].id)])
        self.assertEqual([row["payment_count"] for row in result["records"]], [1])
        five, result = list_queries([("id", "in", profiles.ids)])
        counts = {row["id"]: row["payment_count"] for row in result["records"]}
        self.assertEqual(counts, {p.id: i + 1 for i, p in enumerate(profiles)})
        self.assertEqual(one, five)

    def test_attributes_edited_through_the_form(self):
        form_arch = self._view("form")
        field = form_arch.find(".//field[@name='attributes']")
        self.assertEqual(field.get("widget"), "billing_key_value")
        self.assertNotEqual(field.get("readonly"), "1")
        with Form(self.profile) as form:
            form.attributes = ATTRIBUTES
        self.profile.invalidate_recordset()
        self.assertEqual(self.profile.attributes, ATTRIBUTES)
        self.assertIsInstance(self.profile.attributes["contract_sum"], int)
        with Form(self.profile) as form:
            form.attributes = {**ATTRIBUTES, "agreement_number": "A-18"}
        self.assertEqual(self.profile.attributes["agreement_number"], "A-18")
        # The model's rule stays: attributes are a JSON object.
        form = Form(self.profile)
        form.attributes = ["not", "an", "object"]
        with self.assertRaisesRegex(ValidationError, "must be a JSON object"):
            form.save()
        with Form(self.profile) as form:
            form.attributes = False
        self.assertFalse(self.profile.attributes)

    def test_used_profile_cannot_be_deleted(self):
        self._pay(self.profile, 10.0)
        with self.assertRaisesRegex(BillingConflictError, "deactivate it instead"):
            self.profile.unlink()
        self.assertTrue(self.profile.exists())
        unused = self.Profile.create(
            {"name": "Unused", "partner_id": self.other_customer.id}
        )
        unused.unlink()
        self.assertFalse(unused.exists())
