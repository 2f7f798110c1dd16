import datetime
import io
import re
import uuid
import zipfile
from xml.etree import ElementTree

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import WaldurInvoiceCommon

LIST = "/api/invoices/"
FORBIDDEN = {"detail": "You do not have permission to perform this action."}
NOT_FOUND = {"detail": "No Invoice matches the given query."}
INVOICE_KEYS = [
    "url",
    "uuid",
    "number",
    "customer",
    "price",
    "tax",
    "total",
    "state",
    "year",
    "month",
    "issuer_details",
    "invoice_date",
    "due_date",
    "customer_details",
    "items",
    "backend_id",
    "payment_url",
    "reference_number",
    "compensations",
    "incurred_costs",
]
ITEM_KEYS = [
    "uuid",
    "url",
    "name",
    "price",
    "tax",
    "total",
    "unit_price",
    "unit",
    "measured_unit",
    "start",
    "end",
    "article_code",
    "project_name",
    "project_uuid",
    "quantity",
    "details",
    "resource",
    "resource_uuid",
    "resource_name",
    "billing_type",
    "backend_uuid",
    "credit",
]


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
            self.assertEqual(fetched, item)
        missing = self.api("GET", f"/api/invoice-items/{uuid.uuid4().hex}/")
        self.assert_json(
            missing, 404, {"detail": "No InvoiceItem matches the given query."}
        )
        missing = self.api("GET", f"/api/customers/{uuid.uuid4().hex}/")
        self.assert_json(
            missing, 404, {"detail": "No Customer matches the given query."}
        )


