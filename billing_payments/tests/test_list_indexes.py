# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The indexes of the Waldur invoice list and growth (issue 13).

The list's page query must be an index scan in the list's own order, and its
exact count an index-only scan, whatever the number of invoices. Timing is
not asserted: the index definitions are, with the ORM's SQL they must match,
and the plans PostgreSQL picks when sequential scans are ruled out (the test
tables are too small for the planner to prefer an index on its own).
"""

import re

from odoo.tests import tagged
from odoo.tools import SQL

from ..dialects.spaceinvoices import payments as si_payments
from ..dialects.waldur import payments as waldur_payments
from ..dialects.waldur.invoices import DEFAULT_ORDER, base_domain
from ..models.account_move import (
    BILLED_STATES,
    BILLING_CUSTOMER_LIST_INDEX,
    BILLING_GROWTH_INDEX,
    BILLING_LIST_INDEX,
)
from ..models.account_payment import (
    BILLING_PAYMENT_DATE_INDEX,
    BILLING_PAYMENT_LIST_INDEX,
)
from .common import BillingCommon

LIST_COLUMNS = (
    "billing_year DESC, billing_month DESC, id DESC, company_id, billing_state"
)
LIST_INDEXES = f"({BILLING_LIST_INDEX}|{BILLING_CUSTOMER_LIST_INDEX})"


@tagged("post_install", "-at_install")
class TestListIndexes(BillingCommon):
    def index_definition(self, name):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name]
        )
        row = self.env.cr.fetchone()
        self.assertTrue(row, f"index {name} is missing")
        return row[0]

    def plan(self, query):
        """The plan of ``query`` (SQL), sequential scans and sorts ruled out
        (on a table this small the planner would rather sort a few rows)."""
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute("SET LOCAL enable_sort = off")
        self.env.cr.execute(SQL("EXPLAIN %s", query))
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.env.cr.execute("RESET enable_seqscan")
        self.env.cr.execute("RESET enable_sort")
        return plan

    def list_query(self, **page):
        """The ORM's Query of the list, as its user sends it (a page with
        ``order``/``limit``; without, what ``search_count`` counts)."""
        moves = self.env["account.move"].with_user(self.billing_user)
        return moves._search(base_domain(), **page)

    def test_list_index_matches_the_list_order_and_domain(self):
        for name, columns in [
            (BILLING_LIST_INDEX, f"({LIST_COLUMNS})"),
            (BILLING_CUSTOMER_LIST_INDEX, f"(commercial_partner_id, {LIST_COLUMNS})"),
        ]:
            definition = self.index_definition(name)
            self.assertIn(columns, definition)
            self.assertIn("WHERE ((move_type)::text = 'out_invoice'::text)", definition)
        page = self.list_query(order=DEFAULT_ORDER, limit=100)
        # The ORM writes "DESC , " (an empty NULLS clause): normalise spaces.
        sql = " ".join(self.env.cr.mogrify(page.select()).decode().split())
        sql = sql.replace(" ,", ",")
        self.assertIn(
            'ORDER BY "account_move"."billing_year" DESC, '
            '"account_move"."billing_month" DESC, "account_move"."id" DESC',
            sql,
        )
        self.assertIn('"account_move"."move_type" = \'out_invoice\'', sql)
        # The multi-company rule: company_id is in the index for it.
        self.assertIn('"account_move"."company_id" IN', sql)

    def test_list_page_and_count_use_the_index(self):
        page = self.list_query(order=DEFAULT_ORDER, limit=100)
        plan = self.plan(page.select())
        self.assertIn(f"Index Only Scan using {BILLING_LIST_INDEX}", plan)
        self.assertNotIn("Sort", plan)  # the index gives the order
        # The exact count reads an index, never the table. Which index is
        # the planner's choice: on these few rows the test company's own
        # company_id index can win, while over 50,000 invoices the list
        # index's index-only scan does (bench/RESULTS.md, EXPLAIN ANALYZE).
        # What holds on any data: every column the count's WHERE reads is
        # in the list index, whose predicate is the domain's move_type, so
        # that index alone can answer it.
        count_query = self.list_query()
        count = self.plan(count_query.select("COUNT(*)"))
        self.assertNotIn("Seq Scan", count)
        self.assertIn("Index", count)
        where = self.env.cr.mogrify(count_query.where_clause).decode()
        definition = self.index_definition(BILLING_LIST_INDEX)
        columns = set(re.findall(r'"account_move"\."(\w+)"', where))
        self.assertIn("company_id", columns, where)  # the multi-company rule
        for column in columns - {"move_type"}:  # move_type: the predicate
            self.assertIn(column, definition, where)

    def test_growth_index_covers_the_billed_invoices(self):
        definition = self.index_definition(BILLING_GROWTH_INDEX)
        self.assertIn(
            "(billing_period_start, commercial_partner_id, billing_year, "
            "billing_month, company_id, amount_total_signed, amount_untaxed_signed)",
            definition,
        )
        self.assertIn("((move_type)::text = 'out_invoice'::text)", definition)
        for state in BILLED_STATES:
            self.assertIn(f"'{state}'::character varying", definition)

    def test_payment_date_index_serves_a_dated_page(self):
        """Space Invoices' default order (date DESC) over a date range reads
        the payments in order from the index: no sort, no table scan; its
        exact count reads the index alone, joining no invoice."""
        definition = self.index_definition(BILLING_PAYMENT_DATE_INDEX)
        self.assertIn("(date DESC, id, company_id, state)", definition)
        self.assertIn("'customer'", definition)
        self.assertIn("'inbound'", definition)
        self.assertIn("billing_has_customer_invoice", definition)
        payments = self.env["account.payment"].with_user(self.billing_user)
        domain = [*si_payments.base_domain(), ("date", ">=", "2026-01-01")]
        page = payments._search(domain, order="date desc, id", limit=100)
        plan = self.plan(page.select())
        self.assertIn(BILLING_PAYMENT_DATE_INDEX, plan)
        self.assertNotIn("Sort", plan)
        count = self.plan(payments._search(domain).select("COUNT(*)"))
        self.assertIn(f"Index Only Scan using {BILLING_PAYMENT_DATE_INDEX}", count)
        self.assertNotIn("account_move", count)

    def test_payment_list_index_serves_the_waldur_page(self):
        """Waldur's payment list (by creation, payments with a profile) reads
        its page in order from the index: no sort, no table scan."""
        definition = self.index_definition(BILLING_PAYMENT_LIST_INDEX)
        self.assertIn("(create_date, id, company_id, state)", definition)
        self.assertIn("payment_profile_id IS NOT NULL", definition)
        payments = self.env["account.payment"].with_user(self.billing_user)
        page = payments._search(
            waldur_payments.base_domain(), order=waldur_payments.ORDER, limit=100
        )
        plan = self.plan(page.select())
        self.assertIn(BILLING_PAYMENT_LIST_INDEX, plan)
        self.assertNotIn("Sort", plan)
