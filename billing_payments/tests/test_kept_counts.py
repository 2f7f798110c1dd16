# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The lists' kept counts (``kept_counts``, issue 13).

The invoice and payment lists' ``X-Result-Count`` is a sum of +1/-1 rows
that a trigger appends in the rows' own transactions: it must equal Odoo's
``search_count`` after every kind of change, for every user whose rules
allow it, and fall back to ``search_count`` for any other domain or rule.
"""

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from .. import kept_counts
from ..dialects.waldur import payments as waldur_payments
from ..dialects.waldur.invoices import base_domain
from ..models.account_move import _kept_count_states
from ..models.account_payment import KEPT_COUNT_DOMAIN
from .common import BillingCommon

KEPT_INVOICES = kept_counts.INVOICES
KEPT = SQL.identifier(KEPT_INVOICES.table)
PAID = [("billing_state", "in", ["paid"])]
OPEN = [("billing_state", "in", ["pending", "created"])]


@tagged("post_install", "-at_install")
class TestInvoiceCounts(BillingCommon):
    def moves(self, user=None):
        return self.env["account.move"].with_user(user or self.billing_user)

    def assert_counts_match(self, user=None):
        """Kept and ORM counts agree: all invoices, and per state."""
        moves = self.moves(user)
        moves.env.flush_all()
        for extra in ([], PAID, OPEN):
            domain = base_domain() + extra
            with self.subTest(domain=domain):
                self.assertEqual(
                    moves._billing_search_count(domain), moves.search_count(domain)
                )

    def kept_rows(self):
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT count(*) FROM %s", KEPT))
        return self.env.cr.fetchone()[0]

    def test_the_count_comes_from_the_kept_rows(self):
        """For a billing user the count is the table's sum: emptying the
        table (in a savepoint) empties the count, while Odoo's does not."""
        self.create_invoice()
        moves = self.moves()
        self.assertEqual(_kept_count_states(base_domain()), None)
        self.assertEqual(moves._billing_rule_companies(), self.company.ids)
        before = moves._billing_search_count(base_domain())
        self.assertGreaterEqual(before, 1)
        with self.env.cr.savepoint(flush=False) as savepoint:
            self.env.cr.execute(SQL("DELETE FROM %s", KEPT))
            self.assertEqual(moves._billing_search_count(base_domain()), 0)
            self.assertEqual(moves.search_count(base_domain()), before)
            savepoint.rollback()
        self.assertEqual(moves._billing_search_count(base_domain()), before)

    def test_every_change_of_an_invoice(self):
        self.assert_counts_match()
        draft = self.create_invoice(post=False)
        self.assert_counts_match()
        posted = self.create_invoice()
        self.assert_counts_match()
        self.register_payment(posted)
        self.assertEqual(posted.billing_state, "paid")
        self.assert_counts_match()
        draft.action_post()
        draft.button_draft()
        draft.button_cancel()
        self.assertEqual(draft.billing_state, "canceled")
        self.assert_counts_match()
        draft.button_draft()
        draft.unlink()
        self.assert_counts_match()
        # A credit note and a vendor bill are not customer invoices.
        refund = self.create_invoice(move_type="out_refund", post=False)
        self.create_invoice(move_type="in_invoice")
        self.assert_counts_match()
        # A customer invoice turned into a credit note leaves the count.
        other = self.create_invoice(post=False)
        self.assert_counts_match()
        other.action_switch_move_type()
        self.assertEqual(other.move_type, "out_refund")
        self.assert_counts_match()
        refund.action_switch_move_type()
        self.assertEqual(refund.move_type, "out_invoice")
        self.assert_counts_match()

    def test_companies_count_apart(self):
        """An invoice of another company counts for its users only."""
        self.create_invoice()
        before = self.moves()._billing_search_count(base_domain())
        self.env["account.move"].with_company(self.other_company).create(
            {
                "move_type": "out_invoice",
                "company_id": self.other_company.id,
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    Command.create({"name": "Elsewhere", "price_unit": 10.0})
                ],
            }
        )
        self.assertEqual(self.moves()._billing_search_count(base_domain()), before)
        self.assert_counts_match()
        both = self.env["account.move"].with_context(
            allowed_company_ids=[self.company.id, self.other_company.id]
        )
        both.env.flush_all()
        self.assertEqual(
            both._billing_search_count(base_domain()), both.search_count(base_domain())
        )
        self.assertEqual(both._billing_search_count(base_domain()), before + 1)

    def test_another_rule_or_domain_is_counted_by_odoo(self):
        """A record rule beyond the multi-company one (here a global rule:
        one customer's invoices only; group rules are OR-ed with the
        invoicing groups' own "all entries") and any other filter are left
        to search_count."""
        self.create_invoice()
        self.create_invoice(partner=self.other_customer)
        self.env["ir.rule"].create(
            {
                "name": "One customer only",
                "model_id": self.env.ref("account.model_account_move").id,
                "domain_force": f"[('partner_id', '=', {self.customer.id})]",
            }
        )
        moves = self.moves()
        self.assertIs(moves._billing_rule_companies(), False)
        self.assertEqual(
            moves._billing_search_count(base_domain()),
            moves.search_count(base_domain()),
        )
        # The superuser has no rule: every company's invoices, kept count.
        everything = self.env["account.move"].sudo()
        self.assertIsNone(everything._billing_rule_companies())
        self.assertEqual(
            everything._billing_search_count(base_domain()),
            everything.search_count(base_domain()),
        )
        self.assertLess(
            moves.search_count(base_domain()), everything.search_count(base_domain())
        )
        by_customer = [*base_domain(), ("partner_id", "=", self.customer.id)]
        self.assertIs(_kept_count_states(by_customer), False)
        self.assertIs(_kept_count_states([("move_type", "=", "entry")]), False)
        self.assertEqual(_kept_count_states(base_domain() + PAID), ["paid"])

    def test_folding_keeps_the_sums(self):
        for _index in range(3):
            self.register_payment(self.create_invoice())
        self.create_invoice(post=False).unlink()
        rows = self.kept_rows()
        self.env["account.move"]._billing_compact_invoice_counts()
        self.assertLess(self.kept_rows(), rows)
        self.env.cr.execute(
            SQL(
                "SELECT company_id, billing_state, count(*) FROM %s "
                "GROUP BY 1, 2 HAVING count(*) > 1",
                KEPT,
            )
        )
        self.assertEqual(self.env.cr.fetchall(), [], "one row per group")
        self.assert_counts_match()
        self.assert_counts_match(self.env.user)

    def test_install_recounts_and_uninstall_drops(self):
        self.create_invoice()
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL("UPDATE %s SET delta = delta + 5", KEPT))
        KEPT_INVOICES.install(cr)
        self.assert_counts_match()
        with cr.savepoint(flush=False) as savepoint:
            KEPT_INVOICES.uninstall(cr)
            cr.execute(
                "SELECT to_regclass(%s), "
                "(SELECT count(*) FROM pg_trigger WHERE tgname = %s), "
                "(SELECT count(*) FROM pg_proc WHERE proname = %s)",
                [KEPT_INVOICES.table, KEPT_INVOICES.trigger, KEPT_INVOICES.function],
            )
            self.assertEqual(cr.fetchone(), (None, 0, 0))
            savepoint.rollback()
        self.assert_counts_match()


