# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's Pay wizard with the proof of payment and the payment profile."""

import base64
import datetime

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from ..exceptions import BillingConflictError, ProofRejected
from .common import BillingCommon

PDF = b"%PDF-1.4\n%%EOF\n"


@tagged("post_install", "-at_install")
class TestPayWizard(BillingCommon):
    def wizard_form(self, invoices, user=None):
        model = self.env["account.payment.register"].with_user(
            user or self.billing_user
        )
        return Form(
            model.with_context(active_model="account.move", active_ids=invoices.ids)
        )

    def test_pay_with_a_proof_sets_profile_and_proof(self):
        invoice = self.create_invoice(lines=[(self.offering, 1, 100.0)])
        form = self.wizard_form(invoice)
        self.assertEqual(form.billing_payment_profile_id, self.profile)
        self.assertEqual(form.journal_id, self.profile.journal_id)
        form.billing_proof = base64.b64encode(PDF)
        wizard = form.save()
        # The web client's file widget fills the (hidden) file name field.
        wizard.billing_proof_filename = "receipt.pdf"
        wizard.action_create_payments()
        payment = invoice.matched_payment_ids
        self.assertEqual(len(payment), 1)
        self.assertEqual(payment.move_id.state, "posted")
        self.assertIn(invoice.payment_state, ("in_payment", "paid"))
        self.assertEqual(payment.payment_profile_id, self.profile)
        self.assertEqual(payment._billing_proof_content(), PDF)
        self.assertEqual(payment.proof_filename, "receipt.pdf")
        note = payment.message_ids.filtered("attachment_ids")[:1]
        self.assertEqual(note.attachment_ids.raw, PDF)

    def test_several_invoices_at_once_each_payment_carries_the_proof(self):
        invoices = self.create_invoice(
            lines=[(self.offering, 1, 100.0)]
        ) | self.create_invoice(lines=[(self.offering, 1, 50.0)])
        form = self.wizard_form(invoices)
        form.group_payment = False
        form.billing_proof = base64.b64encode(PDF)
        form.save().action_create_payments()
        payments = invoices.matched_payment_ids
        self.assertEqual(len(payments), 2)
        for payment in payments:
            self.assertEqual(payment._billing_proof_content(), PDF)
            self.assertEqual(payment.payment_profile_id, self.profile)

    def test_refusals_write_nothing(self):
        invoice = self.create_invoice(lines=[(self.offering, 1, 100.0)])
        count = self.env["account.payment"].search_count([])
        form = self.wizard_form(invoice)
        form.billing_proof = base64.b64encode(b"<html>not a proof</html>")
        with self.assertRaises(ProofRejected):
            form.save().action_create_payments()
        self.company.sudo().fiscalyear_lock_date = datetime.date(2026, 3, 31)
        form = self.wizard_form(invoice)
        form.payment_date = datetime.date(2026, 3, 4)
        with self.assertRaisesRegex(BillingConflictError, "locked"):
            form.save().action_create_payments()
        self.assertEqual(self.env["account.payment"].search_count([]), count)
        self.assertEqual(invoice.payment_state, "not_paid")

    def test_inactive_profile_warns_and_is_refused(self):
        invoice = self.create_invoice(lines=[(self.offering, 1, 100.0)])
        inactive = self.env["billing.payment.profile"].create(
            {"name": "Old contract", "partner_id": self.customer.id, "is_active": False}
        )
        wizard = self.wizard_form(invoice).save()
        wizard.billing_payment_profile_id = inactive
        warning = wizard._onchange_billing_payment_profile_id()
        self.assertIn(
            "not the customer's active profile", warning["warning"]["message"]
        )
        with self.assertRaisesRegex(Exception, "not the customer's active payment"):
            wizard.action_create_payments()
        self.assertFalse(invoice.matched_payment_ids)

    def test_read_only_accountant_cannot_pay(self):
        invoice = self.create_invoice(lines=[(self.offering, 1, 100.0)])
        with self.assertRaises(AccessError):
            self.wizard_form(invoice, user=self.readonly_user).save()
