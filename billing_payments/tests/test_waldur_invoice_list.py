# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""GET /api/invoices/: order, filters, ordering, pagination and query count."""

import datetime
import uuid

from odoo import Command
from odoo.tests import tagged

from .common import LIST, WaldurInvoiceCommon


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
