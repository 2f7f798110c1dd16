# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import Form, tagged

from .common import BillingCommon


@tagged("post_install", "-at_install")
class TestViews(BillingCommon):
    """Every form we extend opens and saves our fields."""

    def test_invoice_form_billing_page(self):
        with Form(
            self.env["account.move"].with_context(default_move_type="out_invoice")
        ) as form:
            form.partner_id = self.customer
            with form.invoice_line_ids.new() as line:
                line.product_id = self.offering
            form.backend_id = "backend-42"
            form.payment_url = "https://pay.example.com/42"
            form.reference_number = "RF18 5390 0754 7034"
        invoice = form.record
        self.assertEqual(invoice.backend_id, "backend-42")
        self.assertEqual(invoice.payment_url, "https://pay.example.com/42")
        self.assertEqual(invoice.reference_number, "RF18 5390 0754 7034")
        self.assertEqual(invoice.billing_state, "pending")

    def test_payment_form(self):
        with Form(
            self.env["account.payment"].with_context(
                default_payment_type="inbound", default_partner_type="customer"
            )
        ) as form:
            form.partner_id = self.customer
            form.amount = 12.5
            form.payment_profile_id = self.profile
        self.assertEqual(form.record.payment_profile_id, self.profile)

    def test_payment_profile_form(self):
        with Form(self.env["billing.payment.profile"]) as form:
            form.name = "From the form"
            form.partner_id = self.other_customer
            form.payment_type = "fixed_price"
            form.journal_id = self.cash_journal
        profile = form.record
        self.assertTrue(profile.is_active)
        self.assertEqual(profile.journal_id, self.cash_journal)

    def test_partner_form_lists_profiles(self):
        customer = self.customer.with_context(allowed_company_ids=self.company.ids)
        with Form(customer) as form:
            self.assertEqual(len(form.billing_payment_profile_ids), 1)
            self.assertEqual(
                form.billing_payment_profile_ids.edit(0).name, "Monthly invoices"
            )

    def test_product_form_service_provider(self):
        with Form(self.offering.product_tmpl_id) as form:
            form.service_provider_id = self.customer
        self.assertEqual(self.offering.service_provider_id, self.customer)

    def test_every_view_of_the_addon_is_valid(self):
        views = self.env["ir.ui.view"].browse(
            self.env["ir.model.data"]
            .search([("module", "=", "billing_payments"), ("model", "=", "ir.ui.view")])
            .mapped("res_id")
        )
        self.assertTrue(views)
        for view in views:
            view._check_xml()
        actions = self.env.ref("billing_payments.billing_payment_profile_action")
        self.assertEqual(actions.res_model, "billing.payment.profile")
