# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The SQL cost of Waldur's payment write path, with the books after it.

``POST /api/payments/`` (JSON, and multipart with a proof) and
``POST /api/payments/{uuid}/link_to_invoice/`` must each stay within their
budget once Odoo's caches are warm (a first create and link warm them).
The budgets are today's counts plus a small margin, so that any added query
on the write path shows up here. Issue 13's target of 80 queries per request
is met by the JSON create and the link (nearly all of the queries left are
Odoo's own posting, reconciliation and chatter, see the module's docs).

After the measured requests the books are checked, so that a saving cannot
change the accounting: the invoice is paid, both receivable lines are
reconciled, every entry is balanced and both chatters say what happened.

Set ``BILLING_SQL_PROFILE=1`` to print the measured queries grouped by
statement and table (``odoo.sql_db`` debug log), ``2`` to add each statement,
``3`` to add the Odoo and addon frames that ran it (innermost first).
"""

import collections
import contextlib
import datetime
import logging
import os
import re
import sys
import traceback

from odoo.tests import tagged
from odoo.tools import html2plaintext

from .common import BillingHttpCommon

LIST = "/api/payments/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Measured on Odoo 18: 80 (JSON), 85 (multipart with a proof), 76 (link), 135
# (Space Invoices' payment of a document: create, post, reconcile and link in
# one request). Before issue 13's last round: 86, 91, 88 and 149; the savings
# are the inverse fields of the payment's entry and lines (the ORM no longer
# searches them on every write of a payment: -6, -6, -6, -14), both sides'
# lines read together and one row-lock statement for the payment and the
# invoice (link: -6).
MAX_CREATE_QUERIES = 82
MAX_CREATE_WITH_PROOF_QUERIES = 87
MAX_LINK_QUERIES = 78
MAX_SPACEINVOICES_PAY_QUERIES = 137


class _QueryLog(logging.Handler):
    """Collects the statements ``odoo.sql_db`` logs at debug level."""

    def __init__(self, with_stack=False):
        super().__init__(logging.DEBUG)
        self.queries = []
        self.stacks = []
        self.with_stack = with_stack

    def emit(self, record):
        message = record.getMessage()
        if "query:" in message:
            self.queries.append(message.split("query:", 1)[1].strip())
            if self.with_stack:
                self.stacks.append(_caller_frames())


_SOURCE_ROOT = re.compile(r"^.*?/(?=(odoo|billing_payments)/)")


def _caller_frames(depth=40):
    """The innermost Odoo and addon frames that ran a query
    (``BILLING_SQL_PROFILE=3``)."""
    frames = [
        frame
        for frame in traceback.extract_stack()[:-1]
        if ("/odoo/" in frame.filename or "/billing_payments/" in frame.filename)
        and not frame.filename.endswith(("sql_db.py", "test_write_path_queries.py"))
    ]
    return "        " + " < ".join(
        f"{_SOURCE_ROOT.sub('', frame.filename).rsplit('/', 1)[-1]}:{frame.lineno}"
        f" {frame.name}"
        for frame in reversed(frames[-depth:])
        if not frame.filename.endswith(("/http.py", "/fields.py", "/api.py"))
    )


def _out(text):
    """Profiling output (opt-in, see the module docstring), on stdout."""
    sys.stdout.write(f"{text}\n")


def _group(queries):
    counter = collections.Counter()
    for query in queries:
        verb = query.split(None, 1)[0].upper()
        match = re.search(r'(?:FROM|INTO|UPDATE)\s+"?([a-z_0-9]+)"?', query)
        counter[f"{verb} {match.group(1) if match else ''}"] += 1
    return counter


@tagged("post_install", "-at_install")
class TestWritePathQueries(BillingHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoices = [
            cls.create_invoice(
                lines=[(cls.offering, 1, 100.0 + index)],
                invoice_date=datetime.date(2026, 3, 31),
            )
            for index in range(3)
        ]

    def profile_url(self):
        return f"{self.base_url()}/api/payment-profiles/{self.profile.uuid}/"

    def invoice_url(self, invoice):
        return f"{self.base_url()}/api/invoices/{invoice.uuid}/"

    @contextlib.contextmanager
    def count_queries(self, label):
        """Count the queries of the block; print them when profiling."""
        self.env.invalidate_all()
        handler = None
        logger = logging.getLogger("odoo.sql_db")
        level = logger.level
        if os.environ.get("BILLING_SQL_PROFILE"):
            handler = _QueryLog(with_stack=os.environ["BILLING_SQL_PROFILE"] == "3")
            logger.addHandler(handler)
            logger.setLevel(logging.DEBUG)
            logger.propagate = False
        result = {}
        before = self.cr.sql_log_count
        try:
            yield result
        finally:
            result["count"] = self.cr.sql_log_count - before
            if handler:
                logger.removeHandler(handler)
                logger.setLevel(level)
                logger.propagate = True
                _out(f"\n=== {label}: {result['count']} queries")
                for key, number in _group(handler.queries).most_common():
                    _out(f"{number:4d}  {key}")
                if os.environ.get("BILLING_SQL_PROFILE") == "2":
                    for query in handler.queries:
                        _out("    " + query[:300].replace("\n", " "))
                elif os.environ.get("BILLING_SQL_PROFILE") == "3":
                    for query, stack in zip(
                        handler.queries, handler.stacks, strict=True
                    ):
                        _out("    " + query[:200].replace("\n", " "))
                        _out(stack)

    def create_body(self, invoice):
        """The fields of a create paying ``invoice`` (read before measuring)."""
        return {
            "profile": self.profile_url(),
            "date_of_payment": "2026-04-01",
            "sum": str(invoice.amount_total),
        }

    def create_json(self, fields):
        response = self.api("POST", LIST, json=fields)
        return self.assert_json(response, 201)

    def create_multipart(self, fields):
        response = self.api(
            "POST",
            LIST,
            data=fields,
            files={"proof": ("receipt.pdf", PDF, "application/pdf")},
        )
        return self.assert_json(response, 201)

    def link(self, body, invoice_url):
        response = self.api(
            "POST",
            f"{LIST}{body['uuid']}/link_to_invoice/",
            json={"invoice": invoice_url},
        )
        self.assert_json(
            response, 200, {"detail": "An invoice has been linked to payment."}
        )

    def payment(self, body):
        return self.env["account.payment"].search([("uuid", "=", body["uuid"])])

    def assert_books(self, payment, invoice):
        """Paid, reconciled, balanced, and said so in both chatters."""
        self.env.invalidate_all()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(
            invoice.currency_id.compare_amounts(invoice.amount_residual, 0), 0
        )
        self.assertEqual(payment.state, "paid")
        self.assertEqual(payment.move_id.state, "posted")
        self.assertIn(payment, invoice.matched_payment_ids)
        receivable = (payment.move_id.line_ids | invoice.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(len(receivable), 2)
        self.assertTrue(all(receivable.mapped("reconciled")))
        self.assertEqual(len(receivable.full_reconcile_id), 1)
        # One currency, no cash basis taxes: no exchange difference entry.
        self.assertFalse(receivable.full_reconcile_id.exchange_move_id)
        self.assertEqual(payment.invoice_ids, invoice)
        for move in payment.move_id | invoice:
            self.assertEqual(
                move.currency_id.compare_amounts(
                    sum(move.line_ids.mapped("debit")),
                    sum(move.line_ids.mapped("credit")),
                ),
                0,
                move.name,
            )
        note = (
            f"Payment {payment.display_name} linked to invoice {invoice.display_name}."
        )
        for record in (payment, invoice):
            self.assertIn(
                note, record.message_ids.mapped(lambda m: html2plaintext(m.body or ""))
            )
        # The chatter keeps Odoo's own tracking and notes as well.
        for record, field in ((invoice, "payment_state"), (payment, "state")):
            tracked = record.message_ids.tracking_value_ids.filtered(
                lambda value, name=field: value.field_id.name == name
            )
            self.assertEqual(tracked.mapped("new_value_char"), ["Paid"], field)
        self.assertEqual(len(payment.message_ids.filtered(lambda m: not m.body)), 1)
        self.assertTrue(payment.move_id.message_ids, "the entry's creation note")

    def print_chatter(self, label, records):
        """Profiling aid: what the chatters and followers hold, to compare."""
        if not os.environ.get("BILLING_SQL_PROFILE"):
            return
        self.env.invalidate_all()
        _out(f"\n--- chatter {label}")
        for record in records:
            _out(f"  {record._name} followers: {record.message_partner_ids.ids}")
            for message in record.message_ids.sorted("id"):
                tracking = [
                    (t.field_id.name, t.old_value_char, t.new_value_char)
                    for t in message.tracking_value_ids
                ]
                _out(
                    f"    {message.message_type} {message.subtype_id.name}: "
                    f"{html2plaintext(message.body or '')!r} {tracking} "
                    f"{message.attachment_ids.mapped('name')}"
                )

    def test_create_and_link_stay_within_the_query_budget(self):
        # Warm-up: Odoo's caches (access rules, groups, routing, sequences).
        warm = self.create_json(self.create_body(self.invoices[0]))
        self.link(warm, self.invoice_url(self.invoices[0]))

        fields, invoice_url = (
            self.create_body(self.invoices[1]),
            self.invoice_url(self.invoices[1]),
        )
        with self.count_queries("POST /api/payments/ (JSON)") as create:
            body = self.create_json(fields)
        with self.count_queries("POST link_to_invoice/") as link:
            self.link(body, invoice_url)
        self.assertLessEqual(create["count"], MAX_CREATE_QUERIES)
        self.assertLessEqual(link["count"], MAX_LINK_QUERIES)
        self.assert_books(self.payment(warm), self.invoices[0])
        self.assert_books(self.payment(body), self.invoices[1])
        payment = self.payment(body)
        self.print_chatter("json", [payment, payment.move_id, self.invoices[1]])

    def test_multipart_create_with_proof_stays_within_the_query_budget(self):
        warm = self.create_multipart(self.create_body(self.invoices[0]))
        self.link(warm, self.invoice_url(self.invoices[0]))

        fields, invoice_url = (
            self.create_body(self.invoices[2]),
            self.invoice_url(self.invoices[2]),
        )
        with self.count_queries("POST /api/payments/ (multipart + proof)") as create:
            body = self.create_multipart(fields)
        with self.count_queries("POST link_to_invoice/ (proof payment)") as link:
            self.link(body, invoice_url)
        self.assertLessEqual(create["count"], MAX_CREATE_WITH_PROOF_QUERIES)
        self.assertLessEqual(link["count"], MAX_LINK_QUERIES)
        payment = self.payment(body)
        self.assert_books(payment, self.invoices[2])
        self.print_chatter("multipart", [payment, payment.move_id, self.invoices[2]])
        # The proof: in the field byte for byte, and in one chatter note.
        self.assertEqual(payment._billing_proof_content(), PDF)
        notes = payment.message_ids.filtered("attachment_ids")
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.attachment_ids.name, "receipt.pdf")
        self.assertEqual(notes.attachment_ids.raw, PDF)
        self.assertIn("Proof of payment: receipt.pdf", html2plaintext(notes.body))

    def si_pay(self, invoice):
        """Space Invoices' ``POST /v1/documents/:id/payments`` of the whole total."""
        response = self.api(
            "POST",
            f"/v1/documents/{invoice.uuid}/payments",
            scheme=None,
            json={
                "type": "bank",
                "date": "2026-04-01",
                "amount": float(invoice.amount_total),
            },
        )
        return self.assert_json(response, 200)

    def test_spaceinvoices_payment_stays_within_the_query_budget(self):
        self.si_pay(self.invoices[0])
        amount = self.invoices[1].amount_total  # read before measuring
        self.assertTrue(amount)
        with self.count_queries("POST /v1/documents/:id/payments") as create:
            body = self.si_pay(self.invoices[1])
        self.assertLessEqual(create["count"], MAX_SPACEINVOICES_PAY_QUERIES)
        payment = self.env["account.payment"].search([("uuid", "=", body["id"])])
        self.print_chatter("si", [payment, payment.move_id, self.invoices[1]])
        invoice = self.invoices[1]
        self.env.invalidate_all()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertIn(payment, invoice.matched_payment_ids)
        self.assertEqual(payment.invoice_ids, invoice)
        self.assertEqual(payment.move_id.state, "posted")
        receivable = (payment.move_id.line_ids | invoice.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertTrue(all(receivable.mapped("reconciled")))
        self.assertEqual(len(receivable.full_reconcile_id), 1)
        self.assertFalse(receivable.full_reconcile_id.exchange_move_id)
        tracked = invoice.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "payment_state"
        )
        self.assertEqual(tracked.mapped("new_value_char"), ["Paid"])

    def test_payment_inverses_stay_in_step_with_the_database(self):
        """The payment's entry and lines, as the ORM keeps them in its cache
        after a create and a link, are the ones the database holds."""
        invoice = self.invoices[0]
        payment = self.env["account.payment"]._billing_create_payment(
            self.profile, datetime.date(2026, 4, 1), invoice.amount_total
        )
        self.assertTrue(payment.move_id.line_ids)
        for step in ("create", "link"):
            if step == "link":
                payment._billing_link_invoice(invoice)
            lines = self.env["account.move.line"].search(
                [("payment_id", "=", payment.id)]
            )
            self.assertEqual(payment.billing_entry_ids, payment.move_id, step)
            self.assertEqual(payment.billing_entry_line_ids, lines, step)
            self.assertEqual(lines, payment.move_id.line_ids, step)
        self.env.invalidate_all()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(payment.state, "paid")
        self.assertEqual(payment.billing_entry_ids, payment.move_id)
