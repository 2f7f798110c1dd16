# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The payment operations the billing APIs are built on, checked in the books.

After every operation: the invoice's payment state and residual, the
payment's state, the reconciliation rows, and balanced journal entries.
"""

import datetime

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..exceptions import BillingConflictError
from .common import BillingCommon

PDF = b"%PDF-1.4\n%%EOF\n"


@tagged("post_install", "-at_install")
class TestPaymentAccounting(BillingCommon):
    def setUp(self):
        super().setUp()
        self.env = self.env(user=self.billing_user)
        self.profile = self.profile.with_env(self.env)
        self.payments = self.env["account.payment"]
        self.invoice = self.create_invoice(lines=[(self.offering, 1, 100.0)]).with_env(
            self.env
        )
        self.total = self.invoice.amount_total  # 100 plus the product's sales tax

    def assert_books(self, invoice, payment_state, residual):
        self.assertEqual(invoice.payment_state, payment_state)
        self.assertAlmostEqual(invoice.amount_residual, residual)
        for move in invoice | self.payments.search([]).move_id:
            lines = move.line_ids
            self.assertAlmostEqual(
                sum(lines.mapped("debit")), sum(lines.mapped("credit")), msg=move.name
            )

    def partials(self, payment, invoice):
        lines = payment.move_id.line_ids
        partials = lines.matched_debit_ids | lines.matched_credit_ids
        return partials.filtered(
            lambda p: (
                p.debit_move_id.move_id == invoice
                or p.credit_move_id.move_id == invoice
            )
        )

    def test_create_posts_a_positive_payment_and_keeps_zero_in_draft(self):
        payment = self.payments._billing_create_payment(
            self.profile, datetime.date(2026, 4, 1), 60.0, proof=("r.pdf", PDF)
        )
        self.assertEqual(payment.state, "in_process")
        self.assertEqual(payment.move_id.state, "posted")
        self.assertEqual(payment.partner_id, self.customer)
        self.assertEqual(payment.journal_id, self.bank_journal)
        self.assertEqual(payment.payment_profile_id, self.profile)
        self.assertEqual(payment._billing_proof_content(), PDF)
        # The proof is also in the payment's chatter.
        message = payment.message_ids.filtered("attachment_ids")[:1]
        self.assertEqual(message.attachment_ids.name, "r.pdf")
        self.assertEqual(message.attachment_ids.raw, PDF)
        zero = self.payments._billing_create_payment(
            self.profile, datetime.date(2026, 4, 1), 0.0
        )
        self.assertEqual(zero.state, "draft")
        self.assertFalse(zero.move_id.state == "posted")

    def test_link_update_unlink_delete_scenario(self):
        payment = self.payments._billing_create_payment(
            self.profile, datetime.date(2026, 4, 1), self.total
        )
        payment._billing_link_invoice(self.invoice)
        self.assert_books(self.invoice, "paid", 0.0)
        self.assertEqual(payment.state, "paid")
        self.assertEqual(self.invoice.billing_state, "paid")
        self.assertIn(payment, self.invoice.matched_payment_ids)
        self.assertEqual(len(self.partials(payment, self.invoice)), 1)

        payment._billing_update(amount=30.0, payment_date=datetime.date(2026, 4, 2))
        self.assertEqual(payment.amount, 30.0)
        self.assertEqual(payment.move_id.date, datetime.date(2026, 4, 2))
        self.assertEqual(payment.move_id.state, "posted")
        self.assert_books(self.invoice, "partial", self.total - 30.0)
        self.assertEqual(self.invoice.billing_state, "created")
        self.assertEqual(len(self.partials(payment, self.invoice)), 1)

        payment._billing_unlink_invoice()
        self.assert_books(self.invoice, "not_paid", self.total)
        self.assertNotIn(payment, self.invoice.matched_payment_ids)
        self.assertFalse(self.partials(payment, self.invoice))
        self.assertEqual(payment.state, "in_process")

        payment._billing_delete()
        self.assertFalse(payment.exists())  # the last number of its journal
        self.assertFalse(self.invoice.matched_payment_ids)
        self.assert_books(self.invoice, "not_paid", self.total)

    def test_unlink_keeps_other_payments_reconciled(self):
        first = self.payments._billing_create_payment(
            self.profile, datetime.date(2026, 4, 1), 40.0
        )
        second = self.payments._billing_create_payment(
            self.profile, datetime.date(2026, 4, 1), self.total - 40.0
        )
        first._billing_link_invoice(self.invoice)
        second._billing_link_invoice(self.invoice)
        self.assert_books(self.invoice, "paid", 0.0)
        first._billing_unlink_invoice()
        self.assert_books(self.invoice, "partial", 40.0)
        self.assertEqual(len(self.partials(second, self.invoice)), 1)
        self.assertEqual(self.invoice.matched_payment_ids, second)

    def test_overpayment_leaves_customer_credit(self):
        payment = self.payments._billing_create_payment(
            self.profile, datetime.date(2026, 4, 1), self.total + 50.0
        )
        payment._billing_link_invoice(self.invoice)
        self.assert_books(self.invoice, "paid", 0.0)
        open_credit = payment.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertAlmostEqual(open_credit.amount_residual, -50.0)

    def test_zero_payment_posts_and_reconciles_when_it_gets_an_amount(self):
        payment = self.payments._billing_create_payment(
            self.profile, datetime.date(2026, 4, 1), 0.0
        )
        payment._billing_link_invoice(self.invoice)
        self.assert_books(self.invoice, "not_paid", self.total)
        payment._billing_update(amount=self.total)
        self.assertEqual(payment.move_id.state, "posted")
        self.assert_books(self.invoice, "paid", 0.0)

    def test_link_refusals(self):
        payment = self.payments._billing_create_payment(
            self.profile, datetime.date(2026, 4, 1), 10.0
        )
        other = self.create_invoice(partner=self.other_customer).with_env(self.env)
        with self.assertRaisesRegex(UserError, "does not belong to the selected"):
            payment._billing_link_invoice(other)
        payment._billing_link_invoice(self.invoice)
        with self.assertRaisesRegex(UserError, "Link to an invoice exists."):
            payment._billing_link_invoice(self.invoice)
        payment._billing_unlink_invoice()
        with self.assertRaisesRegex(UserError, "Link to an invoice does not exist."):
            payment._billing_unlink_invoice()

    def test_locked_period_is_a_conflict(self):
        payment = self.payments._billing_create_payment(
            self.profile, datetime.date(2026, 1, 10), 10.0
        )
        self.company.sudo().fiscalyear_lock_date = datetime.date(2026, 1, 31)
        with self.assertRaises(BillingConflictError):
            payment._billing_update(amount=20.0)
        with self.assertRaises(BillingConflictError):
            payment._billing_delete()
        with self.assertRaises(BillingConflictError):
            self.payments._billing_create_payment(
                self.profile, datetime.date(2026, 1, 15), 5.0
            )
        self.assertEqual(payment.amount, 10.0)
        self.assertEqual(payment.move_id.state, "posted")

    def test_profile_change_moves_the_payment_to_the_new_journal(self):
        second_bank = self.bank_journal.sudo().copy({"name": "Bank 2", "code": "BNK2"})
        second_bank.inbound_payment_method_line_ids.payment_account_id = (
            self.bank_journal.inbound_payment_method_line_ids[:1].payment_account_id
        )
        payment = self.payments._billing_create_payment(
            self.profile, datetime.date(2026, 4, 1), self.total
        )
        payment._billing_link_invoice(self.invoice)
        # The customer moves to a new profile; a payment may only take an
        # active one (Waldur's PUT/PATCH resolve active profiles only).
        other_profile = self.env["billing.payment.profile"].create(
            {
                "name": "Second bank",
                "partner_id": self.customer.id,
                "journal_id": second_bank.id,
            }
        )
        self.assertFalse(self.profile.is_active)
        payment._billing_update(profile=other_profile)
        self.assertEqual(payment.journal_id, second_bank)
        self.assertEqual(payment.move_id.journal_id, second_bank)
        self.assertEqual(payment.move_id.state, "posted")
        self.assert_books(self.invoice, "paid", 0.0)

    def test_delete_cancels_where_odoo_forbids_a_numbering_gap(self):
        first, second = (
            self.payments._billing_create_payment(
                self.profile, datetime.date(2026, 4, 1), amount
            )
            for amount in (self.total, 5.0)
        )
        first._billing_link_invoice(self.invoice)
        first._billing_delete()  # not the last number of its journal
        self.assertTrue(first.exists())
        self.assertEqual(first.state, "canceled")
        self.assertEqual(first.move_id.state, "cancel")
        self.assertNotIn(first, self.invoice.matched_payment_ids)
        self.assert_books(self.invoice, "not_paid", self.total)
        second._billing_delete()
        self.assertFalse(second.exists())

    def test_deletable_follows_odoo_own_deletion_rules(self):
        first, second = (
            self.payments._billing_create_payment(
                self.profile, datetime.date(2026, 4, 1), amount
            )
            for amount in (10.0, 5.0)
        )
        # A billing user may not leave a gap in the journal's numbering...
        self.assertFalse(first._billing_entry_deletable())
        self.assertTrue(second._billing_entry_deletable())
        # ...an accounting manager may (Odoo only warns them).
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("account.group_account_manager"))
        self.assertTrue(first.with_user(admin)._billing_entry_deletable())
        # With the audit trail on, no posted entry may be deleted: cancelled.
        self.env.company.sudo().check_account_audit_trail = True
        self.assertFalse(second._billing_entry_deletable())
        second._billing_delete()
        self.assertTrue(second.exists())
        self.assertEqual(second.state, "canceled")

    def test_linked_payment_cannot_move_to_another_customer(self):
        stranger = self.env["billing.payment.profile"].create(
            {"name": "Other customer", "partner_id": self.other_customer.id}
        )
        payment = self.payments._billing_create_payment(
            self.profile, datetime.date(2026, 4, 1), 30.0
        )
        payment._billing_link_invoice(self.invoice)
        with self.assertRaisesRegex(UserError, "unlink it from the invoice first"):
            payment._billing_update(profile=stranger)
        self.assertEqual(payment.partner_id, self.customer)
        self.assert_books(self.invoice, "partial", self.total - 30.0)
        payment._billing_unlink_invoice()
        payment._billing_update(profile=stranger)
        self.assertEqual(payment.partner_id, self.other_customer)
        self.assertEqual(payment.move_id.state, "posted")
