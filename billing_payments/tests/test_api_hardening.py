# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Cross-cutting hardening of both API dialects (issue 12 §1).

Bodies that do not parse, links built from a forged ``Host``, cache headers,
database conflicts answered as 409, a payment profile that payments use
moving to another customer, and API users without an e-mail address.
"""

import datetime
import json
from types import SimpleNamespace
from unittest.mock import patch

import psycopg2
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.service import model as service_model
from odoo.tests import tagged
from odoo.tools import config, mute_logger

from ..dialects import common
from ..exceptions import BillingConflictError, MalformedBody, UnsupportedMediaType
from ..models.ir_http import _database_conflict
from ..utils import parse_iso_date
from .common import (
    BillingCommon,
    SpaceInvoicesCommon,
    WaldurInvoiceCommon,
    multipart_body,
    pay_invoice,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PAYMENTS = "/api/payments/"
PLAIN_CONFLICT = (
    "Another request changed the same records at the same time. Please try again."
)


def multipart(boundary, fields_=(), files=()):
    """A multipart/form-data body with this ``boundary``."""
    return multipart_body(fields_, files, boundary)


def request_of(data, content_type):
    """A werkzeug request with this body, as ``read_body`` gets it."""
    builder = EnvironBuilder(method="POST", data=data, content_type=content_type)
    return Request(builder.get_environ())


@tagged("post_install", "-at_install")
class TestReadBody(BillingCommon):
    """``common.read_body`` on its own, with werkzeug requests."""

    def test_json_urlencoded_and_multipart_parse(self):
        data, files = common.read_body(
            request_of(b'{"a": [1, {"b": 2}]}', "application/json")
        )
        self.assertEqual((data, files), ({"a": [1, {"b": 2}]}, {}))
        data, _files = common.read_body(
            request_of(b"sum=12.50&date=", "application/x-www-form-urlencoded")
        )
        self.assertEqual(data, {"sum": "12.50", "date": ""})
        body = multipart("xyz", [("sum", "3")], [("proof", "p.pdf", PDF)])
        data, files = common.read_body(
            request_of(body, "multipart/form-data; boundary=xyz")
        )
        self.assertEqual(data, {"sum": "3"})
        self.assertEqual(files["proof"].read(), PDF)
        # An empty body is an empty one whatever its declared type.
        for content_type in ("application/json", "text/plain", "multipart/form-data"):
            self.assertEqual(common.read_body(request_of(b"", content_type)), ({}, {}))

    def test_unparseable_multipart_is_malformed(self):
        body = multipart("xyz", [("sum", "3")])
        for content_type, payload in (
            ("multipart/form-data; boundary=other", body),  # wrong boundary
            ("multipart/form-data", body),  # no boundary
            ("multipart/form-data; boundary=xyz", body[:-12]),  # truncated
            ("multipart/form-data; boundary=xyz", b"not a form at all"),
        ):
            with self.subTest(content_type=content_type, payload=payload[-20:]):
                with self.assertRaises(MalformedBody) as caught:
                    common.read_body(request_of(payload, content_type))
                self.assertTrue(
                    caught.exception.message.startswith("Multipart form parse error - ")
                )

    def test_unparseable_or_too_deep_json_is_malformed(self):
        for payload in (
            b'{"sum": ',
            b"\xff\xfe\x00garbage",
            b'{"sum": NaN}',
            b"[" * 100000 + b"]" * 100000,  # RecursionError in json
            b"[" * (common.MAX_JSON_DEPTH + 1) + b"]" * (common.MAX_JSON_DEPTH + 1),
        ):
            with self.subTest(payload=payload[:20]):
                with self.assertRaises(MalformedBody) as caught:
                    common.read_body(request_of(payload, "application/json"))
                self.assertTrue(
                    caught.exception.message.startswith("JSON parse error - ")
                )
        depth = common.MAX_JSON_DEPTH
        data, _files = common.read_body(
            request_of(b"[" * depth + b"]" * depth, "application/json")
        )
        self.assertIsInstance(data, list)

    def test_body_in_another_media_type_is_unsupported(self):
        for content_type, mimetype in (
            ("text/plain; charset=utf-8", "text/plain"),
            ("application/xml", "application/xml"),
            (None, ""),
        ):
            with self.subTest(content_type=content_type):
                with self.assertRaises(UnsupportedMediaType) as caught:
                    common.read_body(request_of(b'{"sum": "1"}', content_type))
                self.assertEqual(caught.exception.mimetype, mimetype)
                self.assertEqual(caught.exception.content_type, content_type or "")
        data, _files = common.read_body(
            request_of(b'{"a": 1}', "application/vnd.api+json")
        )
        self.assertEqual(data, {"a": 1})

    def test_parse_iso_date_refuses_years_before_1000(self):
        self.assertEqual(parse_iso_date("1000-01-01"), datetime.date(1000, 1, 1))
        for value in ("0201-12-01", "0001-01-01", "0999-12-31", "١٢٣٤-01-01"):
            with self.subTest(value=value), self.assertRaises(ValueError):
                parse_iso_date(value)

    def test_request_url_is_built_on_the_trusted_base(self):
        builder = EnvironBuilder(
            path="/api/invoices/",
            query_string="page=2&name=%C3%A9",
            headers={"Host": "evil.example"},
        )
        fake = SimpleNamespace(httprequest=Request(builder.get_environ()), env=self.env)
        base = self.env.company.get_base_url().rstrip("/")
        with patch.object(common, "request", fake):
            self.assertEqual(
                common.request_url(), f"{base}/api/invoices/?page=2&name=%C3%A9"
            )
            self.assertEqual(common.absolute_url("/api/x/"), f"{base}/api/x/")

    def integrity_error(self, query):
        """The psycopg2 IntegrityError of ``query`` on a scratch table."""
        cr = self.env.cr
        cr.execute(
            "CREATE TEMP TABLE IF NOT EXISTS hardening"
            " (a int PRIMARY KEY, b int NOT NULL)"
        )
        cr.execute("INSERT INTO hardening VALUES (1, 1) ON CONFLICT DO NOTHING")
        try:
            with mute_logger("odoo.sql_db"), cr.savepoint():
                cr.execute(query)
        except psycopg2.IntegrityError as error:
            return error
        self.fail(f"{query} broke no rule")

    def test_database_errors_become_plain_errors(self):
        duplicate = self.integrity_error("INSERT INTO hardening VALUES (1, 2)")
        self.assertIn("hardening_pkey", str(duplicate))
        wrapped = ValidationError(str(duplicate))
        wrapped.__cause__ = duplicate
        for exception in (duplicate, wrapped):
            conflict = _database_conflict(self.env, exception)
            self.assertIsInstance(conflict, BillingConflictError)
            self.assertEqual(conflict.args[0], PLAIN_CONFLICT)
        missing = self.integrity_error("INSERT INTO hardening VALUES (2, NULL)")
        wrapped = ValidationError(str(missing))
        wrapped.__cause__ = missing
        refusal = _database_conflict(self.env, wrapped)
        self.assertIsInstance(refusal, ValidationError)
        self.assertNotIsInstance(refusal, BillingConflictError)
        self.assertNotIn("hardening", refusal.args[0])
        self.assertIsNone(
            _database_conflict(self.env, ValidationError("a business rule"))
        )


@tagged("post_install", "-at_install")
class TestWaldurHardening(WaldurInvoiceCommon):
    def setUp(self):
        super().setUp()
        self.profile_url = self.url(f"/api/payment-profiles/{self.profile.uuid}/")

    def counts(self):
        return (
            self.env["account.payment"].search_count([]),
            self.env["account.move"].search_count([]),
            self.env["ir.attachment"].search_count([]),
            self.env["mail.message"].search_count([]),
        )

    def post_payment(self, key=None, **kwargs):
        return self.api("POST", PAYMENTS, key=key, **kwargs)

    # --- bodies --------------------------------------------------------------

    def test_paid_with_a_broken_multipart_body_writes_nothing(self):
        invoice = self.create_invoice()
        body = multipart(
            "right", [("date", "2026-04-02")], [("proof", "receipt.pdf", PDF)]
        )
        for content_type, payload in (
            ("multipart/form-data; boundary=wrong", body),
            ("multipart/form-data", body),
            ("multipart/form-data; boundary=right", body[:-15]),
        ):
            with self.subTest(content_type=content_type):
                before = self.counts()
                response = self.api(
                    "POST",
                    self.detail(invoice, "paid/"),
                    data=payload,
                    headers={"Content-Type": content_type},
                )
                error = self.assert_json(response, 400)
                self.assertEqual(list(error), ["detail"])
                self.assertTrue(
                    error["detail"].startswith("Multipart form parse error - "), error
                )
                self.assertEqual(self.counts(), before)
        self.assertEqual(invoice.payment_state, "not_paid")
        # The same body with its right boundary pays, with the proof.
        response = self.api(
            "POST",
            self.detail(invoice, "paid/"),
            data=body,
            headers={"Content-Type": "multipart/form-data; boundary=right"},
        )
        self.assert_json(response, 200)
        payment = invoice.matched_payment_ids
        self.assertEqual(payment.date, datetime.date(2026, 4, 2))
        self.assertEqual(payment._billing_proof_content(), PDF)

    def test_json_bodies_that_do_not_parse_write_nothing(self):
        before = self.counts()
        for payload in (
            b'{"profile": ',
            b'{"sum": NaN}',
            b'{"a": ' * 1000 + b"1" + b"}" * 1000,
        ):
            with self.subTest(payload=payload[:20]):
                response = self.post_payment(
                    data=payload, headers={"Content-Type": "application/json"}
                )
                error = self.assert_json(response, 400)
                self.assertTrue(error["detail"].startswith("JSON parse error - "))
        response = self.post_payment(
            data=json.dumps({"profile": self.profile_url, "sum": "1"}),
            headers={"Content-Type": "text/plain"},
        )
        self.assert_json(
            response, 415, {"detail": 'Unsupported media type "text/plain" in request.'}
        )
        self.assertEqual(self.counts(), before)

    def test_dates_before_the_year_1000_are_refused(self):
        before = self.counts()
        for value in ("0201-12-01", "0001-01-01"):
            with self.subTest(value=value):
                response = self.post_payment(
                    json={"profile": self.profile_url, "date_of_payment": value}
                )
                body = self.assert_json(response, 400)
                self.assertEqual(list(body), ["date_of_payment"])
        self.assertEqual(self.counts(), before)
        payment = self.create_payment(100.0)
        response = self.api(
            "PATCH",
            f"{PAYMENTS}{payment.uuid}/",
            json={"date_of_payment": "0201-12-01"},
        )
        self.assertEqual(list(self.assert_json(response, 400)), ["date_of_payment"])
        self.assertEqual(payment.date, fields.Date.today())
        with self.assertRaises(ValidationError):
            payment._billing_update(payment_date=datetime.date(201, 12, 1))

    # --- links and hosts -------------------------------------------------------

    def test_links_ignore_a_forged_host_header(self):
        forged = {"Host": "evil.example"}
        response = self.post_payment(
            data={"profile": self.profile_url, "date_of_payment": "2026-04-01"},
            files={"proof": ("receipt.pdf", PDF, "application/pdf")},
            headers=forged,
        )
        body = self.assert_json(response, 201)
        base = self.base_url()
        self.assertEqual(
            response.headers["Location"], f"{base}{PAYMENTS}{body['uuid']}/"
        )
        self.assertEqual(body["url"], f"{base}{PAYMENTS}{body['uuid']}/")
        self.assertEqual(body["proof"], f"{base}{PAYMENTS}{body['uuid']}/proof/")
        self.assertEqual(body["profile"], self.profile_url)
        invoice = self.create_invoice()
        body = self.assert_json(
            self.api("GET", self.detail(invoice), headers=forged), 200
        )
        self.assertEqual(body["url"], self.url(self.detail(invoice)))
        self.assertNotIn("evil.example", json.dumps(body))
        # The list's page links too.
        self.create_invoice()
        listed = self.api(
            "GET", "/api/invoices/", headers=forged, params={"page_size": 1}
        )
        self.assertEqual(listed.status_code, 200)
        self.assertIn(f"<{base}/api/invoices/?", listed.headers["Link"])
        self.assertNotIn("evil.example", listed.headers["Link"])

    def test_forwarded_host_counts_only_in_proxy_mode(self):
        invoice = self.create_invoice()
        forwarded = {
            "X-Forwarded-Host": "billing.example",
            "X-Forwarded-Proto": "https",
        }
        body = self.assert_json(
            self.api("GET", self.detail(invoice), headers=forwarded), 200
        )
        self.assertEqual(body["url"], self.url(self.detail(invoice)))
        with patch.dict(config.options, {"proxy_mode": True}):
            response = self.api("GET", self.detail(invoice), headers=forwarded)
        body = self.assert_json(response, 200)
        self.assertEqual(
            body["url"], f"https://billing.example/api/invoices/{invoice.uuid}/"
        )

    def test_malformed_host_is_refused(self):
        before = self.counts()
        for host in ("a b", "evil.example/x", "<script>"):
            with self.subTest(host=host):
                response = self.post_payment(
                    json={"profile": self.profile_url}, headers={"Host": host}
                )
                self.assert_json(response, 400, {"detail": "Invalid Host header."})
        self.assertEqual(self.counts(), before)
        self.assertTrue(common.is_valid_host("127.0.0.1:8069"))
        self.assertTrue(common.is_valid_host("[::1]:8069"))
        self.assertTrue(common.is_valid_host("billing.example.com"))

    # --- cache headers -----------------------------------------------------------

    def assert_not_cached(self, response):
        # Never for a shared cache: no-store, or private, no-cache on a tagged
        # GET answer (the client itself revalidates it, test_conditional_requests).
        expected = "private, no-cache" if "ETag" in response.headers else "no-store"
        self.assertEqual(response.headers.get("Cache-Control"), expected)
        vary = [v.strip().lower() for v in response.headers.get("Vary", "").split(",")]
        self.assertIn("authorization", vary, response.headers)

    def test_every_response_is_not_cached(self):
        invoice = self.create_invoice()
        payment = self.create_payment(10.0)
        payment._billing_set_proof(("receipt.pdf", PDF))
        responses = {
            "list": self.api("GET", "/api/invoices/"),
            "detail": self.api("GET", self.detail(invoice)),
            "customer": self.api("GET", f"/api/customers/{self.customer.uuid}/"),
            "proof": self.api("GET", f"{PAYMENTS}{payment.uuid}/proof/"),
            "xlsx": self.api(
                "GET", self.detail(invoice, "stats/"), params={"format": "xlsx"}
            ),
            "401": self.api("GET", "/api/invoices/", key="nope"),
            "404": self.api("GET", "/api/invoices/0123456789abcdef0123456789abcdef/"),
            "405": self.api("DELETE", "/api/invoices/"),
            "400": self.post_payment(json={"profile": "x"}),
        }
        for name, response in responses.items():
            with self.subTest(name):
                self.assertNotEqual(response.status_code, 500, response.text)
                self.assert_not_cached(response)
                # Only the JSON answers to GET are tagged (files, errors never).
                tagged_answer = name in ("list", "detail", "customer")
                self.assertEqual("ETag" in response.headers, tagged_answer)
        self.assertEqual(responses["proof"].content, PDF)

    # --- database conflicts --------------------------------------------------------

    def test_unique_index_conflict_is_a_plain_409(self):
        """What two concurrent ``enable`` calls end in: the second one's
        insert hits the unique index of active profiles."""
        second = self.env["billing.payment.profile"].create(
            {
                "name": "Second",
                "partner_id": self.customer.id,
                "journal_id": self.bank_journal.id,
                "is_active": False,
            }
        )
        profile_model = type(self.env["billing.payment.profile"])
        with (
            patch.object(
                profile_model, "_release_active_slots", lambda *args, **kw: None
            ),
            mute_logger("odoo.sql_db", "odoo.http"),
        ):
            response = self.api("POST", f"/api/payment-profiles/{second.uuid}/enable/")
        self.assert_json(response, 409, {"detail": PLAIN_CONFLICT})
        self.assertFalse(second.is_active)
        self.assertTrue(self.profile.is_active)

    def test_serialization_failure_after_retries_is_a_409(self):
        payment = self.create_payment(10.0)
        si_payment = pay_invoice(
            self.create_invoice(), "bank", fields.Date.today(), 10.0
        )

        def serialization_failure(records, *args, **kwargs):
            records.env.cr.execute(
                "DO $$ BEGIN RAISE EXCEPTION 'could not serialize access'"
                " USING ERRCODE = 'serialization_failure'; END $$"
            )

        payment_model = type(self.env["account.payment"])
        with (
            patch.object(payment_model, "_billing_update", serialization_failure),
            patch.object(service_model, "MAX_TRIES_ON_CONCURRENCY_FAILURE", 1),
            mute_logger("odoo.sql_db", "odoo.http", "odoo.service.model"),
        ):
            response = self.api(
                "PATCH", f"{PAYMENTS}{payment.uuid}/", json={"sum": "12.00"}
            )
            si_response = self.api(
                "PATCH",
                f"/v1/payments/{si_payment.uuid}",
                key=self.billing_key,
                scheme=None,
                json={"amount": 12},
            )
        self.assert_json(response, 409, {"detail": PLAIN_CONFLICT})
        self.assert_not_cached(response)
        # Space Invoices: a 409 in LoopBack's shape (business refusals
        # stay 422 ValidationErrors).
        body = self.assert_json(si_response, 409)
        self.assertEqual(body["error"]["message"], PLAIN_CONFLICT)
        self.assertEqual(body["error"]["name"], "ConflictError")
        self.assertEqual(payment.amount, 10.0)
        self.assertEqual(si_payment.amount, 10.0)

    # --- payment profiles -------------------------------------------------------

    def test_profile_with_payments_cannot_move_to_another_customer(self):
        self.create_payment(10.0)
        path = f"/api/payment-profiles/{self.profile.uuid}/"
        other = self.url(f"/api/customers/{self.other_customer.uuid}/")
        before = self.counts()
        for verb, body in (
            ("PATCH", {"organization": other}),
            (
                "PUT",
                {"name": "Moved", "organization": other, "payment_type": "invoices"},
            ),
        ):
            with self.subTest(verb=verb):
                response = self.api(verb, path, json=body)
                self.assert_json(
                    response,
                    400,
                    [
                        "A payment profile that payments refer to cannot be moved "
                        "to another customer or company."
                    ],
                )
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.profile.partner_id, self.customer)
        with self.assertRaises(ValidationError):
            self.profile.partner_id = self.other_customer
        # Renaming it, or moving a profile no payment uses, still works.
        self.assert_json(self.api("PATCH", path, json={"name": "Renamed"}), 200)
        unused = self.env["billing.payment.profile"].create(
            {"name": "Unused", "partner_id": self.customer.id, "is_active": False}
        )
        response = self.api(
            "PATCH",
            f"/api/payment-profiles/{unused.uuid}/",
            json={"organization": other},
        )
        self.assert_json(response, 200)
        self.assertEqual(unused.partner_id, self.other_customer)

    # --- users without an e-mail address ----------------------------------------------

    def test_notification_and_proofs_need_no_email_of_the_api_user(self):
        self.billing_user.partner_id.email = False
        self.company.email = "invoices@company.test"
        invoice = self.create_invoice()
        invoice.invoice_user_id = self.billing_user
        pdf_available = type(invoice)._billing_invoice_pdf_available
        mails_before = self.env["mail.mail"].search([])
        try:
            type(invoice)._billing_invoice_pdf_available = lambda self: False
            response = self.api("POST", self.detail(invoice, "send_notification/"))
        finally:
            type(invoice)._billing_invoice_pdf_available = pdf_available
        self.assert_json(response, 200)
        mail = self.env["mail.mail"].search([]) - mails_before
        self.assertEqual(len(mail), 1)
        self.assertIn("invoices@company.test", mail.email_from)
        self.assertEqual(mail.author_id, self.billing_user.partner_id)
        # The queued path too (Odoo's sending cron).
        queued = self.create_invoice()
        response = self.api("POST", self.detail(queued, "send_notification/"))
        self.assert_json(response, 200)
        self.assertTrue(queued.sending_data)
        # Proofs, attached on create and on paid, log notes: no address needed.
        response = self.post_payment(
            data={"profile": self.profile_url, "date_of_payment": "2026-04-01"},
            files={"proof": ("receipt.pdf", PDF, "application/pdf")},
        )
        body = self.assert_json(response, 201)
        payment = self.env["account.payment"].search([("uuid", "=", body["uuid"])])
        self.assertEqual(payment._billing_proof_content(), PDF)
        paid = self.create_invoice()
        response = self.api(
            "POST",
            self.detail(paid, "paid/"),
            data={"date": "2026-04-02"},
            files={"proof": ("receipt.pdf", PDF, "application/pdf")},
        )
        self.assert_json(response, 200)
        self.assertEqual(paid.matched_payment_ids._billing_proof_content(), PDF)

    def test_notification_without_any_sender_address_writes_nothing(self):
        self.billing_user.partner_id.email = False
        self.company.email = False
        invoice = self.create_invoice()
        invoice.invoice_user_id = False
        before = self.counts()
        response = self.api("POST", self.detail(invoice, "send_notification/"))
        self.assert_json(
            response,
            400,
            ["Unable to send message, please configure the sender's email address."],
        )
        self.assertEqual(self.counts(), before)
        self.assertFalse(invoice.sending_data)


@tagged("post_install", "-at_install")
class TestSpaceInvoicesHardening(SpaceInvoicesCommon):
    def counts(self):
        return (
            self.env["account.payment"].search_count([]),
            self.env["account.move"].search_count([]),
        )

    def test_unparseable_bodies_and_old_dates_write_nothing(self):
        before = self.counts()
        response = self.si(
            "POST",
            self.document_path(),
            data=b'{"type": "bank", ',
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 400, response.text)
        self.assertEqual(set(response.json()), {"error"})
        response = self.si(
            "POST",
            self.document_path(),
            json={"type": "bank", "date": "0201-12-01", "amount": 10},
        )
        self.assertIn(response.status_code, (400, 422), response.text)
        self.assertEqual(set(response.json()), {"error"})
        self.assertEqual(self.counts(), before)

    def test_responses_are_not_cached_and_hosts_checked(self):
        for response in (
            self.si("GET", self.document_path()),
            self.si("GET", "/nowhere"),
            self.si("GET", self.document_path(), key="nope"),
        ):
            with self.subTest(url=response.url, status=response.status_code):
                expected = (
                    "private, no-cache" if "ETag" in response.headers else "no-store"
                )
                self.assertEqual(response.headers.get("Cache-Control"), expected)
                self.assertIn("Authorization", response.headers.get("Vary", ""))
        response = self.si("GET", self.document_path(), headers={"Host": "a b"})
        self.assertEqual(response.status_code, 400, response.text)
        self.assertEqual(response.json()["error"]["message"], "Invalid Host header.")
