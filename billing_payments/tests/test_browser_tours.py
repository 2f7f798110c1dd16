# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Real-browser tests: Odoo tours in headless Chromium (``HttpCase.start_tour``).

The tours are in ``static/src/tours/`` (bundle ``web.assets_tests``); the
data is built here first, and the accounting is checked here again after each
tour. Without a browser they fail, never skip (``common.run_in_browser``).
"""

import base64
import datetime

from odoo.tests import HttpCase, tagged

from .common import BillingCommon, run_in_browser

# The proof the first tour attaches (PROOF_BASE64 in
# static/src/tours/billing_pay_with_proof_tour.js): a 1x1 PNG.
PROOF_NAME = "receipt.png"
PROOF = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
INVOICES_URL = "/odoo/action-account.action_move_out_invoice_type/%d"
PAYMENTS_URL = "/odoo/action-account.action_account_payments/%d"


@tagged("post_install", "-at_install")
class TestBrowserTours(BillingCommon, HttpCase):
    def run_tour(self, url_path, tour_name):
        """Run ``tour_name`` as the billing clerk; fail (never skip) without
        a browser."""
        run_in_browser(
            self,
            f"tour {tour_name}",
            self.start_tour,
            url_path,
            tour_name,
            login=self.billing_user.login,
        )
        self.env.invalidate_all()

    def receivable_lines(self, move):
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    def assert_reconciled(self, invoice, payment):
        """The invoice's receivable is fully matched by the payment's."""
        invoice_lines = self.receivable_lines(invoice)
        payment_lines = self.receivable_lines(payment.move_id)
        self.assertTrue(invoice_lines)
        self.assertTrue(all(invoice_lines.mapped("reconciled")))
        self.assertTrue(all(payment_lines.mapped("reconciled")))
        self.assertEqual(invoice_lines.matched_credit_ids.credit_move_id, payment_lines)
        self.assertEqual(invoice.amount_residual, 0.0)
        # Paid, not In Payment: the test journal's payments are matched.
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(payment._billing_linked_invoices(), invoice)

    def test_pay_an_invoice_with_a_proof_in_the_pay_wizard(self):
        invoice = self.create_invoice(lines=[(self.offering, 2, 60.0)])
        self.assertEqual(invoice.payment_state, "not_paid")

        self.run_tour(INVOICES_URL % invoice.id, "billing_payments_pay_with_proof")

        payment = invoice.matched_payment_ids
        self.assertEqual(len(payment), 1)
        self.assertEqual(payment.move_id.state, "posted")
        self.assertEqual(payment.amount, invoice.amount_total)
        self.assertEqual(payment.journal_id, self.profile.journal_id)
        self.assertEqual(payment.payment_profile_id, self.profile)
        self.assertEqual(payment._billing_proof_content(), PROOF)
        self.assertEqual(payment.proof_filename, PROOF_NAME)
        self.assertEqual(payment.proof_mimetype, "image/png")
        self.assert_reconciled(invoice, payment)
        # The proof is in the payment's chatter too.
        note = payment.message_ids.filtered("attachment_ids")[:1]
        self.assertEqual(note.attachment_ids.raw, PROOF)

    def test_link_a_payment_to_an_invoice_from_the_payment_form(self):
        decoy = self.create_invoice(lines=[(self.offering, 1, 30.0)])
        invoice = self.create_invoice(
            lines=[(self.offering, 1, 80.0)], ref="TOUR-LINK-ME"
        )
        payment = self.env["account.payment"]._billing_create_payment(
            self.profile, datetime.date.today(), invoice.amount_total
        )
        self.assertEqual(payment.state, "in_process")
        self.assertFalse(payment.invoice_ids)

        self.run_tour(PAYMENTS_URL % payment.id, "billing_payments_link_to_invoice")

        self.assertEqual(payment.invoice_ids, invoice)
        self.assert_reconciled(invoice, payment)
        self.assertEqual(decoy.payment_state, "not_paid")
        self.assertFalse(decoy.matched_payment_ids)
        note = f"linked to invoice {invoice.display_name}"
        for record in (payment, invoice):
            self.assertTrue(
                any(note in message.body for message in record.message_ids), note
            )
