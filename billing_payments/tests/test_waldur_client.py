# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Waldur's official Python client against this server.

These tests drive ``waldur-api-client`` (8.1.3) **unchanged** against the test
HTTP server: ``AuthenticatedClient`` sends ``Authorization: Token <key>``,
hyphenated uuids in paths and filters and repeated query keys for lists, and
parses the answers into its own models. Each test compares those parsed models
with the Odoo records (uuids, states, amounts, counts) and, for writes, checks
the records and the accounting afterwards.

One known conflict between the client and Waldur's server is tested with raw
HTTP instead: ``GET /api/invoices/{uuid}/items/`` answers a JSON *array* of
items (as Waldur's server does), while ``invoices_items_retrieve`` parses the
body as *one* ``InvoiceItem``. ``test_sdk_items_retrieve_cannot_parse_the_array``
keeps that conflict visible: it fails once either side changes.
"""

import base64
import datetime
import io
import json
from decimal import Decimal
from uuid import UUID

import httpx
from waldur_api_client.api.invoices import (
    invoices_count,
    invoices_growth_retrieve,
    invoices_items_retrieve,
    invoices_list,
    invoices_paid,
    invoices_retrieve,
    invoices_send_notification,
    invoices_set_backend_id,
    invoices_set_payment_url,
    invoices_set_reference_number,
    invoices_stats_list,
)
from waldur_api_client.models import (
    BackendIdRequest,
    BillingUnit,
    InvoiceFieldEnum,
    InvoiceItem,
    InvoiceOEnum,
    InvoiceStateEnum,
    PaidRequest,
    PaidRequestMultipart,
    PaymentURLRequest,
    ReferenceNumberRequest,
)
from waldur_api_client.types import UNSET, File

from odoo import fields
from odoo.tests import tagged

from .common import WaldurClientCommon

CREATED = InvoiceStateEnum.CREATED
PAID = InvoiceStateEnum.PAID
PENDING = InvoiceStateEnum.PENDING
PDF_PROOF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
UTC = datetime.timezone.utc


def hyphenated(record):
    """The record's uuid as the client passes it: a ``uuid.UUID``."""
    return UUID(record.uuid)


@tagged("post_install", "-at_install")
class TestWaldurClient(WaldurClientCommon):
    # --- helpers --------------------------------------------------------------

    @classmethod
    def new_customer(cls, name):
        return cls.env["res.partner"].create(
            {"name": name, "is_company": True, "email": "ap@example.test"}
        )

    @classmethod
    def pending_invoice(cls, partner=None, lines=None):
        """A draft invoice without invoice date (Waldur's ``pending``)."""
        invoice = cls.create_invoice(partner=partner, lines=lines, post=False)
        invoice.write({"invoice_date": False, "invoice_date_due": False})
        return invoice

    def assert_invoice_model(self, parsed, invoice):
        """The parsed ``Invoice`` says what the record says."""
        self.assertEqual(parsed.uuid, hyphenated(invoice))
        self.assertEqual(parsed.number, 100000 + invoice.id)
        self.assertEqual(parsed.url, self.url(f"/api/invoices/{invoice.uuid}/"))
        partner = invoice.commercial_partner_id
        self.assertEqual(parsed.customer, self.url(f"/api/customers/{partner.uuid}/"))
        self.assertEqual(parsed.state, InvoiceStateEnum(invoice.billing_state))
        self.assertEqual(
            (parsed.year, parsed.month), (invoice.billing_year, invoice.billing_month)
        )
        amounts = (parsed.price, parsed.tax, parsed.total)
        self.assertEqual(
            tuple(Decimal(value) for value in amounts),
            tuple(
                Decimal(str(value))
                for value in (
                    invoice.amount_untaxed,
                    invoice.amount_tax,
                    invoice.amount_total,
                )
            ),
        )
        self.assertEqual(parsed.customer_details.name, partner.name)

    def sent_query(self, request):
        """The query of a sent request as (key, value) pairs, in order."""
        return httpx.QueryParams(request.url.query).multi_items()

    # --- list, count ----------------------------------------------------------

    def test_list_with_filters(self):
        march = self.usage_invoice(invoice_date=datetime.date(2026, 3, 31))
        november = self.create_invoice(invoice_date=datetime.date(2025, 11, 15))
        self.register_payment(november)
        pending = self.pending_invoice()
        other = self.create_invoice(
            partner=self.other_customer, invoice_date=datetime.date(2026, 3, 10)
        )

        parsed = invoices_list.sync(
            client=self.sdk,
            customer_uuid=hyphenated(self.customer),
            state=[CREATED, PAID],
            o=[InvoiceOEnum.YEAR],
        )
        self.assertEqual(
            [invoice.uuid for invoice in parsed],
            [hyphenated(november), hyphenated(march)],
        )
        self.assertEqual([invoice.state for invoice in parsed], [PAID, CREATED])
        self.assert_invoice_model(parsed[0], november)
        self.assert_invoice_model(parsed[1], march)
        self.assertEqual(parsed[1].invoice_date, datetime.date(2026, 3, 31))
        self.assertEqual(parsed[1].due_date, march.invoice_date_due)
        self.assertEqual(len(parsed[1].items), 3)
        # The client sends repeated keys and a hyphenated uuid.
        self.assertEqual(
            self.sent_query(self.sent[-1]),
            [
                ("customer_uuid", str(hyphenated(self.customer))),
                ("o", "year"),
                ("state", "created"),
                ("state", "paid"),
            ],
        )

        descending = invoices_list.sync(
            client=self.sdk,
            customer_uuid=hyphenated(self.customer),
            state=[CREATED, PAID],
            o=[InvoiceOEnum.VALUE_2],  # -year
        )
        self.assertEqual(
            [invoice.uuid for invoice in descending],
            [hyphenated(march), hyphenated(november)],
        )

        in_2026 = invoices_list.sync(
            client=self.sdk, year=2026, month=3, state=[CREATED]
        )
        self.assertEqual(
            {invoice.uuid for invoice in in_2026},
            {hyphenated(march), hyphenated(other)},
        )

        only_pending = invoices_list.sync(
            client=self.sdk, customer_uuid=hyphenated(self.customer), state=[PENDING]
        )
        self.assertEqual(
            [invoice.uuid for invoice in only_pending], [hyphenated(pending)]
        )
        self.assertEqual(only_pending[0].state, PENDING)
        self.assertIs(only_pending[0].due_date, UNSET)
        self.assertIs(only_pending[0].invoice_date, UNSET)

        first_page = invoices_list.sync(
            client=self.sdk,
            customer_uuid=hyphenated(self.customer),
            o=[InvoiceOEnum.YEAR],
            page_size=1,
        )
        self.assertEqual(
            [invoice.uuid for invoice in first_page], [hyphenated(november)]
        )

        customer_url = self.url(f"/api/customers/{hyphenated(self.other_customer)}/")
        by_url = invoices_list.sync(client=self.sdk, customer=customer_url)
        self.assertEqual([invoice.uuid for invoice in by_url], [hyphenated(other)])

        # "created" is the first day of the invoice's month.
        by_dates = invoices_list.sync(
            client=self.sdk,
            start_date=datetime.date(2025, 11, 30),
            end_date=datetime.date(2026, 4, 1),
            accounting_is_running=True,
        )
        self.assertEqual(
            {invoice.uuid for invoice in by_dates},
            {hyphenated(march), hyphenated(other)},
        )
        created = invoices_list.sync(
            client=self.sdk, created=datetime.date(2025, 11, 1)
        )
        self.assertEqual([invoice.uuid for invoice in created], [hyphenated(november)])

        sparse = invoices_list.sync(
            client=self.sdk,
            customer_uuid=hyphenated(self.other_customer),
            field=[InvoiceFieldEnum.UUID, InvoiceFieldEnum.STATE],
        )
        self.assertEqual(len(sparse), 1)
        self.assertEqual(
            (sparse[0].uuid, sparse[0].state), (hyphenated(other), CREATED)
        )
        self.assertIs(sparse[0].total, UNSET)
        self.assertIs(sparse[0].customer_details, UNSET)

    def test_sync_all_follows_next_links(self):
        partner = self.new_customer("Many Invoices Ltd")
        moves = self.env["account.move"].create(
            [{"move_type": "out_invoice", "partner_id": partner.id} for _ in range(103)]
        )
        self.assertEqual(set(moves.mapped("billing_state")), {"pending"})

        parsed = invoices_list.sync_all(
            client=self.sdk, customer_uuid=hyphenated(partner), state=[PENDING]
        )
        self.assertEqual(len(parsed), 103)
        self.assertEqual(
            {invoice.uuid for invoice in parsed}, {hyphenated(m) for m in moves}
        )
        self.assertEqual({invoice.state for invoice in parsed}, {PENDING})
        # Two pages of 100: the second request came from the Link rel="next".
        self.assertEqual(len(self.sent), 2)
        second = dict(self.sent_query(self.sent[1]))
        self.assertEqual(second["page"], "2")
        self.assertEqual(second["page_size"], "100")
        self.assertEqual(second["customer_uuid"], str(hyphenated(partner)))

    def test_count_reads_x_result_count(self):
        partner = self.new_customer("Counted Ltd")
        for _ in range(3):
            self.create_invoice(partner=partner)
        self.pending_invoice(partner=partner)

        count = invoices_count.sync(client=self.sdk, customer_uuid=hyphenated(partner))
        self.assertEqual(count, 4)
        self.assertEqual(self.sent[-1].method, "HEAD")
        created = invoices_count.sync(
            client=self.sdk, customer_uuid=hyphenated(partner), state=[CREATED]
        )
        self.assertEqual(created, 3)
        both = invoices_count.sync(
            client=self.sdk,
            customer_uuid=hyphenated(partner),
            state=[CREATED, PENDING],
            page_size=1,  # the count is of all matches, not of one page
        )
        self.assertEqual(both, 4)
        self.assertEqual(
            invoices_count.sync(
                client=self.sdk, customer_uuid=hyphenated(partner), state=[PAID]
            ),
            0,
        )

    def test_bad_key_and_unknown_invoice_are_unexpected_statuses(self):
        stranger = self.waldur_client("not-a-key")
        self.assert_api_error(lambda: invoices_list.sync(client=stranger), 401)
        missing = UUID("00000000-0000-4000-8000-000000000000")
        error = self.assert_api_error(
            lambda: invoices_retrieve.sync(missing, client=self.sdk), 404
        )
        self.assertEqual(
            error,
            {"detail": "No Invoice matches the given query."},
        )

    # --- retrieve -------------------------------------------------------------

    def test_retrieve_parses_invoice_items_and_details(self):
        invoice = self.usage_invoice(invoice_date=datetime.date(2026, 3, 31))
        vm_line, storage_line, credit_line = invoice.invoice_line_ids

        parsed = invoices_retrieve.sync(hyphenated(invoice), client=self.sdk)
        self.assertEqual(
            self.sent[-1].url.path, f"/api/invoices/{hyphenated(invoice)}/"
        )
        self.assert_invoice_model(parsed, invoice)
        self.assertEqual(
            (parsed.price, parsed.tax, parsed.total),
            ("94.5000000000", "20.9000000000", "115.4000000000"),
        )
        self.assertEqual(parsed.state, CREATED)
        self.assertEqual(parsed.invoice_date, datetime.date(2026, 3, 31))
        self.assertEqual(parsed.due_date, datetime.date(2026, 4, 30))
        self.assertEqual(parsed.due_date, invoice.invoice_date_due)
        self.assertEqual(parsed.customer_details.email, "billing@acme.test")
        self.assertEqual(parsed.customer_details.country, "EE")
        self.assertEqual(parsed.customer_details.country_name, "Estonia")
        self.assertEqual(parsed.customer_details.vat_code, "EE100000001")
        # Waldur's issuer keys are not CustomerDetails fields: kept aside.
        self.assertEqual(parsed.issuer_details["company"], self.company.name)
        self.assertEqual((parsed.backend_id, parsed.payment_url), ("", ""))
        self.assertEqual(parsed.reference_number, "")
        self.assertEqual(parsed.compensations, -10.0)
        self.assertEqual(parsed.incurred_costs, 104.5)

        self.assertEqual(
            [item.uuid for item in parsed.items],
            [hyphenated(line) for line in (credit_line, storage_line, vm_line)],
        )
        credit, storage, vm = parsed.items
        self.assertEqual(vm.url, self.url(f"/api/invoice-items/{vm_line.uuid}/"))
        self.assertEqual(vm.name, vm_line.name)
        self.assertEqual(vm.price, 100.0)
        self.assertEqual((vm.tax, vm.total), ("20.00", "120.00"))
        self.assertEqual(
            (vm.unit_price, vm.quantity), ("50.0000000000", "2.0000000000")
        )
        self.assertEqual(vm.unit, BillingUnit.MONTH)
        self.assertEqual(vm.start, datetime.datetime(2026, 3, 1, tzinfo=UTC))
        self.assertEqual(
            vm.end, datetime.datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=UTC)
        )
        self.assertEqual(vm.article_code, "VM-S")
        self.assertEqual(vm.project_name, "Web shop")
        self.assertEqual(vm.project_uuid, UUID(vm_line.billing_project_uuid))
        self.assertEqual(vm.resource_uuid, UUID(vm_line.billing_resource_uuid))
        self.assertEqual(vm.resource_name, "vm-frontend")
        self.assertIsNone(vm.resource)
        self.assertEqual(vm.billing_type, "fixed")
        self.assertIsNone(vm.backend_uuid)
        self.assertFalse(vm.credit)
        self.assertIs(vm.factor, UNSET)  # Waldur never emits it
        details = vm.details
        self.assertEqual(details.offering_name, "Virtual machine")
        self.assertEqual(details.offering_uuid, hyphenated(self.offering))
        self.assertEqual(details.service_provider_name, self.provider.name)
        self.assertEqual(details.service_provider_uuid, hyphenated(self.provider))
        self.assertEqual(details.resource_uuid, UUID(vm_line.billing_resource_uuid))
        self.assertEqual(details.plan_name, "Small")
        self.assertIs(details.plan_uuid, UNSET)  # stored as "": left out
        self.assertEqual(details["billing_type"], "fixed")

        self.assertEqual(storage.unit, BillingUnit.QUANTITY)
        self.assertEqual(storage.measured_unit, "GB")
        self.assertEqual((storage.price, storage.quantity), (4.5, "3.0000000000"))
        self.assertIs(storage.resource_uuid, UNSET)
        self.assertIsNone(storage.project_uuid)
        self.assertEqual(
            storage.details.service_provider_uuid, hyphenated(self.company.partner_id)
        )
        self.assertTrue(credit.credit)
        self.assertEqual((credit.price, credit.unit_price), (-10.0, "-10.0000000000"))

        sparse = invoices_retrieve.sync(
            hyphenated(invoice),
            client=self.sdk,
            field=[InvoiceFieldEnum.TOTAL, InvoiceFieldEnum.ITEMS],
        )
        self.assertEqual(sparse.total, "115.4000000000")
        self.assertEqual(len(sparse.items), 3)
        self.assertIs(sparse.uuid, UNSET)

    def test_retrieve_pending_invoice_without_due_date(self):
        invoice = self.pending_invoice(lines=[(self.storage, 4, 2.5)])
        self.assertFalse(invoice.invoice_date_due)
        raw = self.assert_json(self.api("GET", self.detail(invoice)), 200)
        # Waldur sends "due_date": null, which its client cannot parse.
        self.assertNotIn("due_date", raw)
        self.assertNotIn("invoice_date", raw)

        parsed = invoices_retrieve.sync(hyphenated(invoice), client=self.sdk)
        self.assert_invoice_model(parsed, invoice)
        self.assertEqual(parsed.state, PENDING)
        self.assertIs(parsed.due_date, UNSET)
        self.assertIs(parsed.invoice_date, UNSET)
        self.assertEqual(Decimal(parsed.price), Decimal("10"))
        self.assertEqual(Decimal(parsed.total), Decimal("12"))
        self.assertEqual(len(parsed.items), 1)
        self.assertEqual(parsed.items[0].uuid, hyphenated(invoice.invoice_line_ids))

    # --- growth, stats --------------------------------------------------------

    def test_growth(self):
        today = fields.Date.today()
        big = self.create_invoice(lines=[(self.offering, 3, 100.0)])
        small = self.create_invoice(
            partner=self.other_customer, lines=[(self.storage, 2, 10.0)]
        )
        self.create_invoice(
            partner=self.other_customer,
            lines=[(self.storage, 1, 10.0)],
            invoice_date=today - datetime.timedelta(days=400),  # out of the window
        )

        growth = invoices_growth_retrieve.sync(client=self.sdk, customers_count=1)
        self.assertEqual(len(growth.periods), 13)
        self.assertEqual(growth.periods[-1], f"{today.year}-{today.month}")
        self.assertEqual(growth.periods[0], f"{today.year - 1}-{today.month}")
        self.assertEqual(
            growth.total_periods[-1], big.amount_total + small.amount_total
        )
        self.assertEqual(growth.other_periods[-1], small.amount_total)
        self.assertEqual(
            [(row.name, row.periods[-1]) for row in growth.customer_periods],
            [(self.customer.name, big.amount_total)],
        )
        self.assertEqual(growth.total_periods[:-1], [0] * 12)

        untaxed = invoices_growth_retrieve.sync(
            client=self.sdk, customers_count=2, accounting_mode="accounting"
        )
        self.assertEqual(
            untaxed.total_periods[-1], big.amount_untaxed + small.amount_untaxed
        )
        self.assertEqual(untaxed.other_periods[-1], 0)
        self.assertEqual(
            sorted((row.name, row.periods[-1]) for row in untaxed.customer_periods),
            sorted(
                [
                    (self.customer.name, big.amount_untaxed),
                    (self.other_customer.name, small.amount_untaxed),
                ]
            ),
        )

    def test_stats(self):
        invoice = self.usage_invoice(invoice_date=datetime.date(2026, 3, 31))

        rows = invoices_stats_list.sync(hyphenated(invoice), client=self.sdk)
        self.assertEqual(
            [(row.offering_name, row["uuid"]) for row in rows],
            [
                ("Virtual machine", self.offering.uuid),
                ("Object storage", self.storage.uuid),
            ],
        )
        vm, storage = rows
        # 2 × 50 − 10 (the credit line is on the same offering); tax 20 % of 100.
        self.assertEqual(
            (vm.aggregated_price, vm.aggregated_tax, vm.aggregated_total),
            (90.0, 20.0, 110.0),
        )
        self.assertEqual(vm.service_category_title, "Compute")
        self.assertEqual(vm.service_provider_name, self.provider.name)
        self.assertEqual(vm.service_provider_uuid, hyphenated(self.provider))
        self.assertEqual(
            (
                storage.aggregated_price,
                storage.aggregated_tax,
                storage.aggregated_total,
            ),
            (4.5, 0.9, 5.4),
        )
        self.assertEqual(
            storage.service_provider_uuid, hyphenated(self.company.partner_id)
        )
        self.assertEqual(
            sum(row.aggregated_total for row in rows), invoice.amount_total
        )

        by_provider = invoices_stats_list.sync(
            hyphenated(invoice),
            client=self.sdk,
            provider_uuid=hyphenated(self.provider),
        )
        self.assertEqual(
            [row.offering_name for row in by_provider], ["Virtual machine"]
        )
        self.assertEqual(
            dict(self.sent_query(self.sent[-1]))["provider_uuid"],
            str(hyphenated(self.provider)),
        )

    # --- paid -----------------------------------------------------------------

    def assert_paid_through_profile(self, invoice, payment_date):
        """The invoice is paid by one posted, reconciled payment of the profile."""
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.billing_state, "paid")
        self.assertEqual(invoice.amount_residual, 0.0)
        payment = invoice.matched_payment_ids
        self.assertEqual(len(payment), 1)
        self.assertEqual(payment.state, "paid")
        self.assertTrue(payment.is_reconciled)
        self.assertEqual(payment.date, payment_date)
        self.assertEqual(payment.amount, invoice.amount_total)
        self.assertEqual(payment.partner_id, self.customer)
        self.assertEqual(payment.payment_profile_id, self.profile)
        self.assertEqual(payment.journal_id, self.profile.journal_id)
        self.assertEqual(payment.move_id.state, "posted")
        return payment

    def test_paid_with_json_date(self):
        invoice = self.usage_invoice(invoice_date=datetime.date(2026, 3, 31))
        pay_date = datetime.date(2026, 4, 2)

        response = invoices_paid.sync_detailed(
            hyphenated(invoice), client=self.sdk, body=PaidRequest(date=pay_date)
        )
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.parsed)  # the client ignores the body of paid
        self.assertEqual(self.sent[-1].headers["Content-Type"], "application/json")
        self.assertEqual(json.loads(self.sent[-1].content), {"date": "2026-04-02"})

        payment = self.assert_paid_through_profile(invoice, pay_date)
        self.assertFalse(payment.proof)
        parsed = invoices_retrieve.sync(hyphenated(invoice), client=self.sdk)
        self.assertEqual(parsed.state, PAID)
        self.assertEqual(parsed.invoice_date, datetime.date(2026, 3, 31))

        # Paying again is a state conflict (409), which the client raises.
        self.assert_api_error(
            lambda: invoices_paid.sync_detailed(
                hyphenated(invoice), client=self.sdk, body=PaidRequest(date=pay_date)
            ),
            409,
        )
        self.assertEqual(len(invoice.matched_payment_ids), 1)

    def test_paid_multipart_with_proof(self):
        invoice = self.create_invoice(invoice_date=datetime.date(2026, 10, 1))
        pay_date = datetime.date(2026, 10, 20)
        body = PaidRequestMultipart(
            date=pay_date,
            proof=File(
                payload=io.BytesIO(PDF_PROOF),
                file_name="receipt.pdf",
                mime_type="application/pdf",
            ),
        )

        invoices_paid.sync_detailed(hyphenated(invoice), client=self.sdk, body=body)
        self.assertTrue(
            self.sent[-1].headers["Content-Type"].startswith("multipart/form-data")
        )

        payment = self.assert_paid_through_profile(invoice, pay_date)
        self.assertEqual(base64.b64decode(payment.proof), PDF_PROOF)
        self.assertEqual(payment.proof_filename, "receipt.pdf")
        self.assertEqual(payment.proof_mimetype, "application/pdf")
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "account.payment"),
                ("res_field", "=", "proof"),
                ("res_id", "=", payment.id),
            ]
        )
        self.assertEqual(attachment.raw, PDF_PROOF)
        self.assertEqual(
            invoices_retrieve.sync(hyphenated(invoice), client=self.sdk).state, PAID
        )

    def test_paid_multipart_refuses_a_fake_proof(self):
        invoice = self.create_invoice()
        body = PaidRequestMultipart(
            date=datetime.date(2026, 10, 20),
            proof=File(payload=io.BytesIO(b"MZ not a pdf"), file_name="x.pdf"),
        )
        error = self.assert_api_error(
            lambda: invoices_paid.sync_detailed(
                hyphenated(invoice), client=self.sdk, body=body
            ),
            400,
        )
        self.assertEqual(
            error,
            {"proof": ["Upload a PDF, PNG, JPEG or WebP file."]},
        )
        self.assertEqual(invoice.billing_state, "created")
        self.assertFalse(invoice.matched_payment_ids)

    # --- send_notification ----------------------------------------------------

    def test_send_notification(self):
        invoice = self.create_invoice()
        self.assertFalse(invoice.sending_data)

        detail = invoices_send_notification.sync(hyphenated(invoice), client=self.sdk)
        self.assertEqual(
            detail.detail,
            "Invoice notification sending has been successfully scheduled.",
        )
        # Queued for Odoo's "Send invoices" job, as the API user.
        self.assertEqual(invoice.sending_data["author_user_id"], self.billing_user.id)

        pending = self.pending_invoice()
        error = self.assert_api_error(
            lambda: invoices_send_notification.sync(
                hyphenated(pending), client=self.sdk
            ),
            400,
        )
        self.assertEqual(
            error,
            ["Notification only for the created invoice can be sent."],
        )

    # --- set_backend_id, set_payment_url, set_reference_number ----------------

    def set_field(self, invoice, name, body):
        """``invoices_set_<name>``: the client returns no parsed body."""
        api = {
            "backend_id": invoices_set_backend_id,
            "payment_url": invoices_set_payment_url,
            "reference_number": invoices_set_reference_number,
        }[name]
        response = api.sync_detailed(hyphenated(invoice), client=self.sdk, body=body)
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.parsed)
        return json.loads(self.sent[-1].content)

    def test_set_fields(self):
        invoice = self.create_invoice()
        values = ("erp-4711", "https://pay.example.test/i/4711", "RF18 5390")
        sent = [
            self.set_field(invoice, "backend_id", BackendIdRequest(values[0])),
            self.set_field(invoice, "payment_url", PaymentURLRequest(values[1])),
            self.set_field(
                invoice, "reference_number", ReferenceNumberRequest(values[2])
            ),
        ]
        self.assertEqual(
            sent,
            [
                {"backend_id": values[0]},
                {"payment_url": values[1]},
                {"reference_number": values[2]},
            ],
        )
        fields_of = ("backend_id", "payment_url", "reference_number")
        self.assertEqual(tuple(invoice[name] for name in fields_of), values)
        parsed = invoices_retrieve.sync(hyphenated(invoice), client=self.sdk)
        self.assertEqual(tuple(getattr(parsed, name) for name in fields_of), values)

        # An unset field is sent as ``{}`` and changes nothing.
        for name, body in zip(
            fields_of,
            (BackendIdRequest(), PaymentURLRequest(), ReferenceNumberRequest()),
            strict=True,
        ):
            self.assertEqual(self.set_field(invoice, name, body), {})
        self.assertEqual(tuple(invoice[name] for name in fields_of), values)

        # An empty string clears the value.
        self.set_field(invoice, "backend_id", BackendIdRequest(backend_id=""))
        self.assertFalse(invoice.backend_id)
        parsed = invoices_retrieve.sync(hyphenated(invoice), client=self.sdk)
        self.assertEqual(parsed.backend_id, "")

        error = self.assert_api_error(
            lambda: self.set_field(
                invoice, "payment_url", PaymentURLRequest("not a url")
            ),
            400,
        )
        self.assertEqual(
            error,
            {"payment_url": ["Enter a valid URL."]},
        )
        self.assertEqual(invoice.payment_url, values[1])

    # --- items: the array the client cannot parse -----------------------------

    def test_items_endpoint_raw(self):
        """``/items/`` tested as the client would call it, but parsed raw."""
        invoice = self.usage_invoice(invoice_date=datetime.date(2026, 3, 31))
        vm_line, storage_line, credit_line = invoice.invoice_line_ids
        path = f"/api/invoices/{hyphenated(invoice)}/items/"

        items = self.assert_json(self.api("GET", path), 200)
        self.assertEqual(
            [item["uuid"] for item in items],
            [credit_line.uuid, storage_line.uuid, vm_line.uuid],
        )
        embedded = invoices_retrieve.sync(hyphenated(invoice), client=self.sdk).items
        # Each element of the array is the item the invoice embeds.
        self.assertEqual([InvoiceItem.from_dict(item) for item in items], embedded)

        by_project = self.api(
            "GET",
            path,
            params={"project_uuid": str(UUID(vm_line.billing_project_uuid))},
        )
        self.assertEqual(
            [item["uuid"] for item in self.assert_json(by_project, 200)], [vm_line.uuid]
        )
        concealed = self.api("GET", path, params={"conceal_compensation_items": "true"})
        self.assertEqual(
            [item["uuid"] for item in self.assert_json(concealed, 200)],
            [storage_line.uuid, vm_line.uuid],
        )
        by_name = self.api("GET", path, params={"o": "-name"})
        self.assertEqual(
            [item["name"] for item in self.assert_json(by_name, 200)],
            sorted((vm_line.name, storage_line.name, credit_line.name), reverse=True),
        )

    def test_sdk_items_retrieve_cannot_parse_the_array(self):
        """Known conflict: the client reads ``/items/`` as one InvoiceItem.

        Waldur's server (and this one) answers an array; ``InvoiceItem.from_dict``
        then calls ``dict()`` on a list of objects and raises ValueError. An
        empty array parses into an InvoiceItem with nothing set.
        """
        invoice = self.usage_invoice(invoice_date=datetime.date(2026, 3, 31))
        with self.assertRaisesRegex(ValueError, "dictionary update sequence"):
            invoices_items_retrieve.sync(hyphenated(invoice), client=self.sdk)
        self.assertEqual(
            self.sent[-1].url.path, f"/api/invoices/{hyphenated(invoice)}/items/"
        )

        nothing = invoices_items_retrieve.sync(
            hyphenated(invoice), client=self.sdk, query="no-such-resource"
        )
        self.assertIs(nothing.uuid, UNSET)
        self.assertEqual(nothing.to_dict(), {})
