# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import uuid

from odoo.tests import tagged

from .common import BillingHttpCommon

LIST = "/api/payments/"
FORBIDDEN = {"detail": "You do not have permission to perform this action."}
NOT_FOUND = {"detail": "No Payment matches the given query."}
NO_OBJECT = "Invalid hyperlink - Object does not exist."
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PAYMENT_KEYS = [
    "uuid",
    "url",
    "profile",
    "date_of_payment",
    "sum",
    "proof",
    "invoice",
    "invoice_uuid",
    "invoice_period",
    "customer_uuid",
]


@tagged("post_install", "-at_install")
class TestWaldurPayments(BillingHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.create_invoice(
            lines=[(cls.offering, 1, 100.0)], invoice_date=datetime.date(2026, 3, 31)
        )
        cls.total = cls.invoice.amount_total

    def url(self, path):
        return self.base_url() + path

    def profile_url(self, profile=None):
        return self.url(f"/api/payment-profiles/{(profile or self.profile).uuid}/")

    def invoice_url(self, invoice=None):
        return self.url(f"/api/invoices/{(invoice or self.invoice).uuid}/")

    def detail(self, payment, suffix=""):
        return f"{LIST}{payment.uuid}/{suffix}"

    def api_create(self, **body):
        body = {"profile": self.profile_url(), "date_of_payment": "2026-04-01", **body}
        response = self.api("POST", LIST, json=body)
        data = self.assert_json(response, 201)
        return self.env["account.payment"].search([("uuid", "=", data["uuid"])])

    def assert_balanced(self):
        for move in self.env["account.move"].search([]):
            self.assertAlmostEqual(
                sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit"))
            )

    def test_scenario_create_link_patch_unlink_delete(self):
        # Create with a proof (multipart).
        response = self.api(
            "POST",
            LIST,
            data={
                "profile": self.profile_url(),
                "date_of_payment": "2026-04-01",
                "sum": str(self.total),
            },
            files={"proof": ("receipt.pdf", PDF, "application/pdf")},
        )
        body = self.assert_json(response, 201)
        payment = self.env["account.payment"].search([("uuid", "=", body["uuid"])])
        self.assertEqual(response.headers["Location"], self.url(self.detail(payment)))
        self.assertEqual(list(body), [k for k in PAYMENT_KEYS if k != "invoice_uuid"])
        self.assertEqual(body["sum"], f"{self.total:.2f}")
        self.assertEqual(body["proof"], self.url(self.detail(payment, "proof/")))
        self.assertIsNone(body["invoice"])
        self.assertIsNone(body["invoice_period"])
        self.assertEqual(body["customer_uuid"], self.customer.uuid)
        self.assertEqual(payment.state, "in_process")
        self.assertEqual(payment.move_id.state, "posted")
        proof = self.api("GET", self.detail(payment, "proof/"))
        self.assertEqual(proof.content, PDF)
        self.assertEqual(proof.headers["Content-Type"], "application/pdf")

        # Link: the invoice is paid.
        response = self.api(
            "POST",
            self.detail(payment, "link_to_invoice/"),
            json={"invoice": self.invoice_url()},
        )
        self.assert_json(
            response, 200, {"detail": "An invoice has been linked to payment."}
        )
        self.assertEqual(self.invoice.payment_state, "paid")
        self.assertEqual(payment.state, "paid")
        body = self.assert_json(self.api("GET", self.detail(payment)), 200)
        self.assertEqual(list(body), PAYMENT_KEYS)
        self.assertEqual(body["invoice"], self.invoice_url())
        self.assertEqual(body["invoice_uuid"], self.invoice.uuid)
        self.assertEqual(body["invoice_period"], "03-2026")
        self.assert_balanced()

        # Lower the sum: the invoice is partially paid.
        response = self.api("PATCH", self.detail(payment), json={"sum": "30.00"})
        self.assertEqual(self.assert_json(response, 200)["sum"], "30.00")
        self.assertEqual(self.invoice.payment_state, "partial")
        self.assertAlmostEqual(self.invoice.amount_residual, self.total - 30.0)
        self.assertEqual(self.invoice.billing_state, "created")
        self.assert_balanced()

        # Unlink: nothing paid any more.
        response = self.api("POST", self.detail(payment, "unlink_from_invoice/"))
        self.assert_json(
            response, 200, {"detail": "An invoice has been unlinked from payment."}
        )
        self.assertEqual(self.invoice.payment_state, "not_paid")
        self.assertNotIn(payment, self.invoice.matched_payment_ids)

        # Delete: gone, books balanced.
        path = self.detail(payment)
        response = self.api("DELETE", path)
        self.assertEqual(response.status_code, 204)
        self.assertFalse(payment.exists())
        self.assert_json(self.api("GET", path), 404, NOT_FOUND)
        self.assertAlmostEqual(self.invoice.amount_residual, self.total)
        self.assert_balanced()

    def test_create_defaults_and_zero_sum(self):
        payment = self.api_create()
        self.assertEqual(payment.amount, 0.0)
        self.assertEqual(payment.state, "draft")
        body = self.assert_json(self.api("GET", self.detail(payment)), 200)
        self.assertEqual(body["sum"], "0.00")
        self.assertIsNone(body["proof"])
        response = self.api("PUT", self.detail(payment), json={"sum": "12.5"})
        self.assert_json(
            response,
            400,
            {
                "profile": ["This field is required."],
                "date_of_payment": ["This field is required."],
            },
        )
        response = self.api(
            "PUT",
            self.detail(payment),
            json={
                "profile": self.profile_url(),
                "date_of_payment": "2026-04-03",
                "sum": "12.5",
            },
        )
        body = self.assert_json(response, 200)
        self.assertEqual(
            (body["sum"], body["date_of_payment"]), ("12.50", "2026-04-03")
        )
        self.assertEqual(payment.move_id.state, "posted")

    def test_create_validation(self):
        inactive = self.env["billing.payment.profile"].create(
            {"name": "Old", "partner_id": self.customer.id, "is_active": False}
        )
        cases = [
            ({"profile": self.profile_url(inactive)}, {"profile": [NO_OBJECT]}),
            (
                {"profile": self.profile_url(self.other_profile)},
                {"profile": [NO_OBJECT]},
            ),
            (
                {"profile": self.url(f"/api/invoices/{self.invoice.uuid}/")},
                {"profile": ["Invalid hyperlink - Incorrect URL match."]},
            ),
            (
                {"date_of_payment": None},
                {"date_of_payment": ["This field may not be null."]},
            ),
            (
                {"sum": "1.234"},
                {"sum": ["Ensure that there are no more than 2 decimal places."]},
            ),
            (
                {"sum": "123456789"},
                {
                    "sum": [
                        "Ensure that there are no more than 8 digits before the "
                        "decimal point."
                    ]
                },
            ),
            (
                {"sum": "-1"},
                {"sum": ["Ensure this value is greater than or equal to 0."]},
            ),
            ({"sum": "ten"}, {"sum": ["A valid number is required."]}),
            (
                {"proof": "aGVsbG8="},
                {
                    "proof": [
                        "The submitted data was not a file. Check the encoding type "
                        "on the form."
                    ]
                },
            ),
        ]
        before = self.env["account.payment"].search_count([])
        for override, errors in cases:
            with self.subTest(override=override):
                body = {
                    "profile": self.profile_url(),
                    "date_of_payment": "2026-04-01",
                    **override,
                }
                self.assert_json(self.api("POST", LIST, json=body), 400, errors)
        response = self.api("POST", LIST, json={})
        self.assert_json(
            response,
            400,
            {
                "profile": ["This field is required."],
                "date_of_payment": ["This field is required."],
            },
        )
        self.assertEqual(self.env["account.payment"].search_count([]), before)

    def test_proof_type_and_size(self):
        data = {"profile": self.profile_url(), "date_of_payment": "2026-04-01"}
        response = self.api(
            "POST",
            LIST,
            data=data,
            files={"proof": ("a.pdf", b"GIF89a", "application/pdf")},
        )
        self.assert_json(
            response, 400, {"proof": ["Upload a PDF, PNG, JPEG or WebP file."]}
        )
        self.env["ir.config_parameter"].sudo().set_param(
            "billing_payments.proof_max_size", "20"
        )
        response = self.api(
            "POST", LIST, data=data, files={"proof": ("a.pdf", PDF, "application/pdf")}
        )
        body = self.assert_json(response, 413)
        self.assertIn("at most 20 bytes", body["proof"][0])
        # The invoice's paid action uses the same rules.
        response = self.api(
            "POST",
            f"/api/invoices/{self.invoice.uuid}/paid/",
            data={"date": "2026-04-01"},
            files={"proof": ("a.pdf", PDF, "application/pdf")},
        )
        self.assert_json(response, 413)
        self.assertFalse(self.env["account.payment"].search([]))

    def test_link_errors(self):
        payment = self.api_create(sum="10.00")
        path = self.detail(payment, "link_to_invoice/")
        draft = self.create_invoice(post=False)
        other = self.create_invoice(partner=self.other_customer)
        cases = [
            ({}, {"invoice": ["This field is required."]}),
            ({"invoice": self.invoice_url(draft)}, {"invoice": [NO_OBJECT]}),
            (
                {"invoice": self.url(f"/api/invoices/{uuid.uuid4().hex}/")},
                {"invoice": [NO_OBJECT]},
            ),
            (
                {"invoice": self.invoice_url(other)},
                ["The passed invoice does not belong to the selected customer."],
            ),
        ]
        for body, errors in cases:
            with self.subTest(body=body):
                self.assert_json(self.api("POST", path, json=body), 400, errors)
        self.assertFalse(payment.invoice_ids)
        self.api("POST", path, json={"invoice": self.invoice_url()})
        self.assert_json(
            self.api("POST", path, json={"invoice": "garbage"}),
            400,
            ["Link to an invoice exists."],
        )
        unlink = self.detail(payment, "unlink_from_invoice/")
        self.assertEqual(self.api("POST", unlink).status_code, 200)
        self.assert_json(
            self.api("POST", unlink), 400, ["Link to an invoice does not exist."]
        )

    def test_list_filters_and_order(self):
        first = self.api_create(sum="1.00")
        second = self.api_create(sum="2.00", date_of_payment="2026-04-02")
        hidden = self.api_create(sum="3.00")
        hidden._billing_delete()  # deleted (or cancelled): not listed
        response = self.api("GET", LIST)
        body = self.assert_json(response, 200)
        self.assertEqual([row["uuid"] for row in body], [first.uuid, second.uuid])
        self.assertEqual(response.headers["X-Result-Count"], "2")

        def listed(**params):
            response = self.api("GET", LIST, params=params)
            return [row["uuid"] for row in self.assert_json(response, 200)]

        self.assertEqual(listed(date_of_payment="2026-04-02"), [second.uuid])
        self.assertEqual(
            listed(profile_uuid=str(uuid.UUID(self.profile.uuid))),
            [first.uuid, second.uuid],
        )
        self.assertEqual(listed(profile=self.profile_url()), [first.uuid, second.uuid])
        self.assertEqual(listed(profile_uuid=uuid.uuid4().hex), [])
        self.assertEqual(listed(page_size=1, page=2), [second.uuid])
        self.assert_json(
            self.api("GET", LIST, params={"date_of_payment": "x"}),
            400,
            {"date_of_payment": ["Enter a valid date."]},
        )
        head = self.api("HEAD", LIST)
        self.assertEqual(head.headers["X-Result-Count"], "2")

    def test_rights(self):
        payment = self.api_create(sum="5.00")
        missing = f"{LIST}{uuid.uuid4().hex}/"
        writes = [
            ("POST", LIST),
            ("PUT", self.detail(payment)),
            ("PATCH", self.detail(payment)),
            ("DELETE", self.detail(payment)),
            ("POST", self.detail(payment, "link_to_invoice/")),
            ("POST", self.detail(payment, "unlink_from_invoice/")),
            ("PATCH", missing),
            ("POST", missing + "link_to_invoice/"),
        ]
        for verb, path in writes:
            with self.subTest(verb=verb, path=path):
                response = self.api(verb, path, json={}, key=self.readonly_key)
                self.assert_json(response, 403, FORBIDDEN)
        self.assertEqual(payment.amount, 5.0)
        response = self.api("GET", self.detail(payment), key=self.readonly_key)
        self.assertEqual(self.assert_json(response, 200)["uuid"], payment.uuid)
        response = self.api("GET", self.detail(payment), key=self.plain_key)
        self.assert_json(response, 404, NOT_FOUND)
        # The proof download is visible exactly like the payment.
        payment._billing_set_proof(("p.pdf", PDF))
        proof = self.api("GET", self.detail(payment, "proof/"), key=self.readonly_key)
        self.assertEqual(proof.content, PDF)
        response = self.api("GET", self.detail(payment, "proof/"), key=self.plain_key)
        self.assert_json(response, 404, NOT_FOUND)
        self.assert_json(self.api("PATCH", missing, json={}), 404, NOT_FOUND)
        self.assert_json(
            self.api("POST", LIST + "x/"),
            405,
            {"detail": 'Method "POST" not allowed.'},
        )

    def test_other_company_payment_is_not_found(self):
        other = self.create_payment(10.0, profile=self.other_profile)
        self.assert_json(self.api("GET", self.detail(other)), 404, NOT_FOUND)
        self.assert_json(self.api("GET", LIST), 200, [])

    def test_locked_period_is_a_conflict(self):
        payment = self.api_create(sum="10.00", date_of_payment="2026-01-10")
        self.company.sudo().fiscalyear_lock_date = datetime.date(2026, 1, 31)
        for verb, body in (("PATCH", {"sum": "20.00"}), ("DELETE", None)):
            with self.subTest(verb=verb):
                response = self.api(verb, self.detail(payment), json=body)
                detail = self.assert_json(response, 409)["detail"]
                self.assertIn("locked", detail)
        self.assertEqual(payment.amount, 10.0)
        self.assertEqual(payment.move_id.state, "posted")

    def test_list_query_count_does_not_grow_with_page_size(self):
        invoices = [self.create_invoice() for _ in range(6)]
        for index in range(24):
            payment = self.env["account.payment"]._billing_create_payment(
                self.profile,
                datetime.date(2026, 4, 1),
                1.0,
                proof=("p.pdf", PDF) if index % 2 else None,
            )
            if index < len(invoices):
                payment._billing_link_invoice(invoices[index])

        def queries(page_size):
            count, body = self.list_queries(LIST, {"page_size": page_size})
            self.assertEqual(len(body), page_size)
            self.assertEqual(sum(1 for row in body if "invoice_uuid" in row), 6)
            return count

        small, large = queries(6), queries(24)
        self.assertEqual(small, large)
