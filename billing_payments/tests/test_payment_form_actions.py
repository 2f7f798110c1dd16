# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The payment form's Link to Invoice / Unlink from Invoice and proof log."""

import base64
import datetime

from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import BillingCommon

PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


@tagged("post_install", "-at_install")
class TestPaymentFormActions(BillingCommon):
    def setUp(self):
        super().setUp()
        self.env = self.env(user=self.billing_user)
        self.invoice = self.create_invoice(lines=[(self.offering, 1, 100.0)]).with_env(
            self.env
        )
        self.payment = self.env["account.payment"]._billing_create_payment(
            self.profile.with_env(self.env), datetime.date(2026, 4, 1), 40.0
        )

    def test_link_wizard_then_unlink(self):
        action = self.payment.action_billing_link_invoice()
        self.assertEqual(action["res_model"], "billing.payment.link.wizard")
        form = Form(
            self.env[action["res_model"]].with_context(**action["context"]),
            view="billing_payments.billing_payment_link_wizard_view_form",
        )
        self.assertEqual(form.partner_id, self.customer)
        form.invoice_id = self.invoice
        self.assertEqual(form.amount_residual, self.invoice.amount_residual)
        form.save().action_link()
        self.assertIn(self.payment, self.invoice.matched_payment_ids)
        self.assertEqual(self.invoice.payment_state, "partial")
        self.assertAlmostEqual(
            self.invoice.amount_residual, self.invoice.amount_total - 40.0
        )
        for record in (self.payment, self.invoice):
            self.assertIn("linked to invoice", record.message_ids[0].body)
        # Linked already: the button refuses, as the API does.
        with self.assertRaisesRegex(UserError, "Link to an invoice exists"):
            self.payment.action_billing_link_invoice()

        self.payment.action_billing_unlink_invoice()
        self.assertNotIn(self.payment, self.invoice.matched_payment_ids)
        self.assertEqual(self.invoice.payment_state, "not_paid")
        for record in (self.payment, self.invoice):
            self.assertIn("unlinked from invoice", record.message_ids[0].body)

    def test_link_wizard_offers_the_customers_open_invoices_only(self):
        paid = self.create_invoice(lines=[(self.offering, 1, 10.0)])
        self.register_payment(paid)
        draft = self.create_invoice(lines=[(self.offering, 1, 10.0)], post=False)
        stranger = self.create_invoice(
            partner=self.other_customer, lines=[(self.offering, 1, 10.0)]
        )
        wizard = self.env["billing.payment.link.wizard"].create(
            {"payment_id": self.payment.id, "invoice_id": self.invoice.id}
        )
        domain = safe_eval(
            wizard._fields["invoice_id"].domain, {"partner_id": wizard.partner_id.id}
        )
        offered = self.env["account.move"].search(domain)
        self.assertIn(self.invoice, offered)
        for invoice in (paid, draft, stranger):
            self.assertNotIn(invoice, offered)

    def test_proof_changes_in_the_form_are_logged_with_the_previous_file(self):
        with Form(self.payment) as form:
            form.proof = base64.b64encode(PDF)
        first = self.payment.message_ids[0]
        self.assertEqual(first.attachment_ids.mapped("raw"), [PDF])
        with Form(self.payment) as form:
            form.proof = base64.b64encode(PNG)
        replaced = self.payment.message_ids[0]
        self.assertCountEqual(replaced.attachment_ids.mapped("raw"), [PNG, PDF])
        with Form(self.payment) as form:
            form.proof = False
        cleared = self.payment.message_ids[0]
        self.assertIn("removed", cleared.body)
        self.assertEqual(cleared.attachment_ids.mapped("raw"), [PNG])