@tagged("post_install", "-at_install")
class TestWaldurInvoiceList(WaldurInvoiceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.march = cls.create_invoice(invoice_date=datetime.date(2026, 3, 15))
        cls.april = cls.create_invoice(invoice_date=datetime.date(2026, 4, 2))
        cls.may_draft = cls.create_invoice(
            invoice_date=datetime.date(2026, 5, 20), post=False
        )
        cls.feb_paid = cls.create_invoice(
            partner=cls.other_customer, invoice_date=datetime.date(2026, 2, 1)
        )
        cls.register_payment(cls.feb_paid)
        cls.jan_canceled = cls.create_invoice(invoice_date=datetime.date(2026, 1, 9))
        cls.jan_canceled.button_cancel()
        cls.refund = cls.create_invoice(move_type="out_refund")

    def uuids(self, response):
        return [row["uuid"] for row in self.assert_json(response, 200)]

    def listed(self, **params):
        return self.uuids(self.api("GET", LIST, params=params))

    def test_default_order_newest_period_first(self):
        response = self.api("GET", LIST)
        self.assertEqual(
            self.uuids(response),
            [
                self.may_draft.uuid,
                self.april.uuid,
                self.march.uuid,
                self.feb_paid.uuid,
                self.jan_canceled.uuid,
            ],
        )
        self.assertEqual(response.headers["X-Result-Count"], "5")  # no refund

    def test_state_filter_repeatable(self):
        self.assertEqual(self.listed(state="paid"), [self.feb_paid.uuid])
        self.assertEqual(
            self.listed(state=["pending", "canceled"]),
            [self.may_draft.uuid, self.jan_canceled.uuid],
        )
        self.assertEqual(self.listed(state="pending_finalization"), [])
        response = self.api("GET", LIST, params={"state": "pending,paid"})
        self.assert_json(
            response,
            400,
            {
                "state": [
                    "Select a valid choice. pending,paid is not one of the "
                    "available choices."
                ]
            },
        )

    def test_customer_filters(self):
        other = self.other_customer
        self.assertEqual(self.listed(customer_uuid=other.uuid), [self.feb_paid.uuid])
        hyphenated = str(uuid.UUID(other.uuid))
        self.assertEqual(self.listed(customer_uuid=hyphenated), [self.feb_paid.uuid])
        url = f"https://elsewhere.example/api/customers/{other.uuid}/"
        self.assertEqual(self.listed(customer=url), [self.feb_paid.uuid])
        self.assertEqual(self.listed(customer="https://x.example/api/nope/1/"), [])
        self.assert_json(
            self.api("GET", LIST, params={"customer_uuid": "zzz"}),
            400,
            {"customer_uuid": ["Enter a valid UUID."]},
        )

    def test_period_filters(self):
        self.assertEqual(self.listed(year=2026, month=4), [self.april.uuid])
        self.assertEqual(self.listed(created="2026-03-01"), [self.march.uuid])
        self.assertEqual(self.listed(created="2026-03-15"), [])
        self.assertEqual(
            self.listed(start_date="2026-03-01"), [self.may_draft.uuid, self.april.uuid]
        )
        self.assertEqual(self.listed(end_date="2026-02-01"), [self.jan_canceled.uuid])
        for name, value, message in [
            ("year", "twenty", "Enter a number."),
            ("month", "1.5", "Enter a number."),
            ("created", "2026-13-01", "Enter a valid date."),
            ("start_date", "yesterday", "Enter a valid date."),
            ("end_date", "2026/01/01", "Enter a valid date."),
            ("created", "20260301", "Enter a valid date."),
        ]:
            with self.subTest(name=name):
                response = self.api("GET", LIST, params={name: value})
                self.assert_json(response, 400, {name: [message]})

    def test_ordering(self):
        self.assertEqual(
            self.listed(o="created"),
            [
                self.jan_canceled.uuid,
                self.feb_paid.uuid,
                self.march.uuid,
                self.april.uuid,
                self.may_draft.uuid,
            ],
        )
        self.assertEqual(self.listed(o="-month", state="created")[0], self.april.uuid)
        # Comma-separated keys; a repeated ``o`` keeps only its last value.
        self.assertEqual(
            self.listed(o=["created", "year,-month"])[:2],
            [self.may_draft.uuid, self.april.uuid],
        )
        self.assert_json(
            self.api("GET", LIST, params={"o": "total"}),
            400,
            {
                "o": [
                    "Select a valid choice. total is not one of the available choices."
                ]
            },
        )

    def test_pagination(self):
        response = self.api("GET", LIST, params={"page_size": 2, "page": 2})
        self.assertEqual(self.uuids(response), [self.march.uuid, self.feb_paid.uuid])
        base = self.url(LIST)
        self.assertEqual(response.headers["X-Result-Count"], "5")
        self.assertEqual(
            response.headers["Link"],
            f'<{base}?page_size=2>; rel="first", <{base}?page_size=2>; rel="prev", '
            f'<{base}?page=3&page_size=2>; rel="next", '
            f'<{base}?page=3&page_size=2>; rel="last"',
        )
        last = self.api("GET", LIST, params={"page_size": 2, "page": "last"})
        self.assertEqual(self.uuids(last), [self.jan_canceled.uuid])
        self.assertNotIn('rel="next"', last.headers["Link"])
        for page in ("4", "0", "x"):
            response = self.api("GET", LIST, params={"page_size": 2, "page": page})
            self.assert_json(response, 404, {"detail": "Invalid page."})
        # Out-of-range sizes are capped or ignored, as DRF does.
        self.assertEqual(len(self.listed(page_size=1000)), 5)
        self.assertEqual(len(self.listed(page_size=-3)), 5)

    def test_head_counts(self):
        response = self.api("HEAD", LIST, params={"state": "created"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["X-Result-Count"], "2")
        self.assertEqual(response.content, b"")

    def test_sparse_fields_on_list(self):
        body = self.assert_json(
            self.api("GET", LIST, params={"field": ["number", "state"], "year": 2026}),
            200,
        )
        self.assertTrue(body)
        self.assertTrue(all(list(row) == ["number", "state"] for row in body))

    def test_query_count_does_not_grow_with_page_size(self):
        customer = self.env["res.partner"].create({"name": "Bulk customer"})
        products = [
            self._create_product(
                name=f"Offering {i}",
                default_code=f"OF-{i}",
                categ_id=self.category.id,
                service_provider_id=self.provider.id,
            )
            for i in range(20)
        ]
        lines = [(product, 1, 10.0 + i) for i, product in enumerate(products)]
        self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": datetime.date(2026, 3, 1),
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": p.id, "quantity": q, "price_unit": u}
                        )
                        for p, q, u in lines
                    ],
                }
                for _ in range(100)
            ]
        ).action_post()

        def queries(page_size):
            params = {"customer_uuid": customer.uuid, "page_size": page_size}
            count, body = self.list_queries(LIST, params)
            self.assertEqual(len(body), page_size)
            self.assertEqual(sum(len(row["items"]) for row in body), 20 * page_size)
            return count

        small, large = queries(10), queries(100)
        self.assertEqual(small, large)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@tagged("post_install", "-at_install")