@tagged("post_install", "-at_install")
class TestPaymentCounts(BillingCommon):
    """Waldur's payment list: payments of a payment profile, not cancelled."""

    def payments(self, user=None):
        return self.env["account.payment"].with_user(user or self.billing_user)

    def assert_counts_match(self, user=None):
        payments = self.payments(user)
        payments.env.flush_all()
        self.assertEqual(
            payments._billing_search_count(KEPT_COUNT_DOMAIN),
            payments.search_count(KEPT_COUNT_DOMAIN),
        )

    def test_the_list_domain_is_the_kept_one(self):
        self.assertEqual(waldur_payments.base_domain(), KEPT_COUNT_DOMAIN)

    def test_the_count_comes_from_the_kept_rows(self):
        self.create_payment(10.0).action_post()
        payments = self.payments()
        before = payments._billing_search_count(KEPT_COUNT_DOMAIN)
        self.assertGreaterEqual(before, 1)
        table = SQL.identifier(kept_counts.PAYMENTS.table)
        with self.env.cr.savepoint(flush=False) as savepoint:
            self.env.cr.execute(SQL("DELETE FROM %s", table))
            self.assertEqual(payments._billing_search_count(KEPT_COUNT_DOMAIN), 0)
            self.assertEqual(payments.search_count(KEPT_COUNT_DOMAIN), before)
            savepoint.rollback()
        # A filtered list is counted by Odoo.
        filtered = [*KEPT_COUNT_DOMAIN, ("amount", ">", 5)]
        self.assertEqual(
            payments._billing_search_count(filtered), payments.search_count(filtered)
        )

    def test_every_change_of_a_payment(self):
        self.assert_counts_match()
        draft = self.create_payment(10.0)
        self.assert_counts_match()
        posted = self.create_payment(20.0)
        posted.action_post()
        self.assert_counts_match()
        posted._billing_cancel()
        self.assertEqual(posted.state, "canceled")
        self.assert_counts_match()
        draft.payment_profile_id = False
        self.assert_counts_match()
        draft.unlink()
        self.assert_counts_match()
        # A payment registered on an invoice has no profile: not listed.
        self.register_payment(self.create_invoice())
        self.assert_counts_match()
        self.assert_counts_match(self.env.user)
        self.env["account.move"]._billing_compact_invoice_counts()
        self.assert_counts_match()
        self.assert_counts_match(self.env.user)

    def test_install_recounts_and_uninstall_drops(self):
        self.create_payment(10.0)
        self.env.flush_all()
        cr = self.env.cr
        kept = kept_counts.PAYMENTS
        cr.execute(SQL("UPDATE %s SET delta = delta + 3", SQL.identifier(kept.table)))
        kept.install(cr)
        self.assert_counts_match()
        with cr.savepoint(flush=False) as savepoint:
            kept.uninstall(cr)
            cr.execute(
                "SELECT to_regclass(%s), "
                "(SELECT count(*) FROM pg_trigger WHERE tgname = %s), "
                "(SELECT count(*) FROM pg_proc WHERE proname = %s)",
                [kept.table, kept.trigger, kept.function],
            )
            self.assertEqual(cr.fetchone(), (None, 0, 0))
            savepoint.rollback()
        self.assert_counts_match()
