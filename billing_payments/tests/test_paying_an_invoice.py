# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One way to pay an invoice: ``account.move._billing_pay``, whichever door.

Waldur's ``paid``, Space Invoices' ``POST /v1/documents/:id/payments`` and the
web client all call it, so the books and the refusals are the same.
"""

import datetime

from odoo.tests import tagged

from ..exceptions import BillingConflictError, ProofRejected
from .common import SpaceInvoicesCommon

PDF = b"%PDF-1.4\n%%EOF\n"
LOCKED_DAY = datetime.date(2026, 3, 4)


@tagged("post_install", "-at_install")
class TestPayingAnInvoice(SpaceInvoicesCommon):
    def setUp(self):
        super().setUp()
        self.invoice_as_user = self.invoice.with_user(self.billing_user)

    def payment_count(self):
        return self.env["account.payment"].search_count([])

    def test_defaults_pay_the_residual_on_the_active_profile(self):
        payment = self.invoice_as_user._billing_pay(proof=("receipt.pdf", PDF))
        self.assertEqual(payment.amount, 1000.0)
        self.assertEqual(payment.move_id.state, "posted")
        self.assertEqual(payment.payment_profile_id, self.profile)
        self.assertEqual(payment.journal_id, self.profile.journal_id)
        self.assertEqual(payment.date, datetime.date.today())
        self.assertIn(self.invoice.payment_state, ("in_payment", "paid"))
        self.assertEqual(self.invoice.billing_state, "paid")
        self.assertEqual(self.invoice.amount_residual, 0.0)
        self.assertIn(payment, self.invoice.matched_payment_ids)
        self.assertEqual(payment._billing_proof_content(), PDF)
        # Both chatters tell it, the proof attached to both notes.
        for record in (self.invoice, payment):
            note = record.message_ids.filtered("attachment_ids")[:1]
            self.assertEqual(note.attachment_ids.name, "receipt.pdf", record)
            self.assertEqual(note.attachment_ids.raw, PDF, record)
        self.assertIn(payment.name, self.invoice.message_ids[0].body)

    def test_channel_picks_its_journal_and_partial_amounts_stay_open(self):
        payment = self.invoice_as_user._billing_pay(
            amount=400.0, channel="cash", memo="Till 3"
        )
        self.assertEqual(payment.journal_id.type, "cash")
        self.assertEqual(payment.payment_channel, "cash")
        self.assertEqual(payment.memo, "Till 3")
        self.assertEqual(self.invoice.payment_state, "partial")
        self.assertEqual(self.invoice.amount_residual, 600.0)

    def test_a_refused_proof_writes_nothing(self):
        before = self.payment_count()
        with self.assertRaises(ProofRejected):
            self.invoice_as_user._billing_pay(proof=("proof.html", b"<html></html>"))
        self.assertEqual(self.payment_count(), before)
        self.assertEqual(self.invoice.payment_state, "not_paid")

    def test_a_locked_period_is_refused_alike_through_every_door(self):
        self.company.sudo().fiscalyear_lock_date = datetime.date(2026, 3, 31)
        before = self.payment_count()
        with self.assertRaises(BillingConflictError) as caught:
            self.invoice_as_user._billing_pay(payment_date=LOCKED_DAY)
        message = caught.exception.args[0]
        self.assertIn("locked", message)

        waldur_paid = self.api(
            "POST",
            f"/api/invoices/{self.invoice.uuid}/paid/",
            json={"date": LOCKED_DAY.isoformat()},
        )
        self.assert_json(waldur_paid, 409, {"detail": message})
        waldur_payment = self.api(
            "POST",
            "/api/payments/",
            json={
                "profile": f"{self.base_url()}/api/payment-profiles/"
                f"{self.profile.uuid}/",
                "date_of_payment": LOCKED_DAY.isoformat(),
                "sum": "10.00",
            },
        )
        self.assert_json(waldur_payment, 409, {"detail": message})
        self.assert_error(
            self.si(
                "POST",
                self.document_path(),
                json={"type": "bank", "date": LOCKED_DAY.isoformat(), "amount": 5},
            ),
            422,
            "ValidationError",
            message,
        )
        self.assertEqual(self.payment_count(), before)
        self.assertFalse(self.invoice.matched_payment_ids)
