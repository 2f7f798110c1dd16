# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import datetime
import io

from PIL import Image

from odoo.tests import tagged

from .common import BillingHttpCommon

# Starts like a PNG, then a chunk whose type is not ASCII: Odoo's image
# post-processing (PIL) raised UnicodeDecodeError on it, a 500 (found by
# tests/test_crash_safety.py, whose proofs are random bytes after the
# signature).
DAMAGED_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0d\xe5\xe5\xe5\xe5" + b"\x00" * 40


def large_png():
    """A real PNG wider than Odoo's 1920 px resize limit."""
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestProofKeptAsUploaded(BillingHttpCommon):
    """A proof of payment is stored byte for byte, wherever it comes in:
    never shrunk as Odoo shrinks large images, never parsed as an image."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.create_invoice(
            lines=[(cls.offering, 1, 100.0)], invoice_date=datetime.date(2026, 3, 31)
        )

    def assert_stored_as_sent(self, payment, content):
        self.assertEqual(payment._billing_proof_content(), content)
        copies = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "account.payment"),
                ("res_id", "=", payment.id),
                ("res_field", "=", False),
            ]
        )
        self.assertEqual(copies.mapped("raw"), [content])

    def create_with_proof(self, content):
        response = self.api(
            "POST",
            "/api/payments/",
            data={
                "profile": self.base_url()
                + f"/api/payment-profiles/{self.profile.uuid}/",
                "date_of_payment": "2026-04-01",
                "sum": "10.00",
            },
            files={"proof": ("proof.png", content, "image/png")},
        )
        uuid = self.assert_json(response, 201)["uuid"]
        return self.env["account.payment"].search([("uuid", "=", uuid)])

    def test_damaged_png_is_stored_not_a_server_error(self):
        payment = self.create_with_proof(DAMAGED_PNG)
        self.assert_stored_as_sent(payment, DAMAGED_PNG)
        response = self.api("GET", f"/api/payments/{payment.uuid}/proof/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, DAMAGED_PNG)

    def test_large_image_is_not_shrunk(self):
        content = large_png()
        payment = self.create_with_proof(content)
        self.assert_stored_as_sent(payment, content)

    def test_paid_with_damaged_png_keeps_both_copies(self):
        response = self.api(
            "POST",
            f"/api/invoices/{self.invoice.uuid}/paid/",
            data={"date": "2026-04-01"},
            files={"proof": ("proof.png", DAMAGED_PNG, "image/png")},
        )
        self.assert_json(response, 200)
        [payment] = self.invoice.matched_payment_ids
        self.assert_stored_as_sent(payment, DAMAGED_PNG)
        invoice_copies = self.env["ir.attachment"].search(
            [("res_model", "=", "account.move"), ("res_id", "=", self.invoice.id)]
        )
        self.assertIn(DAMAGED_PNG, invoice_copies.mapped("raw"))

    def test_web_client_write_keeps_the_file(self):
        payment = self.create_payment(10.0)
        content = large_png()
        payment.write({"proof": base64.b64encode(content), "proof_filename": "a.png"})
        self.assert_stored_as_sent(payment, content)

    def test_web_client_create_keeps_the_file(self):
        content = large_png()
        payment = self.create_payment(
            10.0, proof=base64.b64encode(content), proof_filename="a.png"
        )
        self.assertEqual(payment._billing_proof_content(), content)
        self.assertFalse(payment.env.context.get("image_no_postprocess"))
