# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""GET /api/invoices/<uuid>/: every field of the Waldur invoice, its items and links."""

import datetime
import uuid

from odoo.tests import tagged

from .common import INVOICE_KEYS, ITEM_KEYS, LIST, NOT_FOUND, WaldurInvoiceCommon


@tagged("post_install", "-at_install")
class TestWaldurInvoiceObject(WaldurInvoiceCommon):
    def test_retrieve_renders_every_field_in_order(self):
        invoice = self.usage_invoice(invoice_date=datetime.date(2026, 3, 31))
        body = self.assert_json(self.api("GET", self.detail(invoice)), 200)
        self.assertEqual(list(body), INVOICE_KEYS)
        self.assertEqual(body["url"], self.url(self.detail(invoice)))
        self.assertEqual(body["uuid"], invoice.uuid)
        self.assertEqual(body["number"], 100000 + invoice.id)
        self.assertEqual(
            body["customer"], self.url(f"/api/customers/{self.customer.uuid}/")
        )
        # 2 × 50 + 3 × 1.5 − 10 = 94.50 untaxed; 20 % on the first two lines.
        self.assertEqual(body["price"], "94.5000000000")
        self.assertEqual(body["tax"], "20.9000000000")
        self.assertEqual(body["total"], "115.4000000000")
        self.assertEqual(body["state"], "created")
        self.assertEqual((body["year"], body["month"]), (2026, 3))
        self.assertEqual(body["invoice_date"], "2026-03-31")
        self.assertEqual(body["due_date"], "2026-04-30")
        self.assertEqual(
            body["customer_details"],
            {
                "name": self.customer.name,
                "address": "Main Street 1, Tartu",
                "country": "EE",
                "country_name": "Estonia",
                "email": "billing@acme.test",
                "postal": "50090",
                "phone_number": "+372 5555 5555",
                "bank_name": "",
                "bank_account": "",
                "vat_code": "EE100000001",
            },
        )
        issuer = body["issuer_details"]
        self.assertEqual(issuer["company"], self.company.name)
        self.assertEqual(
            list(issuer),
            [
                "company",
                "address",
                "country",
                "email",
                "postal",
                "phone",
                "bank",
                "account",
                "vat_code",
                "country_code",
            ],
        )
        self.assertEqual((body["backend_id"], body["payment_url"]), ("", ""))
        self.assertEqual(body["reference_number"], "")
        self.assertEqual(body["compensations"], -10.0)
        self.assertEqual(body["incurred_costs"], 104.5)

    def test_items_are_rendered_as_waldur_items(self):
        invoice = self.usage_invoice(invoice_date=datetime.date(2026, 3, 31))
        vm_line, storage_line, credit_line = invoice.invoice_line_ids
        items = self.assert_json(self.api("GET", self.detail(invoice)), 200)["items"]
        # Ordered by project name, then name: "N/A" before "Web shop".
        self.assertEqual(
            [item["uuid"] for item in items],
            [credit_line.uuid, storage_line.uuid, vm_line.uuid],
        )
        vm = items[2]
        self.assertEqual(list(vm), ITEM_KEYS)
        self.assertEqual(vm["url"], self.url(f"/api/invoice-items/{vm_line.uuid}/"))
        self.assertEqual(vm["price"], 100.0)
        self.assertEqual((vm["tax"], vm["total"]), ("20.00", "120.00"))
        self.assertEqual(vm["unit_price"], "50.0000000000")
        self.assertEqual(vm["quantity"], "2.0000000000")
        self.assertEqual(vm["unit"], "month")
        self.assertEqual(vm["measured_unit"], "percents from a month")
        self.assertEqual(vm["start"], "2026-03-01T00:00:00Z")
        self.assertEqual(vm["end"], "2026-03-31T23:59:59.999999Z")
        self.assertEqual(vm["article_code"], "VM-S")
        self.assertEqual(vm["project_name"], "Web shop")
        self.assertEqual(vm["project_uuid"], vm_line.billing_project_uuid)
        self.assertEqual(vm["resource_uuid"], vm_line.billing_resource_uuid)
        self.assertEqual(vm["resource_name"], "vm-frontend")
        self.assertIsNone(vm["resource"])
        self.assertEqual(vm["billing_type"], "fixed")
        self.assertIsNone(vm["backend_uuid"])
        self.assertFalse(vm["credit"])
        details = vm["details"]
        self.assertEqual(details["offering_name"], "Virtual machine")
        self.assertEqual(details["offering_uuid"], self.offering.uuid)
        self.assertEqual(details["service_provider_name"], self.provider.name)
        self.assertEqual(details["service_provider_uuid"], self.provider.uuid)
        self.assertEqual(details["plan_name"], "Small")
        self.assertNotIn("plan_uuid", details)  # "" would crash Waldur's client

        # An invalid stored uuid gives way to the product's and provider's own.
        vm_line.billing_details = {
            "offering_uuid": "garbage",
            "service_provider_uuid": 12,
        }
        response = self.api("GET", f"/api/invoice-items/{vm_line.uuid}/")
        details = self.assert_json(response, 200)["details"]
        self.assertEqual(details["offering_uuid"], self.offering.uuid)
        self.assertEqual(details["service_provider_uuid"], self.provider.uuid)

        storage = items[1]
        self.assertNotIn("resource_uuid", storage)
        self.assertNotIn("resource_name", storage)
        self.assertEqual(storage["measured_unit"], "GB")
        self.assertEqual(storage["unit"], "quantity")
        self.assertEqual(storage["project_name"], "N/A")
        self.assertIsNone(storage["project_uuid"])
        self.assertEqual(storage["start"], "2026-03-01T00:00:00Z")
        # Without a provider the invoicing company provides the offering.
        self.assertEqual(
            storage["details"]["service_provider_uuid"], self.company.partner_id.uuid
        )
        self.assertTrue(items[0]["credit"])
        self.assertEqual(items[0]["price"], -10.0)

    def test_zero_lines_are_hidden_and_pending_dates_left_out(self):
        invoice = self.create_invoice(
            lines=[(self.offering, 1, 100.0), (self.storage, 1, 0.0)], post=False
        )
        invoice.invoice_date = False
        body = self.assert_json(self.api("GET", self.detail(invoice)), 200)
        self.assertEqual(body["state"], "pending")
        self.assertNotIn("invoice_date", body)
        self.assertEqual(len(body["items"]), 1)
        self.assertEqual(body["incurred_costs"], 100.0)
        self.assertEqual(body["compensations"], 0.0)

    def test_sparse_fieldset(self):
        invoice = self.create_invoice()
        response = self.api(
            "GET", self.detail(invoice), params={"field": ["state", "uuid", "bogus"]}
        )
        self.assert_json(response, 200, {"uuid": invoice.uuid, "state": "created"})
        only_unknown = self.api("GET", self.detail(invoice), params={"field": "x"})
        self.assertEqual(list(self.assert_json(only_unknown, 200)), INVOICE_KEYS)

    def test_retrieve_hyphenated_and_unknown(self):
        invoice = self.create_invoice()
        hyphenated = str(uuid.UUID(invoice.uuid))
        response = self.api("GET", f"{LIST}{hyphenated}/")
        self.assertEqual(self.assert_json(response, 200)["uuid"], invoice.uuid)
        self.assert_json(self.api("GET", f"{LIST}{uuid.uuid4()}/"), 404, NOT_FOUND)
        self.assert_json(self.api("GET", f"{LIST}not-a-uuid/"), 404, NOT_FOUND)

    def test_vendor_bills_and_other_companies_are_not_invoices(self):
        bill = self.init_invoice("in_invoice", amounts=[100.0], post=True)
        self.assert_json(self.api("GET", self.detail(bill)), 404, NOT_FOUND)
        other = self.create_invoice(
            company_id=self.other_company.id,
            journal_id=self.other_company_data["default_journal_sale"].id,
            lines=[(self.offering, 1, 10.0)],
        )
        self.assert_json(self.api("GET", self.detail(other)), 404, NOT_FOUND)
        body = self.assert_json(self.api("GET", LIST), 200)
        self.assertNotIn(other.uuid, [row["uuid"] for row in body])

    def test_read_rights(self):
        invoice = self.create_invoice()
        response = self.api("GET", self.detail(invoice), key=self.readonly_key)
        self.assertEqual(self.assert_json(response, 200)["uuid"], invoice.uuid)
        response = self.api("GET", self.detail(invoice), key=self.plain_key)
        self.assert_json(response, 404, NOT_FOUND)
        response = self.api("GET", LIST, key=self.plain_key)
        self.assert_json(response, 200, [])
        self.assertEqual(response.headers["X-Result-Count"], "0")

    def test_other_verbs_are_405(self):
        invoice = self.create_invoice()
        for verb, path in [
            ("POST", LIST),
            ("DELETE", LIST),
            ("PUT", self.detail(invoice)),
            ("PATCH", self.detail(invoice)),
            ("DELETE", self.detail(invoice)),
            ("POST", self.detail(invoice, "items/")),
            ("POST", self.detail(invoice, "stats/")),
            ("GET", self.detail(invoice, "paid/")),
            ("GET", self.detail(invoice, "send_notification/")),
            ("PUT", self.detail(invoice, "set_backend_id/")),
            ("POST", f"{LIST}growth/"),
        ]:
            with self.subTest(verb=verb, path=path):
                self.assert_json(
                    self.api(verb, path),
                    405,
                    {"detail": f'Method "{verb}" not allowed.'},
                )

    def test_customer_and_item_links_resolve(self):
        invoice = self.usage_invoice()
        body = self.assert_json(self.api("GET", self.detail(invoice)), 200)
        customer = self.assert_json(
            self.api("GET", body["customer"].removeprefix(self.base_url())), 200
        )
        self.assertEqual(customer["uuid"], self.customer.uuid)
        self.assertEqual(customer["url"], body["customer"])
        self.assertEqual(customer["name"], self.customer.name)
        for item in body["items"]:
            fetched = self.assert_json(
                self.api("GET", item["url"].removeprefix(self.base_url())), 200
            )
            # The detail is the embedded item plus Waldur's six detail keys.
            self.assertEqual({key: fetched[key] for key in item}, item)
            self.assertEqual(fetched["invoice"], body["url"])
        missing = self.api("GET", f"/api/invoice-items/{uuid.uuid4().hex}/")
        self.assert_json(
            missing, 404, {"detail": "No InvoiceItem matches the given query."}
        )
        missing = self.api("GET", f"/api/customers/{uuid.uuid4().hex}/")
        self.assert_json(
            missing, 404, {"detail": "No Customer matches the given query."}
        )