class TestWaldurInvoiceActions(WaldurInvoiceCommon):
    def assert_balanced(self, *moves):
        for move in moves:
            lines = move.line_ids
            self.assertAlmostEqual(
                sum(lines.mapped("debit")), sum(lines.mapped("credit"))
            )

    def test_paid_registers_a_reconciled_payment(self):
        invoice = self.usage_invoice()
        response = self.api(
            "POST", self.detail(invoice, "paid/"), json={"date": "2026-04-10"}
        )
        body = self.assert_json(response, 200)
        self.assertEqual(body["uuid"], invoice.uuid)
        self.assertEqual(body["state"], "paid")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.billing_state, "paid")
        payment = invoice.matched_payment_ids
        self.assertEqual(len(payment), 1)
        self.assertEqual(payment.state, "paid")
        self.assertTrue(payment.is_reconciled)
        self.assertEqual(payment.date, datetime.date(2026, 4, 10))
        self.assertEqual(payment.amount, invoice.amount_total)
        self.assertEqual(payment.journal_id, self.profile.journal_id)
        self.assertEqual(payment.payment_profile_id, self.profile)
        self.assertEqual(payment.move_id.state, "posted")
        self.assert_balanced(invoice, payment.move_id)
        receivable = (invoice.line_ids | payment.move_id.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertTrue(all(receivable.mapped("reconciled")))
        self.assertFalse(payment.proof)

    def test_paid_with_empty_body_pays_today_and_pays_the_residual(self):
        invoice = self.create_invoice(lines=[(self.offering, 1, 100.0)])
        self.register_payment(invoice, amount=40.0)
        self.assertEqual(invoice.billing_state, "created")  # partially paid
        response = self.api("POST", self.detail(invoice, "paid/"))
        self.assertEqual(self.assert_json(response, 200)["state"], "paid")
        payment = invoice.matched_payment_ids.filtered("payment_profile_id")
        self.assertEqual(payment.date, fields.Date.today())
        self.assertEqual(payment.amount, invoice.amount_total - 40.0)
        self.assertEqual(invoice.payment_state, "paid")

    def test_paid_multipart_with_proof(self):
        invoice = self.create_invoice()
        response = self.api(
            "POST",
            self.detail(invoice, "paid/"),
            data={"date": "2026-04-01"},
            files={"proof": ("receipt.pdf", PDF, "application/pdf")},
        )
        self.assert_json(response, 200)
        payment = invoice.matched_payment_ids
        self.assertEqual(payment._billing_proof_content(), PDF)
        self.assertEqual(payment.proof_filename, "receipt.pdf")
        self.assertEqual(payment.proof_mimetype, "application/pdf")

    def test_paid_form_body(self):
        invoice = self.create_invoice()
        response = self.api(
            "POST", self.detail(invoice, "paid/"), data={"date": "2026-04-02"}
        )
        self.assert_json(response, 200)
        self.assertEqual(invoice.matched_payment_ids.date, datetime.date(2026, 4, 2))

    def test_paid_validation_writes_nothing(self):
        invoice = self.create_invoice()
        path = self.detail(invoice, "paid/")
        cases = [
            ({"json": {"note": "x"}}, {"date": ["This field is required."]}),
            ({"json": {"date": None}}, {"date": ["This field may not be null."]}),
            (
                {"json": {"date": "01.04.2026"}},
                {
                    "date": [
                        "Date has wrong format. Use one of these formats instead: "
                        "YYYY-MM-DD."
                    ]
                },
            ),
            (
                {"json": {"date": "2026-04-01", "proof": "aGVsbG8="}},
                {
                    "proof": [
                        "The submitted data was not a file. Check the encoding type "
                        "on the form."
                    ]
                },
            ),
            (
                {
                    "data": {"date": "2026-04-01"},
                    "files": {"proof": ("x.exe", b"MZ\x90\x00", "application/pdf")},
                },
                {"proof": ["Upload a PDF, PNG, JPEG or WebP file."]},
            ),
            (
                {
                    "data": {"date": "2026-04-01"},
                    "files": {"proof": ("empty.pdf", b"", "application/pdf")},
                },
                {"proof": ["The submitted file is empty."]},
            ),
            (
                {"data": b"{not json", "headers": {"Content-Type": "application/json"}},
                None,
            ),
        ]
        for kwargs, expected in cases:
            with self.subTest(kwargs=kwargs):
                response = self.api("POST", path, **kwargs)
                body = self.assert_json(response, 400)
                if expected is not None:
                    self.assertEqual(body, expected)
                else:
                    self.assertTrue(body["detail"].startswith("JSON parse error"))
        self.assertFalse(invoice.matched_payment_ids)
        self.assertEqual(invoice.billing_state, "created")
        self.assertFalse(self.env["account.payment"].search([]).filtered("proof"))

    def test_paid_needs_created_state(self):
        draft = self.create_invoice(post=False)
        paid = self.create_invoice()
        self.register_payment(paid)
        for invoice in (draft, paid):
            response = self.api("POST", self.detail(invoice, "paid/"), json={})
            self.assert_json(
                response, 409, {"detail": "Valid states for operation: Created."}
            )

    def test_paid_needs_an_active_profile(self):
        invoice = self.create_invoice(partner=self.other_customer)
        response = self.api("POST", self.detail(invoice, "paid/"), json={})
        self.assert_json(
            response, 400, ["The active profile for this customer does not exist."]
        )
        self.assertFalse(invoice.matched_payment_ids)

    def test_writes_need_billing_rights_before_lookup(self):
        invoice = self.create_invoice()
        missing = f"{LIST}{uuid.uuid4().hex}/"
        for action in (
            "paid/",
            "send_notification/",
            "set_backend_id/",
            "set_payment_url/",
            "set_reference_number/",
        ):
            for key in (self.readonly_key, self.plain_key):
                for path in (self.detail(invoice, action), missing + action):
                    with self.subTest(action=action, path=path):
                        response = self.api("POST", path, json={}, key=key)
                        self.assert_json(response, 403, FORBIDDEN)
            response = self.api("POST", missing + action, json={})
            self.assert_json(response, 404, NOT_FOUND)
        self.assertEqual(invoice.billing_state, "created")
        self.assertFalse(invoice.sending_data)

    def test_other_company_invoice_is_404_for_actions(self):
        other = self.create_invoice(
            company_id=self.other_company.id,
            journal_id=self.other_company_data["default_journal_sale"].id,
        )
        for action in ("paid/", "set_backend_id/", "items/", "stats/"):
            method = "GET" if action in ("items/", "stats/") else "POST"
            response = self.api(method, self.detail(other, action), json={})
            self.assert_json(response, 404, NOT_FOUND)
        self.assertEqual(other.sudo().billing_state, "created")

    def test_set_fields(self):
        invoice = self.create_invoice(post=False)
        for name, value in [
            ("backend_id", "ERP-42"),
            ("payment_url", "https://pay.example/i/42"),
            ("reference_number", "RF18 5390 0754 7034"),
        ]:
            with self.subTest(name=name):
                path = self.detail(invoice, f"set_{name}/")
                self.assertEqual(
                    self.api("POST", path, json={name: value}).status_code, 200
                )
                self.assertEqual(invoice[name], value)
                self.assertEqual(self.api("POST", path, json={}).status_code, 200)
                self.assertEqual(invoice[name], value)  # {} changes nothing
                self.assertEqual(
                    self.api("POST", path, data={name: ""}).status_code, 200
                )
                self.assertFalse(invoice[name])
        # Any state: also on a cancelled invoice.
        invoice.button_cancel()
        path = self.detail(invoice, "set_backend_id/")
        self.api("POST", path, json={"backend_id": 12345})
        self.assertEqual(invoice.backend_id, "12345")

    def test_set_fields_validation(self):
        invoice = self.create_invoice(backend_id="keep")
        cases = [
            ("backend_id", None, "This field may not be null."),
            (
                "backend_id",
                "x" * 256,
                "Ensure this field has no more than 255 characters.",
            ),
            ("payment_url", "ftp://pay.example", "Enter a valid URL."),
            ("payment_url", "not a url", "Enter a valid URL."),
            (
                "payment_url",
                "https://pay.example/" + "x" * 190,
                "Ensure this field has no more than 200 characters.",
            ),
            (
                "reference_number",
                "9" * 301,
                "Ensure this field has no more than 300 characters.",
            ),
            ("reference_number", ["a"], "Not a valid string."),
        ]
        for name, value, message in cases:
            with self.subTest(name=name, value=value):
                path = self.detail(invoice, f"set_{name}/")
                response = self.api("POST", path, json={name: value})
                self.assert_json(response, 400, {name: [message]})
        self.assertEqual(invoice.backend_id, "keep")
        self.assertFalse(invoice.payment_url)

    def test_send_notification_queues_the_invoice_email(self):
        invoice = self.create_invoice()
        response = self.api("POST", self.detail(invoice, "send_notification/"))
        self.assert_json(
            response,
            200,
            {"detail": "Invoice notification sending has been successfully scheduled."},
        )
        # Queued for Odoo's sending cron; nothing was sent in the request.
        self.assertTrue(invoice.sending_data)
        self.assertFalse(invoice.is_move_sent)
        cron = self.env.ref("account.ir_cron_account_move_send")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        mails_before = self.env["mail.mail"].search([])
        self.env["account.move"].with_context(
            mail_notify_force_send=False
        )._cron_account_move_send()
        self.assertTrue(invoice.is_move_sent)
        self.assertFalse(invoice.sending_data)
        mail = self.env["mail.mail"].search([]) - mails_before
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.model, "account.move")
        self.assertEqual(mail.res_id, invoice.id)
        self.assertIn(self.customer, mail.recipient_ids)
        self.assertTrue(mail.attachment_ids)  # the rendered invoice

    def test_send_notification_without_pdf_renderer_posts_the_mail(self):
        invoice = self.create_invoice()
        pdf_available = type(invoice)._billing_invoice_pdf_available
        try:
            type(invoice)._billing_invoice_pdf_available = lambda self: False
            mails_before = self.env["mail.mail"].search([])
            response = self.api("POST", self.detail(invoice, "send_notification/"))
        finally:
            type(invoice)._billing_invoice_pdf_available = pdf_available
        self.assert_json(response, 200)
        self.assertFalse(invoice.sending_data)
        self.assertTrue(invoice.is_move_sent)
        mail = self.env["mail.mail"].search([]) - mails_before
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")  # left to the mail queue
        self.assertIn(self.customer, mail.recipient_ids)
        self.assertIn(invoice.name, mail.subject)

    def test_send_notification_errors(self):
        draft = self.create_invoice(post=False)
        response = self.api("POST", self.detail(draft, "send_notification/"))
        self.assert_json(
            response, 400, ["Notification only for the created invoice can be sent."]
        )
        no_email = self.create_invoice(partner=self.other_customer)
        self.other_customer.email = False
        response = self.api("POST", self.detail(no_email, "send_notification/"))
        body = self.assert_json(response, 400)
        self.assertIn("no e-mail address", body[0])
        self.assertFalse(no_email.sending_data)


