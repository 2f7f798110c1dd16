# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Accounting › Reporting: Invoice Growth (report) and its XLSX export.

Both show what ``/api/invoices/growth/`` computes (``_billing_growth``):
pending, created and paid customer invoices, cancelled ones left out, per
month of the billing period and customer, in company currency.
"""

import base64
import io

import openpyxl
from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import LIST, GrowthInvoicesCommon

REPORT = "billing.invoice.growth.report"
WIZARD = "billing.growth.export.wizard"


@tagged("post_install", "-at_install")
class TestInvoiceGrowthReport(GrowthInvoicesCommon):
    GROWTH = f"{LIST}growth/"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        invoice = cls.growth_invoice
        invoice(cls.small, -1, 3000.0, post=False)  # after the last one
        cls.register_payment(invoice(cls.small, 3, 80.0))  # paid counts

    def last_13_months_domain(self):
        """The search view's default filter, evaluated as the web client does."""
        view = self.env.ref(
            "billing_payments.billing_invoice_growth_report_view_search"
        )
        arch = etree.fromstring(view.arch)
        [node] = arch.xpath("//filter[@name='last_13_months']")
        return safe_eval(
            node.get("domain"),
            {
                "context_today": lambda: fields.Date.context_today(self.env.user),
                "relativedelta": relativedelta,
            },
        )

    def report_figures(self, env, untaxed=False):
        """{(period start, customer): sum} of the report, as the pivot groups it."""
        amount = "amount_untaxed_signed" if untaxed else "amount_total_signed"
        groups = env[REPORT]._read_group(
            self.last_13_months_domain(),
            ["billing_period_start:month", "commercial_partner_id"],
            [f"{amount}:sum"],
        )
        return {
            (period, partner): self.company.currency_id.round(value)
            for period, partner, value in groups
            if value
        }

    def growth_figures(self, env, untaxed=False):
        """The same figures from ``_billing_growth``, with every customer."""
        growth = env["account.move"]._billing_growth(20, untaxed)
        self.assertEqual(growth["other"], [0] * 13)  # every customer is a major
        return {
            (period, partner): float(value)
            for partner, values in growth["customers"]
            for period, value in zip(growth["periods"], values, strict=True)
            if value
        }, growth

    def test_report_equals_growth(self):
        for untaxed in (False, True):
            with self.subTest(untaxed=untaxed):
                env = self.env(user=self.readonly_user)
                report = self.report_figures(env, untaxed)
                expected, growth = self.growth_figures(env, untaxed)
                self.assertEqual(report, expected)
                # The period totals match too.
                by_period = dict.fromkeys(growth["periods"], 0.0)
                for (period, _partner), value in report.items():
                    by_period[period] += value
                self.assertEqual(
                    list(by_period.values()), [float(v) for v in growth["total"]]
                )

    def test_report_scope(self):
        report = self.report_figures(self.env(user=self.billing_user))
        this, last = self.this_month, self.this_month - relativedelta(months=1)
        self.assertEqual(report[(this, self.big)], 1200.0)
        self.assertEqual(report[(this, self.middle)], 360.0)
        # Pending counts, cancelled does not.
        self.assertEqual(report[(last, self.small)], 120.0)
        # Paid counts.
        three = self.this_month - relativedelta(months=3)
        self.assertEqual(report[(three, self.small)], 96.0)
        periods = {period for period, _partner in report}
        self.assertEqual(min(periods), self.this_month - relativedelta(months=12))
        self.assertEqual(max(periods), self.this_month)
        untaxed = self.report_figures(self.env(user=self.billing_user), True)
        self.assertEqual(untaxed[(this, self.big)], 1000.0)
        # Without the default filter the older and future invoices show too.
        states = set(
            self.env[REPORT]
            .search([("commercial_partner_id", "=", self.small.id)])
            .mapped("billing_state")
        )
        self.assertEqual(states, {"pending", "created", "paid"})

    def test_report_access(self):
        for user in (self.readonly_user, self.billing_user):
            with self.subTest(user=user.login):
                rows = self.env[REPORT].with_user(user).search_read([], ["move_id"])
                self.assertTrue(rows)
                with self.assertRaises(AccessError):
                    self.env[REPORT].with_user(user).search([], limit=1).write(
                        {"amount_total_signed": 1}
                    )
        with self.assertRaises(AccessError):
            self.env[REPORT].with_user(self.plain_user).search_read([], ["move_id"])

    def test_report_is_company_scoped(self):
        other = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.big.id,
                "company_id": self.other_company.id,
                "journal_id": self.other_company_data["default_journal_sale"].id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    fields.Command.create(
                        {"name": "Elsewhere", "quantity": 1, "price_unit": 5.0}
                    )
                ],
            }
        )
        other.action_post()
        self.assertIn(other, self.env[REPORT].sudo().search([]).move_id)
        seen = self.env[REPORT].with_user(self.readonly_user).search([]).move_id
        self.assertTrue(seen)
        self.assertNotIn(other, seen)

    def export(self, user, **values):
        """(wizard, workbook) of the export driven through its form."""
        with Form(self.env[WIZARD].with_user(user)) as form:
            for name, value in values.items():
                setattr(form, name, value)
        wizard = form.record
        action = wizard.action_export()
        self.assertEqual(
            (action["res_model"], action["res_id"]), (WIZARD, wizard.id), action
        )
        self.assertEqual(wizard.state, "done")
        self.assertTrue(wizard.file_name.endswith(".xlsx"))
        content = base64.b64decode(wizard.file_data)
        return wizard, openpyxl.load_workbook(io.BytesIO(content))

    def test_export_equals_api(self):
        for count, amount_type in ((2, "total"), (1, "untaxed"), (4, "total")):
            with self.subTest(count=count, amount_type=amount_type):
                params = {"customers_count": count}
                if amount_type == "untaxed":
                    params["accounting_mode"] = "accounting"
                body = self.assert_json(
                    self.api("GET", self.GROWTH, params=params), 200
                )
                _wizard, workbook = self.export(
                    self.billing_user, customers_count=count, amount_type=amount_type
                )
                sheet = workbook.active
                self.assertEqual(sheet.title, "Invoice Growth")
                rows = list(sheet.iter_rows(values_only=True))
                names = [customer["name"] for customer in body["customer_periods"]]
                self.assertEqual(list(rows[0]), ["Period", *names, "Others", "Total"])
                self.assertEqual(len(rows), 14)
                for index, row in enumerate(rows[1:]):
                    expected = [
                        body["periods"][index],
                        *(c["periods"][index] for c in body["customer_periods"]),
                        body["other_periods"][index],
                        body["total_periods"][index],
                    ]
                    self.assertEqual(list(row), expected)
                    for value in row[1:]:
                        self.assertIsInstance(value, (int, float))

    def test_export_layout(self):
        _wizard, workbook = self.export(self.readonly_user, customers_count=2)
        sheet = workbook.active
        self.assertEqual(len(sheet._charts), 1)
        [chart] = sheet._charts
        self.assertEqual(chart.tagname, "lineChart")
        self.assertEqual(len(chart.series), 4)  # two customers, Others, Total
        self.assertEqual(sheet.freeze_panes, "B2")
        self.assertTrue(all(cell.font.b for cell in sheet[1]))
        self.assertEqual(sheet.page_setup.orientation, "landscape")
        decimals = self.company.currency_id.decimal_places
        for cell in sheet[2][1:]:
            self.assertEqual(cell.data_type, "n")
            self.assertEqual(cell.number_format, "#,##0." + "0" * decimals)

    def test_export_limits(self):
        for count in (0, 21):
            with self.subTest(count=count), self.assertRaises(ValidationError):
                self.env[WIZARD].with_user(self.billing_user).create(
                    {"customers_count": count}
                )
        with self.assertRaises(AccessError):
            self.env[WIZARD].with_user(self.billing_user).create(
                {"company_id": self.other_company.id}
            ).action_export()
        with self.assertRaises(AccessError):
            self.env[WIZARD].with_user(self.plain_user).create({})
