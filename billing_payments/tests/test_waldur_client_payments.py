# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Waldur's official Python client against this server: ``/api/payments/``.

These tests drive ``waldur-api-client`` (8.1.3) **unchanged** against the test
HTTP server, as ``test_waldur_client`` does for invoices: create (JSON
``PaymentRequest`` and multipart ``PaymentRequestMultipart`` with a proof),
retrieve, list, count, update, partial update, destroy, link_to_invoice and
unlink_from_invoice. After every write they check the books in Odoo: the
invoice's payment state and residual, the payment's state, the reconciliation
between them and balanced journal entries.

One known conflict between the client and Waldur's server shapes these tests.
Waldur (and this server) **omits** ``invoice_uuid`` from an *unlinked*
payment, while the client's ``Payment.from_dict`` requires that key: every
call that answers an unlinked payment (create, retrieve, list, update) raises
``KeyError('invoice_uuid')`` while parsing, in ``sync`` and ``sync_detailed``
alike, after the server has answered. For those calls the tests catch that
error and check the raw answer of the *same* call, kept by an httpx response
hook. Linked payments parse, and their parsed values are checked.
``test_sdk_cannot_parse_an_unlinked_payment`` keeps the conflict visible: it
fails once either side changes.
"""

import base64
import datetime
import io
import json
from decimal import Decimal
from uuid import UUID

import httpx
from waldur_api_client.api.payments import (
    payments_count,
    payments_create,
    payments_destroy,
    payments_link_to_invoice,
    payments_list,
    payments_partial_update,
    payments_retrieve,
    payments_unlink_from_invoice,
    payments_update,
)
from waldur_api_client.models import (
    Detail,
    LinkToInvoiceRequest,
    PatchedPaymentRequest,
    Payment,
    PaymentRequest,
    PaymentRequestMultipart,
)
from waldur_api_client.types import UNSET, File

from odoo.tests import tagged

from .common import WaldurClientCommon

PDF_PROOF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
LINKED = "An invoice has been linked to payment."
UNLINKED = "An invoice has been unlinked from payment."
UNLINKED_KEYS = [
    "uuid",
    "url",
    "profile",
    "date_of_payment",
    "sum",
    "proof",
    "invoice",
    "invoice_period",
    "customer_uuid",
]
LINKED_KEYS = UNLINKED_KEYS[:7] + ["invoice_uuid"] + UNLINKED_KEYS[7:]
MARCH_31 = datetime.date(2026, 3, 31)
APRIL_1 = datetime.date(2026, 4, 1)


def hyphenated(record):
    """The record's uuid as the client passes it: a ``uuid.UUID``."""
    return UUID(record.uuid)