@tagged("post_install", "-at_install")
class TestWaldurInvoiceItemsAndStats(WaldurInvoiceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_provider = cls.env["res.partner"].create(
            {"name": "Another Provider", "is_company": True}
        )
        cls.backup = cls._create_product(
            name="Backup",
            default_code="BAK",
            categ_id=cls.env["product.category"].create({"name": "Storage"}).id,
            service_provider_id=cls.other_provider.id,
            taxes_id=[Command.set(cls.tax.ids)],
        )
        cls.invoice = cls.usage_invoice(invoice_date=datetime.date(2026, 3, 31))
        cls.invoice.button_draft()
        cls.invoice.write(
            {
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.backup.id,
                            "quantity": 4,
                            "price_unit": 2.5,
                            "billing_resource_name": "db-backup",
                            "billing_resource_uuid": uuid.uuid4().hex,
                            "billing_project_name": "Analytics",
                            "billing_project_uuid": uuid.uuid4().hex,
                        }
                    ),
                    Command.create(
                        {"product_id": cls.offering.id, "quantity": 1, "price_unit": 0}
                    ),
                ]
            }
        )
        cls.invoice.action_post()
        cls.vm, cls.obj, cls.credit, cls.bak, cls.zero = cls.invoice.invoice_line_ids

    def items(self, **params):
        response = self.api("GET", self.detail(self.invoice, "items/"), params=params)
        return [item["uuid"] for item in self.assert_json(response, 200)]

    def test_items_default_order_and_zero_lines(self):
        # By stored project name (none first), then name; the zero line is hidden.
        self.assertEqual(
            self.items(),
            [self.credit.uuid, self.obj.uuid, self.bak.uuid, self.vm.uuid],
        )

    def test_items_filters(self):
        self.assertEqual(self.items(query="FRONT"), [self.vm.uuid])
        self.assertEqual(
            self.items(project_uuid=str(uuid.UUID(self.bak.billing_project_uuid))),
            [self.bak.uuid],
        )
        self.assertEqual(self.items(offering_uuid=self.backup.uuid), [self.bak.uuid])
        self.assertEqual(
            self.items(provider_uuid=self.company.partner_id.uuid), [self.obj.uuid]
        )
        self.assertEqual(
            self.items(provider_uuid=str(uuid.UUID(self.provider.uuid))),
            [self.credit.uuid, self.vm.uuid],
        )
        self.assertEqual(
            self.items(conceal_compensation_items="true"),
            [self.obj.uuid, self.bak.uuid, self.vm.uuid],
        )
        self.assertEqual(len(self.items(conceal_compensation_items="1")), 4)
        response = self.api(
            "GET", self.detail(self.invoice, "items/"), params={"offering_uuid": "no"}
        )
        self.assert_json(response, 400, {"offering_uuid": ["Enter a valid UUID."]})

    def test_items_ordering(self):
        by_name = sorted(
            [self.vm, self.obj, self.credit, self.bak], key=lambda line: line.name
        )
        self.assertEqual(self.items(o="name"), [line.uuid for line in by_name])
        self.assertEqual(
            self.items(o="-name"), [line.uuid for line in reversed(by_name)]
        )
        # Lines without a resource come first ascending, last descending.
        self.assertEqual(
            self.items(o="resource_name")[2:], [self.bak.uuid, self.vm.uuid]
        )
        self.assertEqual(
            self.items(o="-resource_name")[:2], [self.vm.uuid, self.bak.uuid]
        )
        self.assertEqual(
            self.items(o="-project_name")[:2], [self.vm.uuid, self.bak.uuid]
        )
        by_provider = self.items(o="provider_name")
        self.assertEqual(by_provider.index(self.bak.uuid), 0)
        self.assert_json(
            self.api("GET", self.detail(self.invoice, "items/"), params={"o": "price"}),
            400,
            {
                "o": [
                    "Select a valid choice. price is not one of the available choices."
                ]
            },
        )

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
            f"invoice-{100000 + self.invoice.id}-stats.xlsx",
            response.headers["Content-Disposition"],
        )
        sheet = read_xlsx_sheet(response.content)
        self.assertEqual(sheet["rows"][0][:2], ["Offering", "Offering UUID"])
        self.assertEqual(
            sheet["rows"][0][5], f"Price ({self.invoice.currency_id.name})"
        )
        body = self.assert_json(
            self.api("GET", self.detail(self.invoice, "stats/")), 200
        )
        data_rows = sheet["rows"][1:-1]
        self.assertEqual(
            [row[0] for row in data_rows], [r["offering_name"] for r in body]
        )
        self.assertEqual([row[1] for row in data_rows], [r["uuid"] for r in body])
        # Amounts are numeric cells, not text.
        self.assertEqual(
            [row[5:8] for row in data_rows],
            [
                [r["aggregated_price"], r["aggregated_tax"], r["aggregated_total"]]
                for r in body
            ],
        )
        totals = sheet["rows"][-1]
        self.assertEqual(totals[0], "Total")
        self.assertEqual(totals[5:8], [104.5, 22.9, 127.4])
        self.assertEqual(sheet["formulas"][-1], "SUM(H2:H4)")
        self.assertTrue(sheet["frozen"])
        self.assertEqual(sheet["autofilter"], "A1:H4")
        self.assertTrue(sheet["header_bold"])


