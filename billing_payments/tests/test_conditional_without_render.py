# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Conditional GETs answered before rendering (``common.Validator``).

The tag is a fingerprint of the rows an answer shows, taken by one query
after the endpoint's own search: a 304 renders nothing (its query count is
flat and far below the 200's), and every change of what the answer shows
changes the tag. Mutations run in a savepoint of their own: the fingerprint
counts rows by ``xmin``, the writing transaction, and a test is one
transaction (in production every request is its own).
"""

import base64
import datetime
import json
import re

from odoo import Command, fields
from odoo.tests import tagged

from .common import SpaceInvoicesCommon, WaldurInvoiceCommon, pay_invoice
from .test_conditional_requests import PAYMENTS, spaceinvoices_paths, waldur_paths

WEAK_TAG = re.compile(r'^W/"[0-9a-f]{32}"$')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The queries of a 304, whatever the page: authentication, the list's count
# and page search (or the record's lookup), and the fingerprint.
MAX_304_QUERIES = 12


class WithoutRenderMixin:
    """Helpers of both dialects; ``get`` sends one GET."""

    def get(self, path, etag=None, **kwargs):
        raise NotImplementedError

    def mutate(self, change):
        """Run ``change`` as its own (sub)transaction, flushed."""
        with self.env.cr.savepoint():
            change()
            self.env.flush_all()

    def tag_of(self, path, **kwargs):
        response = self.get(path, **kwargs)
        self.assertEqual(response.status_code, 200, response.text)
        etag = response.headers["ETag"]
        self.assertRegex(etag, WEAK_TAG)
        again = self.get(path, etag=etag, **kwargs)
        self.assertEqual(again.status_code, 304, again.text)
        self.assertEqual(again.content, b"")
        self.assertEqual(again.headers["ETag"], etag)
        return etag

    def queries(self, path, etag=None, **kwargs):
        """(status, SQL queries) of one GET, with cold ORM caches."""
        self.get(path, etag=etag, **kwargs)  # warm Odoo's own caches
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        response = self.get(path, etag=etag, **kwargs)
        return response.status_code, self.cr.sql_log_count - before

    def assert_cheap_304(self, path, **kwargs):
        """The 304 costs a few queries, far fewer than the 200."""
        etag = self.tag_of(path, **kwargs)
        status, full = self.queries(path, **kwargs)
        self.assertEqual(status, 200)
        status, revalidated = self.queries(path, etag=etag, **kwargs)
        self.assertEqual(status, 304)
        self.assertLessEqual(revalidated, MAX_304_QUERIES, path)
        self.assertLess(revalidated, full, path)
        return revalidated, full

    def assert_changes(self, paths, change, **kwargs):
        """Each of ``paths`` gets a new tag once ``change`` ran."""
        tags = {path: self.tag_of(path, **kwargs) for path in paths}
        self.mutate(change)
        for path, etag in tags.items():
            with self.subTest(path=path):
                response = self.get(path, etag=etag, **kwargs)
                self.assertEqual(response.status_code, 200, response.text)
                self.assertNotEqual(response.headers["ETag"], etag)

    def assert_same_body(self, path, **kwargs):
        """A stale tag gets the very answer a request without one gets, and
        the tag does not depend on which of them asked."""
        plain = self.get(path, **kwargs)
        stale = self.get(path, etag='W/"00000000000000000000000000000000"', **kwargs)
        self.assertEqual(plain.status_code, 200, plain.text)
        self.assertEqual(stale.status_code, 200, stale.text)
        self.assertEqual(stale.content, plain.content)
        self.assertEqual(stale.headers["ETag"], plain.headers["ETag"])
        for name in ("Link", "X-Result-Count", "x-total-count", "Content-Type"):
            self.assertEqual(stale.headers.get(name), plain.headers.get(name))


@tagged("post_install", "-at_install")
class TestWaldurWithoutRender(WithoutRenderMixin, WaldurInvoiceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.usage_invoice()
        cls.payment = cls.create_payment(10.0)
        cls.payment.action_post()

    def get(self, path, etag=None, key=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if etag:
            headers["If-None-Match"] = etag
        return self.api("GET", path, key=key, headers=headers, **kwargs)

    def paths(self):
        """Every Waldur GET but growth and stats (tagged from their body)."""
        return waldur_paths(self, aggregates=False)

    # --- no rendering --------------------------------------------------------

    def test_a_304_renders_nothing(self):
        for name, path in self.paths().items():
            with self.subTest(name):
                self.assert_cheap_304(path)

    def test_a_304_of_a_list_is_flat(self):
        """The 304 of a page of 30 invoices costs what the page of 1 does
        (the 200 reads lines, customers and companies of the page)."""
        for _index in range(29):
            self.create_invoice()
        small, _full = self.assert_cheap_304("/api/invoices/", params={"page_size": 1})
        large, _full = self.assert_cheap_304("/api/invoices/", params={"page_size": 30})
        self.assertEqual(small, large)

    def test_the_bodies_are_unchanged(self):
        for name, path in self.paths().items():
            with self.subTest(name):
                self.assert_same_body(path)
        self.assert_same_body(
            "/api/invoices/", params=[("field", "uuid"), ("field", "state")]
        )

    # --- what changes the tag --------------------------------------------------

    def test_an_unrelated_change_keeps_the_304(self):
        """The control of the tests above: a change of rows no answer shows
        leaves every tag as it was."""
        paths = self.paths()
        tags = {name: self.tag_of(path) for name, path in paths.items()}
        self.mutate(lambda: self.other_customer.write({"name": "Unrelated"}))
        self.mutate(lambda: self.create_invoice(post=False).unlink())
        for name, etag in tags.items():
            with self.subTest(name):
                self.assertEqual(self.get(paths[name], etag=etag).status_code, 304)

    def test_invoice_changes(self):
        paths = self.paths()
        invoice_paths = [paths[name] for name in ("list", "detail", "items", "item")]
        for change in (
            lambda: self.invoice.write({"payment_url": "https://pay.test/1"}),
            lambda: self.invoice.invoice_line_ids[0].write(
                {"billing_project_name": "Renamed project"}
            ),
            lambda: self.offering.write({"name": "Renamed offering"}),
            lambda: self.provider.write({"name": "Renamed provider"}),
        ):
            self.assert_changes(invoice_paths, change)

    def test_a_sparse_list_hashes_the_invoice_rows_alone(self):
        """``?field=uuid&field=state`` shows the invoices' own columns only:
        its tag follows the invoice rows (a payment changes the state) and
        not the customer, whose details are not in the answer; a sparse list
        that links the customer still follows the customer."""
        sparse = "/api/invoices/?field=uuid&field=state&field=number"
        linked = "/api/invoices/?field=uuid&field=customer"
        etag = self.tag_of(sparse)
        self.mutate(lambda: self.customer.write({"street": "Sparse 3"}))
        self.assertEqual(self.get(sparse, etag=etag).status_code, 304)
        self.assert_changes([sparse], lambda: self.register_payment(self.invoice))
        self.assert_changes([linked], lambda: self.customer.write({"street": "S 4"}))
        revalidated, full = self.assert_cheap_304(sparse)
        self.assertLessEqual(revalidated, full)

    def test_a_line_quantity_and_price(self):
        draft = self.create_invoice(post=False)
        paths = [self.detail(draft), self.detail(draft, "items/")]
        line = draft.invoice_line_ids[0]
        self.assert_changes(paths, lambda: line.write({"quantity": 3}))
        self.assert_changes(paths, lambda: line.write({"price_unit": 42.0}))

    def test_customer_and_company_changes(self):
        paths = self.paths()
        shown = [paths[name] for name in ("list", "detail", "customer")]
        self.assert_changes(shown, lambda: self.customer.write({"street": "Side 2"}))
        self.assert_changes(
            shown,
            lambda: self.env["res.partner.bank"].create(
                {"partner_id": self.customer.id, "acc_number": "EE12 3456"}
            ),
        )
        issued = [paths["list"], paths["detail"]]
        self.assert_changes(issued, lambda: self.company.write({"name": "New name"}))
        self.assert_changes(
            issued,
            lambda: self.env["res.partner.bank"].create(
                {"partner_id": self.company.partner_id.id, "acc_number": "EE99 0001"}
            ),
        )

    def test_paying_recomputes_the_invoice_row(self):
        """The stored payment state is recomputed when the invoice is paid:
        its row changes (new xmin, and a new write_date: Odoo writes it on
        every flush of a recomputation too)."""
        self.env.cr.execute(
            "UPDATE account_move SET write_date = '2000-01-01' WHERE id = %s",
            [self.invoice.id],
        )
        self.env.invalidate_all()
        paths = self.paths()
        self.assert_changes(
            [paths["list"], paths["detail"]],
            lambda: self.register_payment(self.invoice),
        )
        self.env.cr.execute(
            "SELECT write_date, billing_state FROM account_move WHERE id = %s",
            [self.invoice.id],
        )
        write_date, state = self.env.cr.fetchone()
        self.assertEqual(state, "paid")
        self.assertGreater(write_date, datetime.datetime(2000, 1, 2))

    def test_payment_changes(self):
        paths = self.paths()
        shown = [paths["payments"], paths["payment"]]
        # Linked, then unlinked, through the API (each its own transaction).
        for action, body in (
            ("link_to_invoice", {"invoice": self.url(self.detail(self.invoice))}),
            ("unlink_from_invoice", None),
        ):
            tags = {path: self.tag_of(path) for path in shown}
            response = self.api(
                "POST", f"{PAYMENTS}{self.payment.uuid}/{action}/", json=body
            )
            self.assertEqual(response.status_code, 200, response.text)
            for path, etag in tags.items():
                with self.subTest(action=action, path=path):
                    self.assertEqual(self.get(path, etag=etag).status_code, 200)
        self.assert_changes(
            shown,
            lambda: self.payment.write(
                {"proof": base64.b64encode(PDF), "proof_filename": "proof.pdf"}
            ),
        )
        self.assert_changes([PAYMENTS], lambda: self.create_payment(20.0))
        extra = self.create_payment(5.0)
        self.assert_changes([PAYMENTS], extra.unlink)

    def test_payments_hash_only_what_they_show(self):
        """Waldur payments show their customer's uuid, but neither the
        customer's banks nor the company: a new bank account or a new
        company address keeps their 304 (the invoice, which shows both,
        gets a new tag)."""
        paths = self.paths()
        self.assertEqual(self.profile.partner_id, self.customer)
        shown = [paths["payments"], paths["payment"]]
        tags = {path: self.tag_of(path) for path in shown}
        changes = (
            lambda: self.env["res.partner.bank"].create(
                {"partner_id": self.customer.id, "acc_number": "EE55 0002"}
            ),
            lambda: self.company.write({"street": "Harbour 9"}),
        )
        for change in changes:
            self.assert_changes([paths["detail"]], change)
        for path, etag in tags.items():
            with self.subTest(path=path):
                self.assertEqual(self.get(path, etag=etag).status_code, 304)

    def test_unreconciling_keeps_the_link_but_changes_the_invoice(self):
        payment = self.register_payment(self.invoice)
        payment.payment_profile_id = self.profile
        path = f"{PAYMENTS}{payment.uuid}/"
        self.env.flush_all()
        self.assert_changes(
            [path, self.detail(self.invoice)],
            lambda: payment.move_id.line_ids.remove_move_reconcile(),
        )

    def test_profile_changes(self):
        paths = self.paths()
        shown = [paths["profiles"], paths["profile"]]
        self.assert_changes(shown, lambda: self.profile.write({"is_active": False}))
        self.assert_changes(shown, self.profile.action_activate)

    def test_rights_and_language_change_the_tag(self):
        paths = self.paths()
        shown = [paths["list"], paths["detail"], paths["payments"]]
        group = self.env["res.groups"].create({"name": "A new group"})
        self.assert_changes(
            shown,
            lambda: self.billing_user.write({"groups_id": [Command.link(group.id)]}),
        )
        self.env["res.lang"]._activate_lang("fr_FR")
        self.assert_changes(shown, lambda: self.billing_user.write({"lang": "fr_FR"}))

    def test_an_invoice_becoming_invisible(self):
        other = self.create_invoice()
        other_uuid, other_path = other.uuid, self.detail(other)
        paths = [
            "/api/invoices/",
            self.detail(self.invoice),
        ]
        tags = {path: self.tag_of(path) for path in paths}
        self.mutate(
            lambda: self.env["ir.rule"].create(
                {
                    "name": "hide one invoice",
                    "model_id": self.env.ref("account.model_account_move").id,
                    "domain_force": f"[('id', '!=', {other.id})]",
                }
            )
        )
        listed = self.get("/api/invoices/", etag=tags["/api/invoices/"])
        self.assertEqual(listed.status_code, 200, listed.text)
        self.assertNotIn(other_uuid, [row["uuid"] for row in listed.json()])
        # The hidden invoice is a 404 whatever the client holds, never a 304.
        for header in ("*", tags[self.detail(self.invoice)]):
            hidden = self.get(other_path, headers={"If-None-Match": header})
            self.assertEqual(hidden.status_code, 404, hidden.text)

    def test_a_changed_record_rule_changes_the_tag(self):
        """Even a rule that hides nothing shown: rules decide what related
        records the renderer may read."""
        self.assert_changes(
            list(self.paths().values()),
            lambda: self.env["ir.rule"].create(
                {
                    "name": "a rule on products",
                    "model_id": self.env.ref("product.model_product_product").id,
                    "domain_force": "[(1, '=', 1)]",
                }
            ),
        )

    def test_a_user_without_access_gets_no_304(self):
        path = self.detail(self.invoice)
        etag = self.tag_of(path)
        for header in (etag, "*"):
            response = self.get(path, key=self.plain_key, etag=header)
            self.assertEqual(response.status_code, 404, response.text)

    def test_page_shift_and_query_string(self):
        params = {"page_size": 1}
        etag = self.tag_of("/api/invoices/", params=params)
        # A newer invoice comes first in the default order: page 1 shifts.
        self.mutate(
            lambda: self.create_invoice(
                invoice_date=self.invoice.invoice_date + datetime.timedelta(days=40)
            )
        )
        response = self.get("/api/invoices/", etag=etag, params=params)
        self.assertEqual(response.status_code, 200, response.text)
        for other_params in (
            {"page_size": 2},
            {"page_size": 1, "state": "created"},
            [("page_size", "1"), ("field", "uuid")],
            [("page_size", "1"), ("field", "uuid"), ("field", "state")],
        ):
            with self.subTest(other_params):
                response = self.get("/api/invoices/", etag=etag, params=other_params)
                self.assertEqual(response.status_code, 200, response.text)

    # --- Last-Modified ----------------------------------------------------------

    def test_last_modified_on_single_records_only(self):
        paths = self.paths()
        for name in ("detail", "items", "item", "customer", "payment", "profile"):
            with self.subTest(name):
                response = self.get(paths[name])
                self.assertIn("Last-Modified", response.headers)
                since = response.headers["Last-Modified"]
                revalidated = self.get(
                    paths[name], headers={"If-Modified-Since": since}
                )
                self.assertEqual(revalidated.status_code, 304, revalidated.text)
                self.assertEqual(revalidated.headers["ETag"], response.headers["ETag"])
                # If-None-Match wins over If-Modified-Since (RFC 9110, 13.2.2).
                stale = self.get(
                    paths[name],
                    headers={
                        "If-Modified-Since": since,
                        "If-None-Match": 'W/"00000000000000000000000000000000"',
                    },
                )
                self.assertEqual(stale.status_code, 200, stale.text)
                earlier = self.get(
                    paths[name],
                    headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"},
                )
                self.assertEqual(earlier.status_code, 200, earlier.text)
                future = self.get(
                    paths[name],
                    headers={"If-Modified-Since": "Wed, 01 Jan 2100 00:00:00 GMT"},
                )
                self.assertEqual(future.status_code, 200, future.text)
                not_a_date = self.get(
                    paths[name], headers={"If-Modified-Since": "yesterday"}
                )
                self.assertEqual(not_a_date.status_code, 200, not_a_date.text)
        for name in ("list", "payments", "profiles"):
            with self.subTest(name):
                response = self.get(paths[name], headers={"If-Modified-Since": "*"})
                self.assertNotIn("Last-Modified", response.headers)


@tagged("post_install", "-at_install")
class TestSpaceInvoicesWithoutRender(WithoutRenderMixin, SpaceInvoicesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.payment = pay_invoice(cls.invoice, "bank", fields.Date.today(), 100.0)

    def get(self, path, etag=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if etag:
            headers["If-None-Match"] = etag
        return self.si("GET", path, headers=headers, **kwargs)

    def paths(self):
        return spaceinvoices_paths(self, self.payment)

    def test_a_304_renders_nothing(self):
        for name, path in self.paths().items():
            if "count" in name:
                continue  # a count renders nothing anyway
            with self.subTest(name):
                self.assert_cheap_304(path)
        include = {"filter": json.dumps({"include": ["document", "organization"]})}
        self.assert_cheap_304(self.paths()["organization"], params=include)

    def test_a_304_of_a_list_is_flat(self):
        for _index in range(5):
            self.pay(amount=10.0)
        path = self.paths()["organization"]
        small, _full = self.assert_cheap_304(
            path, params={"filter": json.dumps({"limit": 1})}
        )
        large, _full = self.assert_cheap_304(
            path, params={"filter": json.dumps({"limit": 6})}
        )
        self.assertEqual(small, large)

    def test_the_bodies_are_unchanged(self):
        include = {"filter": json.dumps({"include": ["document", "organization"]})}
        for name, path in self.paths().items():
            with self.subTest(name):
                self.assert_same_body(path)
                if "count" not in name:
                    self.assert_same_body(path, params=include)

    def test_what_changes_the_tag(self):
        paths = self.paths()
        lists = [paths["document"], paths["organization"], paths["payment"]]
        include = {"filter": json.dumps({"include": ["document", "organization"]})}
        for change in (
            lambda: self.payment.write({"memo": "Changed memo"}),
            lambda: self.invoice.write({"payment_reference": "REF-2"}),
            lambda: self.company.write({"street": "Harbour 5"}),
            lambda: self.pay(amount=50.0),
        ):
            self.assert_changes(lists, change, params=include)
        counts = [paths["document count"], paths["organization count"]]
        self.assert_changes(counts, lambda: self.pay(amount=5.0))
        self.assert_changes(
            [paths["document"], paths["organization"]],
            self.payment._billing_cancel,
        )

    def test_without_include_the_customer_keeps_the_tag(self):
        """Without ``include`` a payment shows no customer: a new address of
        the invoice's customer keeps the 304. With ``include`` the tag
        hashes every row the related blocks can show (the payment
        profile's customer among them), and changes."""
        paths = self.paths()
        shown = [paths["document"], paths["organization"], paths["payment"]]
        include = {"filter": json.dumps({"include": ["organization"]})}
        tags = {path: self.tag_of(path) for path in shown}
        included = {path: self.tag_of(path, params=include) for path in shown}
        self.mutate(lambda: self.invoice.partner_id.write({"street": "Quay 7"}))
        for path, etag in tags.items():
            with self.subTest(path=path):
                self.assertEqual(self.get(path, etag=etag).status_code, 304)
        for path, etag in included.items():
            with self.subTest(path=path, include=True):
                response = self.get(path, etag=etag, params=include)
                self.assertEqual(response.status_code, 200)

    def test_last_modified_on_the_payment_only(self):
        paths = self.paths()
        response = self.get(paths["payment"])
        since = response.headers["Last-Modified"]
        revalidated = self.get(paths["payment"], headers={"If-Modified-Since": since})
        self.assertEqual(revalidated.status_code, 304, revalidated.text)
        for name in ("document", "organization", "document count"):
            with self.subTest(name):
                self.assertNotIn("Last-Modified", self.get(paths[name]).headers)
