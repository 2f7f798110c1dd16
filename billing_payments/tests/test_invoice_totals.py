# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Growth's kept totals (``invoice_totals``, issue 13).

Growth sums rows of deltas that a trigger appends in the invoices' own
transactions: the figures must equal those summed from the invoices
themselves (the path any other record rule takes) after every kind of
change, and the kept path must be the one a billing user's growth takes.
"""

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import SQL

from .. import invoice_totals
from .common import GrowthInvoicesCommon

KEPT = SQL.identifier(invoice_totals.TABLE)


@tagged("post_install", "-at_install")
class TestInvoiceTotals(GrowthInvoicesCommon):
    def moves(self, user=None):
        return self.env["account.move"].with_user(user or self.billing_user)

    def figures(self, moves, customers_count=2, untaxed=False):
        """Growth as the API renders it: partners by id, amounts as floats."""
        growth = moves._billing_growth(customers_count, untaxed)
        return {
            "total": [float(value) for value in growth["total"]],
            "other": [float(value) for value in growth["other"]],
            "customers": [
                (partner.id, [float(value) for value in series])
                for partner, series in growth["customers"]
            ],
        }

    def scanned_figures(self, moves, customers_count=2, untaxed=False):
        """Growth summed from the invoices: the kept totals left aside by a
        global rule that lets every invoice through (the rules are then not
        the multi-company rule alone)."""
        with self.env.cr.savepoint(flush=False) as savepoint:
            self.env["ir.rule"].create(
                {
                    "name": "Every invoice (test)",
                    "model_id": self.env.ref("account.model_account_move").id,
                    "domain_force": "[('id', '!=', 0)]",
                }
            )
            self.assertIs(moves._billing_rule_companies(), False)
            figures = self.figures(moves, customers_count, untaxed)
            savepoint.rollback()
        self.env.registry.clear_cache()
        return figures

    def assert_growth_matches(self, user=None):
        moves = self.moves(user)
        moves.env.flush_all()
        self.assertIsNot(moves._billing_rule_companies(), False)
        for customers_count, untaxed in [(2, False), (4, True), (0, False)]:
            with self.subTest(customers_count=customers_count, untaxed=untaxed):
                self.assertEqual(
                    self.figures(moves, customers_count, untaxed),
                    self.scanned_figures(moves, customers_count, untaxed),
                )

    def kept_rows(self):
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT count(*) FROM %s", KEPT))
        return self.env.cr.fetchone()[0]

    def test_growth_comes_from_the_kept_rows(self):
        """For a billing user growth sums the table: emptying it (in a
        savepoint) empties growth, while the invoices' own sums do not."""
        moves = self.moves()
        self.assertEqual(moves._billing_rule_companies(), self.company.ids)
        before = self.figures(moves)
        self.assertEqual(before["total"][12], 1560.0)
        with self.env.cr.savepoint(flush=False) as savepoint:
            self.env.cr.execute(SQL("DELETE FROM %s", KEPT))
            self.assertEqual(self.figures(moves)["total"], [0.0] * 13)
            self.assertEqual(self.figures(moves)["customers"], [])
            savepoint.rollback()
        self.assertEqual(self.scanned_figures(moves), before)
        self.assertEqual(self.figures(moves), before)

    def test_every_change_of_an_invoice(self):
        self.assert_growth_matches()
        draft = self.growth_invoice(self.small, 3, 4000.0, post=False)
        self.assert_growth_matches()
        # A new line on a draft changes its amounts.
        draft.write(
            {
                "invoice_line_ids": [
                    Command.create({"product_id": self.storage.id, "price_unit": 50})
                ]
            }
        )
        self.assert_growth_matches()
        draft.action_post()
        self.register_payment(draft)
        self.assertEqual(draft.billing_state, "paid")
        self.assert_growth_matches()
        # Another customer, another billing period.
        posted = self.growth_invoice(self.big, 5, 10.0)
        posted.button_draft()
        posted.write(
            {
                "partner_id": self.middle.id,
                "invoice_date": self.this_month - relativedelta(months=7),
            }
        )
        self.assert_growth_matches()
        posted.button_cancel()
        self.assertEqual(posted.billing_state, "canceled")
        self.assert_growth_matches()
        posted.button_draft()
        posted.unlink()
        self.assert_growth_matches()
        # A customer invoice turned into a credit note leaves the totals.
        switched = self.growth_invoice(self.middle, 1, 700.0, post=False)
        self.assert_growth_matches()
        switched.action_switch_move_type()
        self.assertEqual(switched.move_type, "out_refund")
        self.assert_growth_matches()

    def test_a_child_contact_counts_for_its_company(self):
        """Totals are kept per commercial partner, as growth ranks."""
        contact = self.env["res.partner"].create(
            {"name": "Zeta's accounts", "parent_id": self.big.id}
        )
        self.growth_invoice(contact, 0, 100.0)
        self.assert_growth_matches()
        customers = dict(self.figures(self.moves())["customers"])
        self.assertNotIn(contact.id, customers)
        self.assertEqual(customers[self.big.id][12], 1320.0)

    def test_companies_count_apart(self):
        self.env["account.move"].with_company(self.other_company).create(
            {
                "move_type": "out_invoice",
                "company_id": self.other_company.id,
                "partner_id": self.big.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    Command.create({"name": "Elsewhere", "price_unit": 99.0})
                ],
            }
        ).action_post()
        self.assert_growth_matches()
        self.assertEqual(self.figures(self.moves())["total"][12], 1560.0)
        both = self.env["account.move"].with_context(
            allowed_company_ids=[self.company.id, self.other_company.id]
        )
        self.assertCountEqual(
            both._billing_rule_companies(), [self.company.id, self.other_company.id]
        )
        self.assertEqual(self.figures(both)["total"][12], 1560.0 + 99.0)
        self.assertEqual(self.figures(both), self.scanned_figures(both))

    def test_folding_keeps_the_sums(self):
        for months_ago in range(3):
            self.register_payment(self.growth_invoice(self.small, months_ago, 10.0))
        self.growth_invoice(self.big, 0, 1.0, post=False).unlink()
        rows = self.kept_rows()
        self.env["account.move"]._billing_compact_invoice_counts()
        self.assertLess(self.kept_rows(), rows)
        self.env.cr.execute(
            SQL(
                "SELECT company_id, partner_id, period_start, count(*) FROM %s "
                "GROUP BY 1, 2, 3 HAVING count(*) > 1",
                KEPT,
            )
        )
        self.assertEqual(self.env.cr.fetchall(), [], "one row per group")
        self.assert_growth_matches()

    def test_install_totals_again_and_uninstall_drops(self):
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL("UPDATE %s SET amount_total = amount_total + 5", KEPT))
        invoice_totals.install(cr)
        self.assert_growth_matches()
        with cr.savepoint(flush=False) as savepoint:
            invoice_totals.uninstall(cr)
            cr.execute(
                "SELECT to_regclass(%s), "
                "(SELECT count(*) FROM pg_trigger WHERE tgname = %s), "
                "(SELECT count(*) FROM pg_proc WHERE proname = %s)",
                [invoice_totals.TABLE, invoice_totals.TRIGGER, invoice_totals.FUNCTION],
            )
            self.assertEqual(cr.fetchone(), (None, 0, 0))
            savepoint.rollback()
        self.assert_growth_matches()

    def test_rows_are_per_customer_and_month_not_per_invoice(self):
        """Ten more invoices of a customer in a month it already has add no
        row once folded: growth reads at most a row per customer and month."""
        compact = self.env["account.move"]._billing_compact_invoice_counts
        compact()
        rows = self.kept_rows()
        for _index in range(10):
            self.growth_invoice(self.big, 0, 1.0)
        compact()
        self.assertEqual(self.kept_rows(), rows)
        self.assert_growth_matches()
        self.assertEqual(self.figures(self.moves())["total"][12], 1560.0 + 12.0)