@tagged("post_install", "-at_install")
class TestWaldurInvoiceGrowth(WaldurInvoiceCommon):
    GROWTH = f"{LIST}growth/"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.this_month = fields.Date.today().replace(day=1)
        cls.big, cls.middle, cls.small = cls.env["res.partner"].create(
            [{"name": "Zeta Big"}, {"name": "Alpha Middle"}, {"name": "Small"}]
        )

        def invoice(partner, months_ago, amount, **vals):
            day = cls.this_month - relativedelta(months=months_ago)
            return cls.create_invoice(
                partner=partner,
                lines=[(cls.storage, 1, amount)],  # 20 % tax
                invoice_date=day,
                **vals,
            )

        invoice(cls.big, 0, 1000.0)
        invoice(cls.big, 2, 500.0)
        invoice(cls.middle, 0, 300.0)
        invoice(cls.middle, 12, 50.0)  # first period
        invoice(cls.small, 1, 100.0, post=False)  # pending counts too
        invoice(cls.small, 1, 900.0).button_cancel()  # cancelled does not
        invoice(cls.small, 13, 7000.0)  # before the first period

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


def read_xlsx_sheet(content):
    """The first sheet of an XLSX file: cell values (typed), formulas, layout.

    Reads the Office Open XML directly (no spreadsheet library needed), so the
    test checks what is really in the file: numbers as numeric cells, text as
    shared strings.
    """
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    archive = zipfile.ZipFile(io.BytesIO(content))
    strings = [
        "".join(node.itertext())
        for node in ElementTree.fromstring(
            archive.read("xl/sharedStrings.xml")
        ).findall("m:si", ns)
    ]
    sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    fonts = styles.find("m:fonts", ns).findall("m:font", ns)
    cell_formats = styles.find("m:cellXfs", ns).findall("m:xf", ns)
    rows, formulas, header_bold = [], [], True
    for row in sheet.find("m:sheetData", ns).findall("m:row", ns):
        values = []
        for cell in row.findall("m:c", ns):
            column = re.match(r"[A-Z]+", cell.get("r")).group()
            index = sum(
                (ord(char) - 64) * 26**power
                for power, char in enumerate(reversed(column))
            )
            values.extend([None] * (index - 1 - len(values)))
            value = cell.find("m:v", ns)
            formula = cell.find("m:f", ns)
            if formula is not None:
                formulas.append(formula.text)
            if cell.get("t") == "s":
                values.append(strings[int(value.text)])
            elif value is not None:
                values.append(float(value.text))
            else:
                values.append(None)
            if row.get("r") == "1":
                font = fonts[int(cell_formats[int(cell.get("s", 0))].get("fontId", 0))]
                header_bold = header_bold and font.find("m:b", ns) is not None
        rows.append(values)
    pane = sheet.find("m:sheetViews/m:sheetView/m:pane", ns)
    autofilter = sheet.find("m:autoFilter", ns)
    return {
        "rows": rows,
        "formulas": formulas,
        "frozen": pane is not None and pane.get("state") == "frozen",
        "autofilter": autofilter.get("ref") if autofilter is not None else None,
        "header_bold": header_bold,
    }


@tagged("post_install", "-at_install")
class TestInvoiceWebClientActions(WaldurInvoiceCommon):
    """The invoice form's buttons use the same model methods as the API."""

    def test_export_stats_button_downloads_the_xlsx(self):
        invoice = self.usage_invoice()
        action = invoice.with_user(self.billing_user).action_billing_export_stats()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.authenticate("billing_clerk", "billing_clerk")
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        sheet = read_xlsx_sheet(response.content)
        self.assertEqual(
            [row[0] for row in sheet["rows"][1:-1]],
            ["Virtual machine", "Object storage"],
        )
        bill = self.init_invoice("in_invoice", amounts=[10.0], post=True)
        missing = self.url_open(f"/billing_payments/invoices/{bill.id}/stats.xlsx")
        self.assertEqual(missing.status_code, 404)

    def test_send_notification_button_queues_the_email(self):
        invoice = self.create_invoice()
        action = invoice.with_user(self.billing_user).action_billing_send_notification()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(invoice.sending_data["billing_sending_methods"], ["email"])
