# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""POST actions on a Waldur invoice: paid, send_notification and set_*."""

import datetime
import uuid

from odoo import fields
from odoo.tests import tagged

from .common import FORBIDDEN, LIST, NOT_FOUND, WaldurInvoiceCommon

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
        first = self.register_payment(invoice, amount=40.0)
        # Odoo's Pay wizard gives its payment the customer's active profile.
        self.assertEqual(first.payment_profile_id, self.profile)
        self.assertEqual(invoice.billing_state, "created")  # partially paid
        response = self.api("POST", self.detail(invoice, "paid/"))
        self.assertEqual(self.assert_json(response, 200)["state"], "paid")
        payment = invoice.matched_payment_ids - first
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
