# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Conditional GETs: every JSON answer to a GET carries a weak ETag, and the
same request with ``If-None-Match`` gets a body-less 304 while the answer
would be the same, a 200 with a new tag as soon as anything in it changes."""

import logging
import re
import time

from odoo.tests import tagged

from .common import SpaceInvoicesCommon, WaldurInvoiceCommon

_logger = logging.getLogger(__name__)

WEAK_TAG = re.compile(r'^W/"[0-9a-f]{32}"$')
PAYMENTS = "/api/payments/"
PROFILES = "/api/payment-profiles/"


def waldur_paths(case, aggregates=True):
    """The GET routes of the Waldur dialect over ``case``'s invoice, customer,
    payment and profile; ``aggregates``: with stats and growth."""
    line = case.invoice.invoice_line_ids[0]
    paths = {
        "list": "/api/invoices/",
        "detail": case.detail(case.invoice),
        "items": case.detail(case.invoice, "items/"),
        "item": f"/api/invoice-items/{line.uuid}/",
        "stats": case.detail(case.invoice, "stats/"),
        "growth": "/api/invoices/growth/",
        "customer": f"/api/customers/{case.customer.uuid}/",
        "payments": PAYMENTS,
        "payment": f"{PAYMENTS}{case.payment.uuid}/",
        "profiles": PROFILES,
        "profile": f"{PROFILES}{case.profile.uuid}/",
    }
    if not aggregates:
        del paths["stats"], paths["growth"]
    return paths


def spaceinvoices_paths(case, payment):
    """The GET routes of the Space Invoices dialect over ``case``'s document
    and company, and ``payment``."""
    organization = f"/organizations/{case.company.uuid}/payments"
    return {
        "document": case.document_path(),
        "document count": case.document_path(suffix="/count"),
        "organization": organization,
        "organization count": f"{organization}/count",
        "payment": f"/payments/{payment.uuid}",
    }


class ConditionalMixin:
    """Assertions shared by both dialects (``get`` sends one GET)."""

    def get(self, path, etag=None, method="GET", **kwargs):
        raise NotImplementedError

    def assert_revalidates(self, path, method="GET", **kwargs):
        """The ETag of ``path``'s 200, after checking that sending it back
        gets a 304 without body but with the same validator and headers."""
        first = self.get(path, **kwargs)
        self.assertEqual(first.status_code, 200, first.text)
        etag = first.headers.get("ETag", "")
        self.assertRegex(etag, WEAK_TAG)
        self.assertEqual(first.headers["Cache-Control"], "private, no-cache")
        again = self.get(path, etag=etag, method=method, **kwargs)
        self.assertEqual(again.status_code, 304, again.text)
        self.assertEqual(again.content, b"")
        self.assertEqual(again.headers["ETag"], etag)
        self.assertEqual(again.headers["Cache-Control"], "private, no-cache")
        self.assertIn("Authorization", again.headers.get("Vary", ""))
        self.assertNotIn("X-Result-Count", again.headers)
        return etag

    def assert_changed(self, path, etag, **kwargs):
        """``path`` answered in full again, with a new tag."""
        response = self.get(path, etag=etag, **kwargs)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertRegex(response.headers["ETag"], WEAK_TAG)
        self.assertNotEqual(response.headers["ETag"], etag)
        return response.headers["ETag"]


@tagged("post_install", "-at_install")
class TestWaldurConditionalRequests(ConditionalMixin, WaldurInvoiceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.usage_invoice()
        cls.payment = cls.create_payment(10.0)

    def get(self, path, etag=None, method="GET", key=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if etag:
            headers["If-None-Match"] = etag
        return self.api(method, path, key=key, headers=headers, **kwargs)

    def paths(self):
        return waldur_paths(self)

    def test_every_get_revalidates(self):
        for name, path in self.paths().items():
            with self.subTest(name):
                etag = self.assert_revalidates(path)
                # HEAD is GET without the body: the same tag, the same 304.
                head = self.get(path, method="HEAD")
                self.assertEqual(head.headers["ETag"], etag)
                self.assertEqual(
                    self.get(path, etag=etag, method="HEAD").status_code, 304
                )

    def test_if_none_match_forms(self):
        """RFC 9110, 13.1.2: a list of tags, ``*``, weak comparison."""
        path = self.detail(self.invoice)
        etag = self.assert_revalidates(path)
        other = 'W/"0000000000000000000000000000000"'
        for header in (f"{other}, {etag}", "*", etag.removeprefix("W/")):
            with self.subTest(header):
                response = self.get(path, headers={"If-None-Match": header})
                self.assertEqual(response.status_code, 304, response.text)
        for header in (other, '"nope"', ""):
            with self.subTest(header):
                response = self.get(path, headers={"If-None-Match": header})
                self.assertEqual(response.status_code, 200, response.text)
        # A date in the future cannot be a Last-Modified we gave: ignored.
        response = self.get(
            path, headers={"If-Modified-Since": "Wed, 01 Jan 2100 00:00:00 GMT"}
        )
        self.assertEqual(response.status_code, 200, response.text)

    def test_errors_files_and_writes_are_not_tagged(self):
        missing = self.get("/api/invoices/0123456789abcdef0123456789abcdef/", etag="*")
        self.assertEqual(missing.status_code, 404)
        xlsx = self.get(self.detail(self.invoice, "stats/"), params={"format": "xlsx"})
        self.assertEqual(xlsx.status_code, 200)
        enable = self.api("POST", f"{PROFILES}{self.profile.uuid}/enable/")
        self.assertEqual(enable.status_code, 200, enable.text)
        for response in (missing, xlsx, enable):
            with self.subTest(status=response.status_code, url=response.url):
                self.assertNotIn("ETag", response.headers)
                self.assertEqual(response.headers["Cache-Control"], "no-store")

    def test_paying_the_invoice_changes_its_answers(self):
        paths = self.paths()
        tags = {
            name: self.assert_revalidates(paths[name]) for name in ("list", "detail")
        }
        self.register_payment(self.invoice)
        for name, etag in tags.items():
            with self.subTest(name):
                self.assert_changed(paths[name], etag)

    def test_a_changed_line_changes_the_items(self):
        paths = self.paths()
        tags = {
            name: self.assert_revalidates(paths[name]) for name in ("items", "item")
        }
        self.invoice.invoice_line_ids[0].billing_resource_name = "vm-backend"
        for name, etag in tags.items():
            with self.subTest(name):
                self.assert_changed(paths[name], etag)

    def test_a_renamed_partner_changes_the_invoice_and_customer(self):
        paths = self.paths()
        tags = {
            name: self.assert_revalidates(paths[name])
            for name in ("list", "detail", "customer")
        }
        self.customer.name = "Acme Renamed"
        for name, etag in tags.items():
            with self.subTest(name):
                self.assert_changed(paths[name], etag)

    def test_linking_a_payment_changes_it(self):
        paths = self.paths()
        tags = {
            name: self.assert_revalidates(paths[name])
            for name in ("payments", "payment")
        }
        response = self.api(
            "POST",
            f"{PAYMENTS}{self.payment.uuid}/link_to_invoice/",
            json={"invoice": self.url(self.detail(self.invoice))},
        )
        self.assertEqual(response.status_code, 200, response.text)
        for name, etag in tags.items():
            with self.subTest(name):
                self.assert_changed(paths[name], etag)

    def test_a_renamed_profile_changes_the_profiles(self):
        paths = self.paths()
        tags = {
            name: self.assert_revalidates(paths[name])
            for name in ("profiles", "profile")
        }
        self.profile.name = "Renamed profile"
        for name, etag in tags.items():
            with self.subTest(name):
                self.assert_changed(paths[name], etag)

    def test_a_deleted_payment_changes_the_list(self):
        extra = self.create_payment(5.0)
        etag = self.assert_revalidates(PAYMENTS)
        extra.unlink()
        self.assert_changed(PAYMENTS, etag)

    def test_page_query_string_and_user_change_the_answer(self):
        self.create_invoice()
        etag = self.assert_revalidates("/api/invoices/")
        self.assert_changed("/api/invoices/", etag, params={"page_size": 1})
        # A row beyond page 1: page 1's rows stay, its X-Result-Count does not.
        page = self.assert_revalidates("/api/invoices/", params={"page_size": 1})
        self.create_invoice(invoice_date=self.invoice.invoice_date.replace(year=2000))
        self.assert_changed("/api/invoices/", page, params={"page_size": 1})
        # Another user, with other rights, never gets this user's 304.
        for key in (self.plain_key, self.make_api_key(self.env.ref("base.user_admin"))):
            response = self.get("/api/invoices/", etag=etag, key=key)
            self.assertNotEqual(response.status_code, 304, response.text)

    def test_a_304_costs_no_more_queries_than_the_200(self):
        path = self.detail(self.invoice)
        etag = self.assert_revalidates(path)
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        self.assertEqual(self.get(path).status_code, 200)
        full = self.cr.sql_log_count - before
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        self.assertEqual(self.get(path, etag=etag).status_code, 304)
        revalidated = self.cr.sql_log_count - before
        self.assertGreater(full, 0)
        self.assertLessEqual(revalidated, full)

    def test_measure_a_page_of_100_invoices(self):
        """Figures for the documentation (logged, never asserted on time)."""
        for _index in range(100):
            self.create_invoice()
        params = {"page_size": 100}
        etag = self.assert_revalidates("/api/invoices/", params=params)
        figures = {}
        for label, tag in (("200", None), ("304", etag)):
            queries, elapsed, size = [], [], 0
            for _round in range(5):
                self.env.invalidate_all()
                before, start = self.cr.sql_log_count, time.perf_counter()
                # Unvalidated: the figures are the server's, not the client's
                # schema check of a 180 kB body.
                response = self.opener.get(
                    self.base_url() + "/api/invoices/",
                    params=params,
                    headers={
                        "Authorization": f"Token {self.billing_key}",
                        **({"If-None-Match": tag} if tag else {}),
                    },
                    timeout=60,
                )
                elapsed.append((time.perf_counter() - start) * 1000)
                queries.append(self.cr.sql_log_count - before)
                size = len(response.content)
                self.assertEqual(response.status_code, int(label))
            figures[label] = (min(queries), sorted(elapsed)[2], size)
        _logger.info(
            "ETag measure, 100 invoices: 200: %d queries, %.1f ms median, %d bytes;"
            " 304: %d queries, %.1f ms median, %d bytes",
            *figures["200"],
            *figures["304"],
        )
        self.assertLessEqual(figures["304"][0], figures["200"][0])
        self.assertEqual(figures["304"][2], 0)


@tagged("post_install", "-at_install")
class TestSpaceInvoicesConditionalRequests(ConditionalMixin, SpaceInvoicesCommon):
    def get(self, path, etag=None, method="GET", headers=None, **kwargs):
        headers = dict(headers or {})
        if etag:
            headers["If-None-Match"] = etag
        return self.si(method, path, headers=headers, **kwargs)

    def paths(self, payment):
        return spaceinvoices_paths(self, payment)

    def test_every_get_revalidates_and_a_payment_changes_it(self):
        payment = self.pay(amount=100.0)
        paths = self.paths(payment)
        tags = {name: self.assert_revalidates(path) for name, path in paths.items()}
        self.assertEqual(
            self.get(
                paths["document"], etag=tags["document"], method="HEAD"
            ).status_code,
            304,
        )
        self.pay(amount=50.0)
        # Its own subtransaction, as every real change is: a row's xmin is
        # the writing (sub)transaction's, which the fingerprint hashes.
        with self.env.cr.savepoint():
            payment.memo = "Changed memo"
            self.env.flush_all()
        for name, etag in tags.items():
            with self.subTest(name):
                self.assert_changed(paths[name], etag)

    def test_the_filter_changes_the_answer(self):
        self.pay(amount=100.0)
        self.pay(amount=200.0)
        etag = self.assert_revalidates(self.document_path())
        self.assert_changed(
            self.document_path(), etag, params={"filter": '{"limit": 1}'}
        )