@tagged("post_install", "-at_install")
class TestWaldurClientPayments(WaldurClientCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 100.00 + 20 % VAT, dated in March 2026: invoice_period "03-2026".
        cls.invoice = cls.create_invoice(invoice_date=MARCH_31)
        cls.total = cls.invoice.amount_total

    # --- helpers --------------------------------------------------------------

    def full_payment_request(self):
        """A ``PaymentRequest`` of the invoice's whole total, dated 1 April."""
        return PaymentRequest(
            profile=self.profile_url(),
            date_of_payment=APRIL_1,
            sum_=f"{self.total:.2f}",
        )

    def profile_url(self, profile=None):
        return self.url(f"/api/payment-profiles/{(profile or self.profile).uuid}/")

    def invoice_url(self, invoice=None):
        return self.url(f"/api/invoices/{(invoice or self.invoice).uuid}/")

    def payment_url(self, payment, suffix=""):
        return self.url(f"/api/payments/{payment.uuid}/{suffix}")

    def find_payment(self, uuid):
        return self.env["account.payment"].search([("uuid", "=", UUID(uuid).hex)])

    def unparsable(self, call, *args, **kwargs):
        """Run an SDK call whose answer is an unlinked payment (or a list
        holding one): the client raises ``KeyError('invoice_uuid')`` while
        parsing. Return the raw response of that same call.

        Not ``assertRaises``: Odoo's rolls back a savepoint around the block,
        which would undo what the server has just written.
        """
        before = len(self.received)
        try:
            call(*args, client=self.sdk, **kwargs)
        except KeyError as error:
            self.assertEqual(error.args, ("invoice_uuid",))
        else:
            self.fail("the client parsed a payment without invoice_uuid")
        self.assertEqual(len(self.received), before + 1)
        return self.received[-1]

    def sdk_create(self, body, invoice=None):
        """``payments_create`` of an unlinked payment: 201, checked raw.

        With ``invoice``, link it at once through ``payments_link_to_invoice``.
        """
        response = self.unparsable(payments_create.sync_detailed, body=body)
        self.assertEqual(response.status_code, 201, response.text)
        data = json.loads(response.content)
        self.assertEqual(list(data), UNLINKED_KEYS)
        payment = self.find_payment(data["uuid"])
        self.assertEqual(len(payment), 1)
        self.assertEqual(response.headers["Location"], self.payment_url(payment))
        self.assert_unlinked_body(data, payment)
        if invoice:
            self.link(payment, invoice)
        return payment, data

    def link(self, payment, invoice=None):
        detail = payments_link_to_invoice.sync(
            hyphenated(payment),
            client=self.sdk,
            body=LinkToInvoiceRequest(invoice=self.invoice_url(invoice)),
        )
        self.assertIsInstance(detail, Detail)
        self.assertEqual(detail.detail, LINKED)
        self.assertEqual(
            json.loads(self.sent[-1].content), {"invoice": self.invoice_url(invoice)}
        )

    def assert_unlinked_body(self, data, payment):
        """A raw unlinked payment: no ``invoice_uuid``, null invoice/period."""
        self.assertNotIn("invoice_uuid", data)
        self.assertEqual(data["uuid"], payment.uuid)
        self.assertEqual(data["url"], self.payment_url(payment))
        self.assertEqual(data["profile"], self.profile_url(payment.payment_profile_id))
        self.assertEqual(data["date_of_payment"], payment.date.isoformat())
        self.assertEqual(Decimal(data["sum"]), Decimal(f"{payment.amount:.2f}"))
        self.assertIsNone(data["invoice"])
        self.assertIsNone(data["invoice_period"])
        self.assertEqual(data["customer_uuid"], self.customer.uuid)

    def assert_payment_model(self, parsed, payment, invoice=None):
        """A parsed (hence linked) ``Payment`` says what the records say."""
        invoice = invoice or self.invoice
        self.assertIsInstance(parsed, Payment)
        self.assertEqual(parsed.uuid, hyphenated(payment))
        self.assertEqual(parsed.url, self.payment_url(payment))
        self.assertEqual(parsed.profile, self.profile_url(payment.payment_profile_id))
        self.assertEqual(parsed.date_of_payment, payment.date)
        self.assertEqual(parsed.sum_, f"{payment.amount:.2f}")
        self.assertEqual(parsed.invoice, self.invoice_url(invoice))
        self.assertEqual(parsed.invoice_uuid, hyphenated(invoice))
        self.assertEqual(
            parsed.invoice_period,
            f"{invoice.invoice_date.month:02d}-{invoice.invoice_date.year}",
        )
        self.assertEqual(parsed.customer_uuid, hyphenated(self.customer))
        self.assertEqual(parsed.additional_properties, {})
        if payment.proof:
            self.assertEqual(parsed.proof, self.payment_url(payment, "proof/"))
        else:
            self.assertIsNone(parsed.proof)

    def assert_balanced(self, *records):
        """Every journal entry of these payments and invoices is posted (or a
        draft payment's) and balanced."""
        moves = self.env["account.move"]
        for record in records:
            moves |= record.move_id if record._name == "account.payment" else record
        for move in moves:
            with self.subTest(move=move.display_name):
                self.assertTrue(move.line_ids)
                self.assertAlmostEqual(
                    sum(move.line_ids.mapped("debit")),
                    sum(move.line_ids.mapped("credit")),
                )

    def assert_posted_unlinked(self, payment, amount, invoice=None):
        """A posted payment on the profile's journal, reconciled with nothing."""
        invoice = invoice or self.invoice
        self.assertEqual(payment.state, "in_process")
        self.assertEqual(payment.move_id.state, "posted")
        self.assertAlmostEqual(payment.amount, amount)
        self.assertEqual(payment.partner_id, self.customer)
        self.assertEqual(payment.payment_type, "inbound")
        self.assertEqual(payment.journal_id, self.profile.journal_id)
        self.assertFalse(payment.invoice_ids)
        self.assertFalse(payment.reconciled_invoice_ids)
        self.assertNotIn(payment, invoice.matched_payment_ids)
        receivable = payment._billing_receivable_lines()
        self.assertAlmostEqual(receivable.amount_residual, -amount)
        self.assert_balanced(payment, invoice)

    def assert_reconciled(self, payment, paid, invoice=None):
        """``payment`` is linked to and reconciled with ``invoice``, which has
        ``paid`` paid (by this and any other payments)."""
        invoice = invoice or self.invoice
        total = invoice.amount_total
        self.assertIn(invoice, payment.invoice_ids)
        self.assertIn(payment, invoice.matched_payment_ids)
        self.assertIn(invoice, payment.reconciled_invoice_ids)
        self.assertEqual(payment.move_id.state, "posted")
        self.assertAlmostEqual(invoice.amount_residual, max(total - paid, 0.0))
        if paid >= total:
            self.assertEqual(invoice.payment_state, "paid")
            self.assertEqual(invoice.billing_state, "paid")
            self.assertEqual(payment.state, "paid")
        else:
            self.assertEqual(invoice.payment_state, "partial")
            self.assertEqual(invoice.billing_state, "created")
            self.assertEqual(payment.state, "in_process")
        self.assert_balanced(payment, invoice)

    def assert_invoice_unpaid(self, invoice=None):
        invoice = invoice or self.invoice
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(invoice.billing_state, "created")
        self.assertAlmostEqual(invoice.amount_residual, invoice.amount_total)
        self.assertFalse(invoice.matched_payment_ids)

    # --- create ---------------------------------------------------------------

    def test_create_json_then_link_and_retrieve(self):
        body = PaymentRequest(
            profile=self.profile_url(), date_of_payment=APRIL_1, sum_="120.00"
        )
        payment, data = self.sdk_create(body)
        sent = self.sent[-1]
        self.assertEqual(sent.method, "POST")
        self.assertEqual(sent.url.path, "/api/payments/")
        self.assertEqual(sent.headers["Content-Type"], "application/json")
        self.assertEqual(
            json.loads(sent.content),
            {
                "profile": self.profile_url(),
                "date_of_payment": "2026-04-01",
                "sum": "120.00",
            },
        )
        self.assertEqual(data["sum"], "120.00")
        self.assertIsNone(data["proof"])
        self.assertEqual(payment.date, APRIL_1)
        self.assertEqual(payment.payment_profile_id, self.profile)
        self.assert_posted_unlinked(payment, 120.0)
        self.assert_invoice_unpaid()

        self.link(payment)
        self.assertEqual(
            self.sent[-1].url.path,
            f"/api/payments/{hyphenated(payment)}/link_to_invoice/",
        )
        self.assert_reconciled(payment, 120.0)

        parsed = payments_retrieve.sync(hyphenated(payment), client=self.sdk)
        self.assertEqual(
            self.sent[-1].url.path, f"/api/payments/{hyphenated(payment)}/"
        )
        self.assertEqual(list(json.loads(self.received[-1].content)), LINKED_KEYS)
        self.assert_payment_model(parsed, payment)
        self.assertEqual(parsed.invoice_period, "03-2026")
        self.assertEqual(parsed.sum_, "120.00")
        self.assertEqual(parsed.date_of_payment, APRIL_1)
        self.assertIsNone(parsed.proof)

    def test_create_multipart_with_proof_pays_part_of_the_invoice(self):
        body = PaymentRequestMultipart(
            profile=self.profile_url(),
            date_of_payment=APRIL_1,
            sum_="50",
            proof=File(
                payload=io.BytesIO(PDF_PROOF),
                file_name="receipt.pdf",
                mime_type="application/pdf",
            ),
        )
        payment, data = self.sdk_create(body)
        self.assertTrue(
            self.sent[-1].headers["Content-Type"].startswith("multipart/form-data")
        )
        self.assertEqual(data["sum"], "50.00")
        self.assertEqual(data["proof"], self.payment_url(payment, "proof/"))
        self.assertEqual(base64.b64decode(payment.proof), PDF_PROOF)
        self.assertEqual(payment.proof_filename, "receipt.pdf")
        self.assertEqual(payment.proof_mimetype, "application/pdf")
        self.assertIn("receipt.pdf", payment.message_ids.attachment_ids.mapped("name"))
        proof = self.api("GET", f"/api/payments/{payment.uuid}/proof/")
        self.assertEqual(proof.status_code, 200)
        self.assertEqual(proof.content, PDF_PROOF)
        self.assertEqual(proof.headers["Content-Type"], "application/pdf")
        self.assert_posted_unlinked(payment, 50.0)

        self.link(payment)
        self.assert_reconciled(payment, 50.0)
        parsed = payments_retrieve.sync(hyphenated(payment), client=self.sdk)
        self.assert_payment_model(parsed, payment)
        self.assertEqual(parsed.proof, self.payment_url(payment, "proof/"))

        # A second payment pays the rest; both are reconciled with the invoice.
        rest = f"{self.total - 50.0:.2f}"
        second, _data = self.sdk_create(
            PaymentRequestMultipart(
                profile=self.profile_url(), date_of_payment=APRIL_1, sum_=rest
            ),
            invoice=self.invoice,
        )
        self.assertFalse(second.proof)
        self.assert_reconciled(second, self.total)
        self.assertEqual(self.invoice.matched_payment_ids, payment | second)
        self.assertEqual(payment.state, "paid")  # its invoice is paid now

    def test_create_zero_sum_stays_draft_until_it_gets_a_sum(self):
        payment, data = self.sdk_create(
            PaymentRequest(profile=self.profile_url(), date_of_payment=APRIL_1)
        )
        self.assertNotIn("sum", json.loads(self.sent[-1].content))
        self.assertEqual(data["sum"], "0.00")
        self.assertEqual(payment.state, "draft")
        self.assertFalse(payment.move_id)  # Odoo 18 makes the entry on posting

        # Linked while draft: linked, nothing to reconcile yet.
        self.link(payment)
        self.assertIn(self.invoice, payment.invoice_ids)
        self.assertEqual(self.invoice.payment_state, "not_paid")
        self.assertAlmostEqual(self.invoice.amount_residual, self.total)

        parsed = payments_partial_update.sync(
            hyphenated(payment),
            client=self.sdk,
            body=PatchedPaymentRequest(sum_=f"{self.total:.2f}"),
        )
        self.assert_payment_model(parsed, payment)
        self.assert_reconciled(payment, self.total)

    def test_create_overpayment_leaves_a_credit(self):
        payment, _data = self.sdk_create(
            PaymentRequest(
                profile=self.profile_url(), date_of_payment=APRIL_1, sum_="200.00"
            ),
            invoice=self.invoice,
        )
        self.assert_reconciled(payment, 200.0)
        receivable = payment._billing_receivable_lines()
        self.assertAlmostEqual(receivable.amount_residual, -(200.0 - self.total))
        parsed = payments_retrieve.sync(hyphenated(payment), client=self.sdk)
        self.assertEqual(parsed.sum_, "200.00")

    def test_create_errors_are_unexpected_status(self):
        before = self.env["account.payment"].search_count([])
        error = self.assert_api_error(
            lambda: payments_create.sync(
                client=self.sdk,
                body=PaymentRequest(
                    profile=self.profile_url(self.other_profile),
                    date_of_payment=APRIL_1,
                    sum_="1.234",
                ),
            ),
            400,
        )
        self.assertEqual(
            error,
            {
                "profile": ["Invalid hyperlink - Object does not exist."],
                "sum": ["Ensure that there are no more than 2 decimal places."],
            },
        )
        readonly = self.waldur_client(self.readonly_key)
        self.assert_api_error(
            lambda: payments_create.sync(
                client=readonly,
                body=PaymentRequest(
                    profile=self.profile_url(), date_of_payment=APRIL_1, sum_="5"
                ),
            ),
            403,
        )
        self.assertEqual(self.env["account.payment"].search_count([]), before)

    # --- update, partial update -------------------------------------------------

    def test_partial_update_of_a_linked_payment(self):
        payment, _data = self.sdk_create(
            self.full_payment_request(),
            invoice=self.invoice,
        )
        self.assert_reconciled(payment, self.total)

        parsed = payments_partial_update.sync(
            hyphenated(payment),
            client=self.sdk,
            body=PatchedPaymentRequest(sum_="30.00"),
        )
        self.assertEqual(self.sent[-1].method, "PATCH")
        self.assertEqual(json.loads(self.sent[-1].content), {"sum": "30.00"})
        self.assertEqual(parsed.sum_, "30.00")
        self.assert_payment_model(parsed, payment)
        self.assertAlmostEqual(payment.amount, 30.0)
        self.assert_reconciled(payment, 30.0)

        # Only the date: reposted on the new date, still reconciled.
        april_5 = datetime.date(2026, 4, 5)
        parsed = payments_partial_update.sync(
            hyphenated(payment),
            client=self.sdk,
            body=PatchedPaymentRequest(date_of_payment=april_5),
        )
        self.assertEqual(parsed.date_of_payment, april_5)
        self.assertEqual(parsed.sum_, "30.00")
        self.assertEqual(payment.move_id.date, april_5)
        self.assert_reconciled(payment, 30.0)

        # An empty PATCH changes nothing.
        parsed = payments_partial_update.sync(
            hyphenated(payment), client=self.sdk, body=PatchedPaymentRequest()
        )
        self.assertEqual(json.loads(self.sent[-1].content), {})
        self.assert_payment_model(parsed, payment)
        self.assert_reconciled(payment, 30.0)

    def test_update_of_a_linked_payment(self):
        payment, _data = self.sdk_create(
            PaymentRequest(
                profile=self.profile_url(), date_of_payment=APRIL_1, sum_="20.00"
            ),
            invoice=self.invoice,
        )
        self.assert_reconciled(payment, 20.0)

        april_3 = datetime.date(2026, 4, 3)
        parsed = payments_update.sync(
            hyphenated(payment),
            client=self.sdk,
            body=PaymentRequest(
                profile=self.profile_url(),
                date_of_payment=april_3,
                sum_=f"{self.total:.2f}",
            ),
        )
        self.assertEqual(self.sent[-1].method, "PUT")
        self.assertEqual(self.sent[-1].headers["Content-Type"], "application/json")
        self.assert_payment_model(parsed, payment)
        self.assertEqual(parsed.date_of_payment, april_3)
        self.assertEqual(parsed.sum_, f"{self.total:.2f}")
        self.assertEqual(payment.move_id.date, april_3)
        self.assert_reconciled(payment, self.total)

        # PUT as multipart, with a proof and a smaller sum.
        parsed = payments_update.sync(
            hyphenated(payment),
            client=self.sdk,
            body=PaymentRequestMultipart(
                profile=self.profile_url(),
                date_of_payment=april_3,
                sum_="100",
                proof=File(
                    payload=io.BytesIO(PDF_PROOF),
                    file_name="bank.pdf",
                    mime_type="application/pdf",
                ),
            ),
        )
        self.assertTrue(
            self.sent[-1].headers["Content-Type"].startswith("multipart/form-data")
        )
        self.assertEqual(parsed.sum_, "100.00")
        self.assertEqual(parsed.proof, self.payment_url(payment, "proof/"))
        self.assertEqual(base64.b64decode(payment.proof), PDF_PROOF)
        self.assertEqual(payment.proof_filename, "bank.pdf")
        self.assert_payment_model(parsed, payment)
        self.assert_reconciled(payment, 100.0)

    def test_update_of_an_unlinked_payment(self):
        payment, _data = self.sdk_create(
            PaymentRequest(
                profile=self.profile_url(), date_of_payment=APRIL_1, sum_="10.00"
            )
        )
        response = self.unparsable(
            payments_update.sync_detailed,
            hyphenated(payment),
            body=PaymentRequest(
                profile=self.profile_url(),
                date_of_payment=datetime.date(2026, 4, 2),
                sum_="15.50",
            ),
        )
        self.assertEqual(response.status_code, 200)
        data = json.loads(response.content)
        self.assertEqual(
            (data["sum"], data["date_of_payment"]), ("15.50", "2026-04-02")
        )
        self.assert_unlinked_body(data, payment)
        self.assert_posted_unlinked(payment, 15.5)

        response = self.unparsable(
            payments_partial_update.sync_detailed,
            hyphenated(payment),
            body=PatchedPaymentRequest(sum_="16"),
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(json.loads(response.content)["sum"], "16.00")
        self.assert_posted_unlinked(payment, 16.0)
        self.assert_invoice_unpaid()

    def test_update_errors_are_unexpected_status(self):
        payment, _data = self.sdk_create(
            PaymentRequest(
                profile=self.profile_url(), date_of_payment=APRIL_1, sum_="10.00"
            ),
            invoice=self.invoice,
        )
        error = self.assert_api_error(
            lambda: payments_partial_update.sync(
                hyphenated(payment),
                client=self.sdk,
                body=PatchedPaymentRequest(sum_="-1"),
            ),
            400,
        )
        self.assertEqual(
            error,
            {"sum": ["Ensure this value is greater than or equal to 0."]},
        )
        self.company.sudo().fiscalyear_lock_date = datetime.date(2026, 4, 30)
        error = self.assert_api_error(
            lambda: payments_partial_update.sync(
                hyphenated(payment),
                client=self.sdk,
                body=PatchedPaymentRequest(sum_="11.00"),
            ),
            409,
        )
        self.assertIn("locked", error["detail"])
        self.assertAlmostEqual(payment.amount, 10.0)
        self.assert_reconciled(payment, 10.0)

    # --- link, unlink -----------------------------------------------------------

    def test_unlink_from_invoice(self):
        payment, _data = self.sdk_create(
            self.full_payment_request(),
            invoice=self.invoice,
        )
        self.assert_reconciled(payment, self.total)

        detail = payments_unlink_from_invoice.sync(hyphenated(payment), client=self.sdk)
        self.assertEqual(detail.detail, UNLINKED)
        self.assertEqual(
            self.sent[-1].url.path,
            f"/api/payments/{hyphenated(payment)}/unlink_from_invoice/",
        )
        self.assert_invoice_unpaid()
        self.assert_posted_unlinked(payment, self.total)

        # Unlinked again: the client cannot parse it, the raw answer is right.
        response = self.unparsable(payments_retrieve.sync, hyphenated(payment))
        self.assertEqual(response.status_code, 200)
        self.assert_unlinked_body(json.loads(response.content), payment)

        # Unlinking twice is a 400; linking again reconciles again.
        error = self.assert_api_error(
            lambda: payments_unlink_from_invoice.sync(
                hyphenated(payment), client=self.sdk
            ),
            400,
        )
        self.assertEqual(
            error,
            ["Link to an invoice does not exist."],
        )
        self.link(payment)
        self.assert_reconciled(payment, self.total)

    def test_unlink_keeps_the_other_payments_reconciliation(self):
        first, _data = self.sdk_create(
            PaymentRequest(
                profile=self.profile_url(), date_of_payment=APRIL_1, sum_="40.00"
            ),
            invoice=self.invoice,
        )
        second, _data = self.sdk_create(
            PaymentRequest(
                profile=self.profile_url(), date_of_payment=APRIL_1, sum_="30.00"
            ),
            invoice=self.invoice,
        )
        self.assert_reconciled(second, 70.0)
        payments_unlink_from_invoice.sync(hyphenated(first), client=self.sdk)
        self.assert_posted_unlinked(first, 40.0)
        self.assert_reconciled(second, 30.0)
        self.assertEqual(self.invoice.matched_payment_ids, second)

    def test_link_errors_are_unexpected_status(self):
        payment, _data = self.sdk_create(
            PaymentRequest(
                profile=self.profile_url(), date_of_payment=APRIL_1, sum_="10.00"
            )
        )
        other = self.create_invoice(partner=self.other_customer)
        draft = self.create_invoice(post=False)
        cases = [
            (
                other,
                ["The passed invoice does not belong to the selected customer."],
            ),
            (draft, {"invoice": ["Invalid hyperlink - Object does not exist."]}),
        ]
        for invoice, errors in cases:
            with self.subTest(invoice=invoice.display_name):
                error = self.assert_api_error(
                    lambda invoice=invoice: self.link(payment, invoice), 400
                )
                self.assertEqual(error, errors)
        self.assert_posted_unlinked(payment, 10.0)
        self.assertFalse(other.matched_payment_ids)

        self.link(payment)
        error = self.assert_api_error(lambda: self.link(payment), 400)
        self.assertEqual(error, ["Link to an invoice exists."])
        self.assert_reconciled(payment, 10.0)

    # --- destroy ----------------------------------------------------------------

    def test_destroy_a_linked_payment(self):
        payment, _data = self.sdk_create(
            self.full_payment_request(),
            invoice=self.invoice,
        )
        self.assert_reconciled(payment, self.total)
        move = payment.move_id
        key = hyphenated(payment)

        response = payments_destroy.sync_detailed(key, client=self.sdk)
        self.assertEqual(response.status_code, 204)
        self.assertIsNone(response.parsed)
        self.assertEqual(response.content, b"")
        self.assertEqual(self.sent[-1].method, "DELETE")
        # Deleted with its entry, or cancelled where Odoo keeps the entry.
        if payment.exists():
            self.assertEqual(payment.state, "canceled")
            self.assertEqual(move.state, "cancel")
        else:
            self.assertFalse(move.exists())
        self.assert_invoice_unpaid()
        self.assert_balanced(self.invoice)

        error = self.assert_api_error(
            lambda: payments_retrieve.sync(key, client=self.sdk), 404
        )
        self.assertEqual(
            error,
            {"detail": "No Payment matches the given query."},
        )
        self.assert_api_error(
            lambda: payments_destroy.sync_detailed(key, client=self.sdk), 404
        )
        self.assertEqual(payments_count.sync(client=self.sdk), 0)

    def test_destroy_an_unlinked_payment(self):
        payment, _data = self.sdk_create(
            PaymentRequest(
                profile=self.profile_url(), date_of_payment=APRIL_1, sum_="10.00"
            )
        )
        move = payment.move_id
        # payments_destroy has no ``sync`` in 8.1.3, only ``sync_detailed``.
        response = payments_destroy.sync_detailed(hyphenated(payment), client=self.sdk)
        self.assertEqual(response.status_code, 204)
        if payment.exists():
            self.assertEqual(payment.state, "canceled")
            self.assertEqual(move.state, "cancel")
        else:
            self.assertFalse(move.exists())
        self.assert_invoice_unpaid()
        self.assertEqual(payments_list.sync(client=self.sdk), [])

    # --- list, count --------------------------------------------------------------

    def test_list_and_count_of_linked_payments(self):
        second_invoice = self.create_invoice(invoice_date=datetime.date(2026, 2, 28))
        first, _data = self.sdk_create(
            PaymentRequest(
                profile=self.profile_url(), date_of_payment=APRIL_1, sum_="10.00"
            ),
            invoice=self.invoice,
        )
        april_2 = datetime.date(2026, 4, 2)
        second, _data = self.sdk_create(
            PaymentRequest(
                profile=self.profile_url(), date_of_payment=april_2, sum_="20.00"
            ),
            invoice=second_invoice,
        )

        parsed = payments_list.sync(client=self.sdk)
        self.assertEqual(self.sent[-1].url.path, "/api/payments/")
        self.assertEqual(
            [payment.uuid for payment in parsed],
            [hyphenated(first), hyphenated(second)],
        )
        self.assert_payment_model(parsed[0], first)
        self.assert_payment_model(parsed[1], second, second_invoice)
        self.assertEqual(parsed[1].invoice_period, "02-2026")
        self.assertEqual(self.received[-1].headers["X-Result-Count"], "2")

        self.assertEqual(payments_count.sync(client=self.sdk), 2)
        self.assertEqual(self.sent[-1].method, "HEAD")

        by_date = payments_list.sync(client=self.sdk, date_of_payment=april_2)
        self.assertEqual([p.uuid for p in by_date], [hyphenated(second)])
        self.assertEqual(
            httpx.QueryParams(self.sent[-1].url.query).multi_items(),
            [("date_of_payment", "2026-04-02")],
        )
        self.assertEqual(
            payments_count.sync(client=self.sdk, date_of_payment=APRIL_1), 1
        )

        profile_uuid = hyphenated(self.profile)
        by_profile = payments_list.sync(client=self.sdk, profile_uuid=profile_uuid)
        self.assertEqual(len(by_profile), 2)
        self.assertEqual(
            dict(httpx.QueryParams(self.sent[-1].url.query))["profile_uuid"],
            str(profile_uuid),  # hyphenated
        )
        by_url = payments_list.sync(client=self.sdk, profile=self.profile_url())
        self.assertEqual(len(by_url), 2)
        self.assertEqual(
            payments_count.sync(client=self.sdk, profile=self.profile_url()), 2
        )

        page_2 = payments_list.sync(client=self.sdk, page=2, page_size=1)
        self.assertEqual([p.uuid for p in page_2], [hyphenated(second)])
        self.assertEqual(payments_count.sync(client=self.sdk, page=2, page_size=1), 2)

        other = self.env["billing.payment.profile"].create(
            {
                "name": "Other customer's profile",
                "partner_id": self.other_customer.id,
                "journal_id": self.bank_journal.id,
            }
        )
        self.assertEqual(
            payments_list.sync(client=self.sdk, profile_uuid=hyphenated(other)), []
        )
        self.assertEqual(
            payments_count.sync(client=self.sdk, profile_uuid=hyphenated(other)), 0
        )

        # Hyperlinks are matched by path; one that is no profile matches nothing.
        elsewhere = "https://example.test/api/invoices/x/"
        self.assertEqual(payments_list.sync(client=self.sdk, profile=elsewhere), [])
        error = self.assert_api_error(
            lambda: payments_list.sync(client=self.sdk, page=3, page_size=1), 404
        )
        self.assertEqual(error, {"detail": "Invalid page."})

    def test_list_holding_an_unlinked_payment(self):
        linked, _data = self.sdk_create(
            PaymentRequest(
                profile=self.profile_url(), date_of_payment=APRIL_1, sum_="10.00"
            ),
            invoice=self.invoice,
        )
        unlinked, _data = self.sdk_create(
            PaymentRequest(
                profile=self.profile_url(), date_of_payment=APRIL_1, sum_="5.00"
            )
        )
        response = self.unparsable(payments_list.sync)
        self.assertEqual(response.status_code, 200)
        rows = json.loads(response.content)
        self.assertEqual([row["uuid"] for row in rows], [linked.uuid, unlinked.uuid])
        self.assertEqual(list(rows[0]), LINKED_KEYS)
        self.assertEqual(Payment.from_dict(rows[0]).uuid, hyphenated(linked))
        self.assert_unlinked_body(rows[1], unlinked)
        # HEAD has no body to parse: the count works whatever is listed.
        self.assertEqual(payments_count.sync(client=self.sdk), 2)

    # --- the known conflict -------------------------------------------------------

    def test_sdk_cannot_parse_an_unlinked_payment(self):
        """Known conflict: 8.1.3's ``Payment`` requires ``invoice_uuid``.

        Waldur's server omits ``invoice_uuid`` while a payment is not linked
        (and so does this server); ``Payment.from_dict`` then raises KeyError.
        Sending ``null`` would not help either: ``UUID(None)`` raises
        TypeError. Only the missing ``invoice_uuid`` stands in the way: with
        it, the same body parses.
        """
        payment, _data = self.sdk_create(
            PaymentRequest(
                profile=self.profile_url(), date_of_payment=APRIL_1, sum_="10.00"
            )
        )
        with self.assertRaises(KeyError) as caught:
            payments_retrieve.sync(hyphenated(payment), client=self.sdk)
        self.assertEqual(caught.exception.args, ("invoice_uuid",))
        with self.assertRaises(KeyError):
            payments_retrieve.sync_detailed(hyphenated(payment), client=self.sdk)
        raw = json.loads(self.received[-1].content)
        self.assertEqual(self.received[-1].status_code, 200)
        self.assertEqual(list(raw), UNLINKED_KEYS)
        self.assertIsNone(raw["invoice"])
        self.assertIsNone(raw["invoice_period"])

        with self.assertRaises(TypeError):
            Payment.from_dict({**raw, "invoice_uuid": None})
        parsed = Payment.from_dict({**raw, "invoice_uuid": self.invoice.uuid})
        self.assertEqual(parsed.uuid, hyphenated(payment))
        self.assertIsNone(parsed.invoice)
        self.assertIsNot(parsed.sum_, UNSET)
