# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""GET /api/invoices/<uuid>/stats/: per-offering totals, as JSON and as XLSX."""

import uuid

from odoo.tests import tagged

from .common import WaldurInvoiceLinesCommon, read_xlsx_sheet


@tagged("post_install", "-at_install")
class TestWaldurInvoiceStats(WaldurInvoiceLinesCommon):
    def test_stats_grouped_by_offering(self):
        response = self.api("GET", self.detail(self.invoice, "stats/"))
        body = self.assert_json(response, 200)
        self.assertEqual(response.headers["X-Result-Count"], "3")
        vm, obj, bak = body
        self.assertEqual(
            vm,
            {
                "uuid": self.offering.uuid,
                "offering_name": "Virtual machine",
                # 2 × 50 − 10 credit + 0; tax 20 % on the 100 only
                "aggregated_price": 90.0,
                "aggregated_tax": 20.0,
                "aggregated_total": 110.0,
                "service_category_title": "Compute",
                "service_provider_name": self.provider.name,
                "service_provider_uuid": self.provider.uuid,
            },
        )
        self.assertEqual(obj["uuid"], self.storage.uuid)
        self.assertEqual(
            (obj["aggregated_price"], obj["aggregated_tax"], obj["aggregated_total"]),
            (4.5, 0.9, 5.4),
        )
        self.assertEqual(obj["service_provider_uuid"], self.company.partner_id.uuid)
        self.assertEqual(bak["service_category_title"], "Storage")
        self.assertEqual(bak["aggregated_total"], 12.0)

    def test_stats_provider_filter_and_pages(self):
        def stats(**params):
            response = self.api(
                "GET", self.detail(self.invoice, "stats/"), params=params
            )
            return [row["uuid"] for row in self.assert_json(response, 200)]

        hyphenated = str(uuid.UUID(self.other_provider.uuid))
        self.assertEqual(stats(provider_uuid=hyphenated), [self.backup.uuid])
        self.assertEqual(
            stats(provider_uuid=self.company.partner_id.uuid), [self.storage.uuid]
        )
        self.assertEqual(stats(provider_uuid=uuid.uuid4().hex), [])
        self.assertEqual(stats(page_size=2, page=2), [self.backup.uuid])
        response = self.api(
            "GET",
            self.detail(self.invoice, "stats/"),
            params={"page": 3, "page_size": 2},
        )
        self.assert_json(response, 404, {"detail": "Invalid page."})
        head = self.api("HEAD", self.detail(self.invoice, "stats/"))
        self.assertEqual(head.headers["X-Result-Count"], "3")

    def test_stats_xlsx(self):
        response = self.api(
            "GET", self.detail(self.invoice, "stats/"), params={"format": "xlsx"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.headers["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        self.assertIn(
            f"{self.invoice.name.replace('/', '-')}-statistics.xlsx",
            response.headers["Content-Disposition"],
        )
        sheet = read_xlsx_sheet(response.content)
        self.assertEqual(sheet["rows"][0][:2], ["Offering", "Category"])
        self.assertEqual(
            sheet["rows"][0][4], f"Price ({self.invoice.currency_id.name})"
        )
        body = self.assert_json(
            self.api("GET", self.detail(self.invoice, "stats/")), 200
        )
        data_rows = sheet["rows"][1:-1]
        self.assertEqual(
            [row[0] for row in data_rows], [r["offering_name"] for r in body]
        )
        # The uuids stand to the right of the figures.
        self.assertEqual(sheet["rows"][0][7], "Offering UUID")
        self.assertEqual([row[7] for row in data_rows], [r["uuid"] for r in body])
        # Amounts are numeric cells, not text.
        self.assertEqual(
            [row[4:7] for row in data_rows],
            [
                [r["aggregated_price"], r["aggregated_tax"], r["aggregated_total"]]
                for r in body
            ],
        )
        totals = sheet["rows"][-1]
        self.assertEqual(totals[0], "Total")
        self.assertEqual(totals[4:7], [104.5, 22.9, 127.4])
        # Below the header block (title, invoice, customer, period, dates...).
        self.assertEqual(sheet["formulas"][-1], "SUM(G13:G15)")
        self.assertTrue(sheet["frozen"])
        self.assertEqual(sheet["autofilter"], "A12:I15")
        self.assertTrue(sheet["header_bold"])
