# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoice statistics workbook, read back with openpyxl.

What an accountant gets: the header block, typed cells with the currency's
decimals, the totals as formulas, the print setup and the document
properties; the figures are those of the API's stats. Plus the refusal of an
export with more rows than a sheet holds.
"""

import datetime
import io
from collections import defaultdict
from unittest.mock import patch

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..export import invoice_stats_xlsx
from .common import WaldurInvoiceLinesCommon, read_xlsx_company

MODEL_MODULE = "odoo.addons.billing_payments.models.account_move"
HEADER_ROW = 12  # 1-based: title, 9 header lines, a blank row, then the table
FIRST_DATA = HEADER_ROW + 1
COLUMN_HEADERS = [
    "Offering",
    "Category",
    "Service provider",
    "Quantity",
    "Price",
    "Tax",
    "Total",
    "Offering UUID",
    "Service provider UUID",
]


@tagged("post_install", "-at_install")
class TestInvoiceStatsXlsx(WaldurInvoiceLinesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing_user.tz = "Europe/Brussels"

    def download(self):
        response = self.api(
            "GET", self.detail(self.invoice, "stats/"), params={"format": "xlsx"}
        )
        self.assertEqual(response.status_code, 200)
        return response

    def workbook(self, content, data_only=False):
        return openpyxl.load_workbook(io.BytesIO(content), data_only=data_only)

    def header_block(self, sheet):
        return {
            sheet.cell(row, 1).value: sheet.cell(row, 2)
            for row in range(2, HEADER_ROW - 1)
        }

    def test_file_name_and_header_block(self):
        response = self.download()
        self.assertIn(
            f"{self.invoice.name.replace('/', '-')}-statistics.xlsx",
            response.headers["Content-Disposition"],
        )
        sheet = self.workbook(response.content).active
        self.assertEqual(sheet.title, "Statistics")
        self.assertEqual(sheet["A1"].value, f"Invoice statistics: {self.invoice.name}")
        self.assertTrue(sheet["A1"].font.b)
        block = self.header_block(sheet)
        generated = next(key for key in block if key.startswith("Generated on"))
        self.assertEqual(generated, "Generated on (Europe/Brussels)")
        values = {label: cell.value for label, cell in block.items()}
        self.assertEqual(
            {label: value for label, value in values.items() if label != generated},
            {
                "Company": self.company.name,
                "Invoice": self.invoice.name,
                "Invoice number (Waldur)": str(100000 + self.invoice.id),
                "Customer": self.invoice.commercial_partner_id.display_name,
                "Billing period": self.invoice.billing_period_start.strftime("%B %Y"),
                "Invoice date": datetime.datetime.combine(
                    self.invoice.invoice_date, datetime.time()
                ),
                "Due date": datetime.datetime.combine(
                    self.invoice.invoice_date_due, datetime.time()
                ),
                "Currency": self.invoice.currency_id.name,
            },
        )
        for label in ("Invoice date", "Due date", generated):
            self.assertTrue(block[label].is_date, label)
        self.assertEqual(block["Invoice date"].number_format, "yyyy-mm-dd")
        # Generated now, in the user's time zone (Brussels is UTC+1 or +2).
        now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        offset = values[generated] - now
        self.assertGreater(offset, datetime.timedelta(minutes=50))
        self.assertLess(offset, datetime.timedelta(hours=2, minutes=10))

    def test_table_typed_cells_and_totals(self):
        content = self.download().content
        sheet = self.workbook(content).active
        currency = self.invoice.currency_id.name
        header = [cell.value for cell in sheet[HEADER_ROW]]
        self.assertEqual(
            header,
            [
                f"{name} ({currency})" if name in ("Price", "Tax", "Total") else name
                for name in COLUMN_HEADERS
            ],
        )
        self.assertTrue(all(cell.font.b for cell in sheet[HEADER_ROW]))
        self.assertEqual(sheet.freeze_panes, f"A{FIRST_DATA}")
        last = FIRST_DATA + 2  # three offerings
        self.assertEqual(sheet.auto_filter.ref, f"A{HEADER_ROW}:I{last}")

        body = self.assert_json(
            self.api("GET", self.detail(self.invoice, "stats/")), 200
        )
        quantities = defaultdict(float)
        for line in self.invoice.invoice_line_ids:
            if line.display_type == "product" and line.product_id:
                quantities[line.product_id.uuid] += line.quantity
        rows = list(sheet.iter_rows(min_row=FIRST_DATA, max_row=last))
        self.assertEqual(
            [[cell.value for cell in row] for row in rows],
            [
                [
                    r["offering_name"],
                    r["service_category_title"],
                    r["service_provider_name"],
                    quantities[r["uuid"]],
                    r["aggregated_price"],
                    r["aggregated_tax"],
                    r["aggregated_total"],
                    r["uuid"],
                    r["service_provider_uuid"],
                ]
                for r in body
            ],
        )
        places = self.invoice.currency_id.decimal_places
        money_format = "#,##0." + "0" * places if places else "#,##0"
        for row in rows:
            self.assertEqual([cell.data_type for cell in row[3:7]], ["n"] * 4)
            self.assertEqual(
                [cell.number_format for cell in row[4:7]], [money_format] * 3
            )
            self.assertEqual(row[3].number_format, "#,##0.00")
            self.assertEqual([cell.data_type for cell in row[7:]], ["s", "s"])

        totals = [cell.value for cell in sheet[last + 1]]
        self.assertEqual(totals[0], "Total")
        self.assertEqual(
            totals[4:7],
            [f"=SUM({col}{FIRST_DATA}:{col}{last})" for col in "EFG"],
        )
        self.assertTrue(all(cell.font.b for cell in sheet[last + 1][4:7]))
        cached = self.workbook(content, data_only=True).active
        self.assertEqual(
            [cell.value for cell in cached[last + 1][4:7]],
            [
                round(sum(r[key] for r in body), places)
                for key in ("aggregated_price", "aggregated_tax", "aggregated_total")
            ],
        )
        self.assertEqual(
            [cell.value for cell in cached[last + 1][4:7]], [104.5, 22.9, 127.4]
        )

    def test_print_setup_and_properties(self):
        content = self.download().content
        workbook = self.workbook(content)
        sheet = workbook.active
        self.assertEqual(sheet.page_setup.orientation, "landscape")
        self.assertTrue(sheet.sheet_properties.pageSetUpPr.fitToPage)
        # One page wide: fitToWidth is 1 when absent (the OOXML default).
        self.assertIn(sheet.page_setup.fitToWidth, (None, 1))
        self.assertEqual(sheet.page_setup.fitToHeight, 0)
        self.assertEqual(sheet.print_title_rows, f"${HEADER_ROW}:${HEADER_ROW}")
        self.assertIn("Page &P of &N", sheet.oddFooter.right.text)
        self.assertEqual(
            sheet.oddFooter.left.text, f"Invoice statistics: {self.invoice.name}"
        )
        self.assertEqual(
            workbook.properties.title, f"Invoice statistics: {self.invoice.name}"
        )
        self.assertEqual(workbook.properties.creator, self.billing_user.name)
        self.assertEqual(read_xlsx_company(content), self.company.name)

    def test_web_button_serves_the_same_workbook(self):
        action = self.invoice.with_user(self.billing_user).action_billing_export_stats()
        self.authenticate("billing_clerk", "billing_clerk")
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            f"{self.invoice.name.replace('/', '-')}-statistics.xlsx",
            response.headers["Content-Disposition"],
        )
        sheet = self.workbook(response.content).active
        self.assertEqual(
            [row[0].value for row in sheet.iter_rows(min_row=FIRST_DATA)],
            ["Virtual machine", "Object storage", "Backup", "Total"],
        )

    def test_offering_stats_quantity_and_batches(self):
        stats = self.invoice._billing_offering_stats()
        self.assertEqual(
            list(stats[0]), ["product", "provider", "price", "tax", "total", "quantity"]
        )
        expected = defaultdict(float)
        for line in self.invoice.invoice_line_ids:
            if line.display_type == "product" and line.product_id:
                expected[line.product_id] += line.quantity
        self.assertEqual(
            {row["product"]: row["quantity"] for row in stats}, dict(expected)
        )
        for batch_size in (1, 2, 3, 100):
            self.assertEqual(
                list(self.invoice._billing_offering_stats(batch_size=batch_size)),
                stats,
                batch_size,
            )

    def test_row_limit_refused_before_any_work(self):
        needed = invoice_stats_xlsx.sheet_rows_needed(3, [("label", "value")] * 9)
        self.assertEqual(needed, HEADER_ROW + 3 + 1)
        invoice = self.invoice.with_user(self.billing_user)
        with (
            patch(f"{MODEL_MODULE}.SHEET_MAX_ROWS", needed - 1),
            patch(f"{MODEL_MODULE}.write_invoice_stats_xlsx") as writer,
            patch.object(
                type(invoice), "_billing_offering_stats", autospec=True
            ) as stats,
            self.assertRaisesRegex(UserError, "more than a spreadsheet sheet holds"),
        ):
            invoice._billing_stats_xlsx()
        writer.assert_not_called()
        stats.assert_not_called()
        with patch(f"{MODEL_MODULE}.SHEET_MAX_ROWS", needed):
            _name, content = invoice._billing_stats_xlsx()
        self.assertEqual(self.workbook(content).active.max_row, needed)

    def test_writer_refuses_rows_past_the_sheet(self):
        row = {
            "offering_name": "x",
            "uuid": "u",
            "category": "c",
            "provider_name": "p",
            "provider_uuid": "q",
            "quantity": 1.0,
            "price": 1,
            "tax": 0,
            "total": 1,
        }
        with patch.object(invoice_stats_xlsx, "SHEET_MAX_ROWS", 6):
            # 1 title row, a blank row, the table header, 2 rows, the totals
            content = invoice_stats_xlsx.write_invoice_stats_xlsx([row] * 2, "T")
            self.assertEqual(self.workbook(content).active.max_row, 6)
            with self.assertRaises(ValueError):
                invoice_stats_xlsx.write_invoice_stats_xlsx([row] * 3, "T")
