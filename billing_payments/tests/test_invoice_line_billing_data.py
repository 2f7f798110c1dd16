# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An invoice line's billing data on the invoice form's Invoice Lines tab.

Optional columns (hidden by default) and a group of the line form, for
customer invoices and credit notes; ``billing_details`` through the key/value
widget; editable while the invoice is a draft, read only once it is posted.
"""

import datetime
from types import SimpleNamespace

from lxml import etree

from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import BillingCommon

BILLING_FIELDS = [
    "billing_unit",
    "billing_measured_unit",
    "billing_start",
    "billing_end",
    "billing_project_name",
    "billing_project_uuid",
    "billing_resource_name",
    "billing_resource_uuid",
    "billing_details",
]
DETAILS = {
    "plan_name": "Small",
    "contract_sum": 1200,
    "sum_as_text": "1200",
    "metered": True,
    "components": {"cpu": 2, "ram_gb": [4, 8]},
}


@tagged("post_install", "-at_install")
class TestInvoiceLineBillingData(BillingCommon):
    def setUp(self):
        super().setUp()
        self.env = self.env(user=self.billing_user)
        self.invoice = self.create_invoice(
            lines=[(self.offering, 2, 50.0)], post=False
        ).with_env(self.env)

    def _lines_arch(self):
        arch = etree.fromstring(
            self.env["account.move"].get_view(
                self.env.ref("account.view_move_form").id, "form"
            )["arch"]
        )
        lines = arch.find(".//field[@name='invoice_line_ids']")
        return lines.find("list"), lines.find("form")

    def test_columns_are_optional_hidden_and_use_the_key_value_widget(self):
        columns, line_form = self._lines_arch()
        for name in BILLING_FIELDS:
            with self.subTest(field=name):
                column = columns.find(f"field[@name='{name}']")
                self.assertIsNotNone(column)
                self.assertEqual(column.get("optional"), "hide")
                self.assertIsNotNone(line_form.find(f".//field[@name='{name}']"))
        for node in (
            columns.find("field[@name='billing_details']"),
            line_form.find(".//field[@name='billing_details']"),
        ):
            self.assertEqual(node.get("widget"), "billing_key_value")
        # In the list a summary, edited in a dialog; in the line form inline.
        self.assertIn(
            "'dialog': True",
            columns.find("field[@name='billing_details']").get("options"),
        )
        self.assertIsNone(
            line_form.find(".//field[@name='billing_details']").get("options")
        )
        # The lines are read only once posted because the whole list is.
        lines = columns.getparent()
        self.assertEqual(lines.get("readonly"), "state != 'draft'")

    def test_columns_are_for_customer_invoices_and_credit_notes_only(self):
        columns, line_form = self._lines_arch()
        hidden_column = columns.find("field[@name='billing_unit']").get(
            "column_invisible"
        )
        hidden_group = line_form.find(".//group[@name='billing_usage']").get(
            "invisible"
        )
        for move_type, shown in [
            ("out_invoice", True),
            ("out_refund", True),
            ("in_invoice", False),
            ("in_refund", False),
            ("out_receipt", False),
            ("entry", False),
        ]:
            parent = SimpleNamespace(move_type=move_type)
            with self.subTest(move_type=move_type):
                self.assertEqual(
                    not safe_eval(hidden_column, {"parent": parent}), shown
                )
                self.assertEqual(
                    not safe_eval(
                        hidden_group,
                        {"parent": parent, "display_type": "product"},
                    ),
                    shown,
                )
        # Sections and notes have no usage.
        self.assertTrue(
            safe_eval(
                hidden_group,
                {
                    "parent": SimpleNamespace(move_type="out_invoice"),
                    "display_type": "line_note",
                },
            )
        )

    def test_draft_lines_are_edited_and_saved_through_the_form(self):
        start = datetime.datetime(2026, 3, 1)
        end = datetime.datetime(2026, 3, 31, 23, 59, 59)
        with Form(self.invoice) as form:
            with form.invoice_line_ids.edit(0) as line:
                line.billing_unit = "month"
                line.billing_measured_unit = "GB"
                line.billing_start = start
                line.billing_end = end
                line.billing_project_name = "Web shop"
                line.billing_project_uuid = "a" * 32
                line.billing_resource_name = "vm-frontend"
                line.billing_resource_uuid = "b" * 32
                line.billing_details = DETAILS
        line = self.invoice.invoice_line_ids
        self.assertRecordValues(
            line,
            [
                {
                    "billing_unit": "month",
                    "billing_measured_unit": "GB",
                    "billing_start": start,
                    "billing_end": end,
                    "billing_project_name": "Web shop",
                    "billing_project_uuid": "a" * 32,
                    "billing_resource_name": "vm-frontend",
                    "billing_resource_uuid": "b" * 32,
                }
            ],
        )
        # Types survive the round trip: the number stays a number, the text
        # "1200" a text, the nested object an object.
        line.invalidate_recordset()
        self.assertEqual(line.billing_details, DETAILS)
        self.assertIsInstance(line.billing_details["contract_sum"], int)
        self.assertIsInstance(line.billing_details["sum_as_text"], str)
        # A new line of a draft takes the data too.
        with Form(self.invoice) as form:
            with form.invoice_line_ids.new() as new_line:
                new_line.product_id = self.offering
                new_line.billing_resource_name = "db-backup"
        self.assertEqual(
            self.invoice.invoice_line_ids.mapped("billing_resource_name"),
            ["vm-frontend", "db-backup"],
        )
        # Clearing the details stores nothing.
        with Form(self.invoice) as form:
            with form.invoice_line_ids.edit(0) as line_form:
                line_form.billing_details = False
        self.assertFalse(line.billing_details)

    def test_posted_lines_are_read_only(self):
        self.invoice.invoice_line_ids.billing_resource_name = "vm-frontend"
        self.invoice.action_post()
        form = Form(self.invoice)
        with self.assertRaisesRegex(AssertionError, "is not editable"):
            form.invoice_line_ids.edit(0)
        with self.assertRaisesRegex(AssertionError, "is not editable"):
            form.invoice_line_ids.new()
        # Back to draft, the lines are editable again.
        self.invoice.button_draft()
        with Form(self.invoice) as form:
            with form.invoice_line_ids.edit(0) as line:
                line.billing_resource_name = "vm-backend"
        self.assertEqual(
            self.invoice.invoice_line_ids.billing_resource_name, "vm-backend"
        )

    def test_read_only_accountant_sees_the_data_and_cannot_change_it(self):
        self.invoice.invoice_line_ids.billing_details = DETAILS
        as_auditor = self.invoice.with_user(self.readonly_user)
        self.assertEqual(as_auditor.invoice_line_ids.billing_details, DETAILS)
        self.assertFalse(
            self.env["account.move.line"]
            .with_user(self.readonly_user)
            .has_access("write")
        )
