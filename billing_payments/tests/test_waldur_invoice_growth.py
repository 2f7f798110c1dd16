# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""GET /api/invoices/growth/: monthly totals of the major customers."""

import datetime

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.tests import tagged

from .common import LIST, GrowthInvoicesCommon


@tagged("post_install", "-at_install")
class TestWaldurInvoiceGrowth(GrowthInvoicesCommon):
    GROWTH = f"{LIST}growth/"

    def growth(self, **params):
        return self.assert_json(self.api("GET", self.GROWTH, params=params), 200)

    def labels(self):
        return [
            f"{day.year}-{day.month}"
            for day in (
                self.this_month - relativedelta(months=12 - i) for i in range(13)
            )
        ]

    def test_growth_series(self):
        body = self.growth(customers_count=2)
        self.assertEqual(
            list(body),
            ["periods", "total_periods", "other_periods", "customer_periods"],
        )
        self.assertEqual(body["periods"], self.labels())
        self.assertNotIn("-0", body["periods"][0])  # "2025-11", never zero-padded
        total = [0] * 13
        total[0], total[10], total[11], total[12] = 60.0, 600.0, 120.0, 1560.0
        self.assertEqual(body["total_periods"], total)
        other = [0] * 13
        other[11] = 120.0  # the small customer, not a major one
        self.assertEqual(body["other_periods"], other)
        big = [0] * 13
        big[10], big[12] = 600.0, 1200.0
        middle = [0] * 13
        middle[0], middle[12] = 60.0, 360.0
        # Major customers, ordered by name.
        self.assertEqual(
            body["customer_periods"],
            [
                {"name": "Alpha Middle", "periods": middle},
                {"name": "Zeta Big", "periods": big},
            ],
        )

    def test_growth_accounting_mode_sums_untaxed(self):
        body = self.growth(customers_count=1, accounting_mode="accounting")
        self.assertEqual(body["total_periods"][12], 1300.0)
        self.assertEqual(body["other_periods"][12], 300.0)
        [big] = body["customer_periods"]
        self.assertEqual(big["name"], "Zeta Big")
        self.assertEqual(big["periods"][12], 1000.0)

    def test_growth_default_and_limits(self):
        body = self.growth()
        self.assertEqual(len(body["customer_periods"]), 3)  # default 4, 3 exist
        self.assertEqual(self.growth(customers_count=0)["customer_periods"], [])
        for value, message in [
            ("21", "customers_count should not be greater than 20"),
            ("two", "customers_count is not a number"),
            ("-1", "customers_count should not be negative"),
        ]:
            with self.subTest(value=value):
                response = self.api(
                    "GET", self.GROWTH, params={"customers_count": value}
                )
                self.assert_json(response, 400, [message])

    def test_growth_only_counts_visible_invoices(self):
        body = self.assert_json(self.api("GET", self.GROWTH, key=self.plain_key), 200)
        self.assertEqual(body["total_periods"], [0] * 13)
        self.assertEqual(body["customer_periods"], [])

    def test_growth_costs_at_most_five_queries(self):
        """One grouped query over the kept totals whatever the invoices and
        customers (the ranking, at most ``customers_count`` rows, and the
        series, at most 13 × (majors + 1) rows; two from the invoices under
        other rules); the rest is the company and its currency, and the
        majors' names. The user's timezone comes from the user's cached
        context, not from reads of the user and its partner."""
        moves = self.env["account.move"].with_user(self.billing_user)
        moves._billing_growth(customers_count=2)  # warms the access rules
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        growth = moves._billing_growth(customers_count=2)
        self.assertLessEqual(self.cr.sql_log_count - before, 5)
        self.assertEqual(
            [partner.name for partner, _series in growth["customers"]],
            ["Alpha Middle", "Zeta Big"],
        )
        self.assertEqual(growth["total"][12], 1560)
        self.assertEqual(growth["other"][11], 120)

    def test_growth_request_costs_at_most_six_queries(self):
        """The whole request (issue 13's target): the API key's row, the
        user, the company and its currency, growth's one query, the majors'
        names."""
        count, body = self.list_queries(self.GROWTH, {"customers_count": 2})
        self.assertLessEqual(count, 6)
        self.assertEqual(body["total_periods"][12], 1560.0)
        self.assertEqual(
            [customer["name"] for customer in body["customer_periods"]],
            ["Alpha Middle", "Zeta Big"],
        )

    def test_growth_today_is_in_the_users_timezone(self):
        """The period ends in the user's own timezone, as context_today:
        late on the last day of a month in UTC is already the next month in
        Tallinn, and a user without a timezone counts in UTC."""
        moves = self.env["account.move"].with_user(self.billing_user)
        late = datetime.datetime(2026, 1, 31, 23, 30)
        self.billing_user.tz = "Europe/Tallinn"
        with freeze_time(late):
            self.assertEqual(moves._billing_today(), datetime.date(2026, 2, 1))
        self.billing_user.tz = False
        with freeze_time(late):
            self.assertEqual(moves._billing_today(), datetime.date(2026, 1, 31))

    def test_growth_rows_do_not_grow_with_the_customers(self):
        """The series query sums every customer but the majors in SQL: 30
        more customers add no row to what Python reads."""
        moves = self.env["account.move"].with_user(self.billing_user)
        billed = [
            ("move_type", "=", "out_invoice"),
            ("billing_state", "!=", "canceled"),
        ]
        start = self.this_month - relativedelta(months=12)

        def series_rows():
            majors = moves._billing_growth_majors(billed, 1, start)
            self.assertEqual(len(majors), 1)
            return moves._billing_growth_series(
                [*billed, ("billing_period_start", ">=", start)],
                "amount_total_signed",
                majors,
                self.this_month,
            )

        before = series_rows()
        for index in range(30):
            partner = self.env["res.partner"].create({"name": f"Small {index}"})
            self.growth_invoice(partner, index % 13, 1.0)
        after = series_rows()
        others = [row for row in after if not row[0]]
        # One "everybody else" row per month, one row per month of the major.
        self.assertEqual(len(others), len({(row[1], row[2]) for row in others}))
        self.assertEqual(len(others), 13)
        self.assertLessEqual(len(after), 2 * 13)
        self.assertGreater(len(after), len(before) - 1)

    def test_growth_tie_across_the_cut_ranks_by_partner_order(self):
        """Equal totals at the cut: res.partner's order (name) decides, as
        the SQL ranking always did."""
        tie_b, tie_a = self.env["res.partner"].create(
            [{"name": "Bb Tie"}, {"name": "Aa Tie"}]
        )
        self.growth_invoice(tie_b, 0, 5000.0)
        self.growth_invoice(tie_a, 0, 5000.0)
        [major] = self.growth(customers_count=1)["customer_periods"]
        self.assertEqual(major["name"], "Aa Tie")
        names = [c["name"] for c in self.growth(customers_count=2)["customer_periods"]]
        self.assertEqual(names, ["Aa Tie", "Bb Tie"])

    def test_growth_later_month_ranks_but_is_no_period(self):
        """An invoice dated after this month counts in the ranking (since a
        year ago, no end) but in no period."""
        self.growth_invoice(self.small, -1, 5000.0, post=False)
        body = self.growth(customers_count=1)
        [major] = body["customer_periods"]
        self.assertEqual(major["name"], "Small")
        total = [0] * 13
        total[0], total[10], total[11], total[12] = 60.0, 600.0, 120.0, 1560.0
        self.assertEqual(body["total_periods"], total)
        self.assertEqual(major["periods"][11], 120.0)
