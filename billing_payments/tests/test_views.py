# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from lxml import etree

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

    def test_invoice_form_header_period_and_search(self):
        invoice = self.create_invoice(
            lines=[(self.offering, 1, 10.0)], invoice_date=datetime.date(2026, 10, 5)
        )
        self.assertEqual(invoice.billing_period_label, "October 2026")
        self.assertEqual(
            invoice.with_context(lang="en_US").billing_period_label, "October 2026"
        )
        arch = self.env["account.move"].get_view(view_type="form")["arch"]
        form = etree.fromstring(arch)
        header = form.find("header")
        for name in ("action_billing_send_notification", "action_billing_export_stats"):
            self.assertIsNotNone(header.find(f"button[@name='{name}']"), name)
        send = header.find("button[@name='action_billing_send_notification']")
        # The confirmation is a wizard naming the recipients
        # (test_invoice_form_actions), not a static confirm= text.
        self.assertFalse(send.get("confirm"))
        year = form.find(".//field[@name='billing_year']")
        self.assertIn("'enable_formatting': false", year.get("options"))
        page = form.find(".//page[@name='billing_api']")
        self.assertEqual(page.get("string"), "Billing")
        search = etree.fromstring(
            self.env["account.move"].get_view(view_type="search")["arch"]
        )
        period = search.find(".//filter[@name='billing_period']")
        self.assertEqual(period.get("date"), "billing_period_start")
        grouped = search.find(".//filter[@name='group_by_billing_period']")
        self.assertIn("billing_period_start:month", grouped.get("context"))
        for name in ("billing_pending", "billing_paid", "billing_canceled"):
            label = search.find(f".//filter[@name='{name}']").get("string")
            self.assertTrue(label.startswith("Billing: "), label)

    def test_payment_list_columns_and_profile_menu_for_read_only(self):
        arch = self.env["account.payment"].get_view(view_type="list")["arch"]
        columns = {
            field.get("name"): field.get("optional")
            for field in etree.fromstring(arch).iter("field")
        }
        self.assertEqual(columns["payment_profile_id"], "show")
        self.assertEqual(columns["proof_filename"], "show")
        self.assertEqual(columns["invoice_ids"], "hide")
        menus = self.env["ir.ui.menu"].with_user(self.readonly_user)._visible_menu_ids()
        menu = self.env.ref("billing_payments.billing_payment_profile_customers_menu")
        self.assertIn(menu.id, menus)

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
