# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may call what (issue 12 §3): every endpoint and verb of both APIs
against eight principals, as one literal table per dialect.

The expected statuses follow Waldur (``reference/waldur-behaviour.md`` §1.6,
§1.7: 401 before anything, writes need the rights and are refused with 403
before the record is looked up, invisible records are 404, lists of a user
who sees nothing are empty) and LoopBack as Space Invoices runs it (401 for
"who are you?" and "not yours" alike, 404 for ids the user cannot see), as
readme/USAGE.md documents them.

Every cell runs in one test method per dialect (``subTest``), so that one
failure does not hide the others. A write that succeeds gets fresh records,
so that the cells do not depend on their order; a refused cell must leave
the database as it was. Whatever the other company's billing user gets back
(bodies, headers, errors) must hold nothing of the first company: no name,
uuid, number, reference or e-mail address, and a 404 must be the one an id
that never existed gets.
"""

import re
import uuid
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from .common import SpaceInvoicesCommon, WaldurInvoiceCommon, pay_invoice
from .test_hostile_writes import PDF, database_snapshot

PRINCIPALS = (
    "no key",
    "bad key",
    "expired key",
    "archived user",
    "no accounting",
    "read-only",
    "billing",
    "other company",
)
# The tables are one row per endpoint, wider than a line: readable as tables.
# ruff: noqa: E501
# fmt: off
# Status of each endpoint and verb for each principal, in PRINCIPALS order.
# Placeholders name the first company's records (see MatrixData).
WALDUR_MATRIX = (
    #  endpoint                                          none bad  exp  arch plain ro   bill other
    ("GET /api/payment-profiles/",                        401, 401, 401, 401, 200, 200, 200, 200),
    ("HEAD /api/payment-profiles/",                       401, 401, 401, 401, 200, 200, 200, 200),
    ("POST /api/payment-profiles/",                       401, 401, 401, 401, 403, 403, 201, 400),
    ("GET /api/payment-profiles/{profile}/",              401, 401, 401, 401, 404, 200, 200, 404),
    ("PUT /api/payment-profiles/{profile}/",              401, 401, 401, 401, 403, 403, 200, 404),
    ("PATCH /api/payment-profiles/{profile}/",            401, 401, 401, 401, 403, 403, 200, 404),
    ("DELETE /api/payment-profiles/{profile}/",           401, 401, 401, 401, 403, 403, 204, 404),
    ("POST /api/payment-profiles/{spare_profile}/enable/", 401, 401, 401, 401, 403, 403, 200, 404),
    ("GET /api/invoices/",                                401, 401, 401, 401, 200, 200, 200, 200),
    ("HEAD /api/invoices/",                               401, 401, 401, 401, 200, 200, 200, 200),
    ("GET /api/invoices/growth/",                         401, 401, 401, 401, 200, 200, 200, 200),
    ("GET /api/invoices/{invoice}/",                      401, 401, 401, 401, 404, 200, 200, 404),
    ("GET /api/invoices/{invoice}/items/",                401, 401, 401, 401, 404, 200, 200, 404),
    ("GET /api/invoices/{invoice}/stats/",                401, 401, 401, 401, 404, 200, 200, 404),
    ("GET /api/invoices/{invoice}/stats/?format=xlsx",    401, 401, 401, 401, 404, 200, 200, 404),
    ("POST /api/invoices/{invoice}/paid/",                401, 401, 401, 401, 403, 403, 200, 404),
    ("POST /api/invoices/{invoice}/send_notification/",   401, 401, 401, 401, 403, 403, 200, 404),
    ("POST /api/invoices/{invoice}/set_backend_id/",      401, 401, 401, 401, 403, 403, 200, 404),
    ("POST /api/invoices/{invoice}/set_payment_url/",     401, 401, 401, 401, 403, 403, 200, 404),
    ("POST /api/invoices/{invoice}/set_reference_number/", 401, 401, 401, 401, 403, 403, 200, 404),
    ("GET /api/customers/{customer}/",                    401, 401, 401, 401, 404, 200, 200, 404),
    ("GET /api/invoice-items/{item}/",                    401, 401, 401, 401, 404, 200, 200, 404),
    ("GET /api/payments/",                                401, 401, 401, 401, 200, 200, 200, 200),
    ("HEAD /api/payments/",                               401, 401, 401, 401, 200, 200, 200, 200),
    ("POST /api/payments/",                               401, 401, 401, 401, 403, 403, 201, 400),
    ("GET /api/payments/{payment}/",                      401, 401, 401, 401, 404, 200, 200, 404),
    ("PUT /api/payments/{payment}/",                      401, 401, 401, 401, 403, 403, 200, 404),
    ("PATCH /api/payments/{payment}/",                    401, 401, 401, 401, 403, 403, 200, 404),
    ("DELETE /api/payments/{payment}/",                   401, 401, 401, 401, 403, 403, 204, 404),
    ("POST /api/payments/{payment}/link_to_invoice/",     401, 401, 401, 401, 403, 403, 200, 404),
    ("POST /api/payments/{linked_payment}/unlink_from_invoice/", 401, 401, 401, 401, 403, 403, 200, 404),
    ("GET /api/payments/{payment}/proof/",                401, 401, 401, 401, 404, 200, 200, 404),
)
SPACE_INVOICES_MATRIX = (
    #  endpoint                                          none bad  exp  arch plain ro   bill other
    ("GET /v1/documents/{document}/payments",             401, 401, 401, 401, 401, 200, 200, 404),
    ("HEAD /v1/documents/{document}/payments",            401, 401, 401, 401, 401, 200, 200, 404),
    ("POST /v1/documents/{document}/payments",            401, 401, 401, 401, 401, 401, 200, 404),
    ("GET /v1/documents/{document}/payments/count",       401, 401, 401, 401, 401, 200, 200, 404),
    ("GET /v1/organizations/{organization}/payments",     401, 401, 401, 401, 401, 200, 200, 404),
    ("GET /v1/organizations/{organization}/payments/count", 401, 401, 401, 401, 401, 200, 200, 404),
    ("GET /v1/payments/{si_payment}",                     401, 401, 401, 401, 401, 200, 200, 404),
    ("PUT /v1/payments/{si_payment}",                     401, 401, 401, 401, 401, 401, 200, 404),
    ("PATCH /v1/payments/{si_payment}",                   401, 401, 401, 401, 401, 401, 200, 404),
    # LoopBack's deleteById of an id it cannot see deletes nothing: {"count": 0}.
    ("DELETE /v1/payments/{si_payment}",                  401, 401, 401, 401, 401, 401, 200, 200),
)
# fmt: on
UUID_IN_TEXT = re.compile(r"[0-9a-f]{32}")
TODAY = fields.Date.today().isoformat()


class MatrixData:
    """The records and keys of the matrix, built once per class.

    The first company gets a customer of its own (company-bound, so that the
    other company cannot see it), with an active profile, a created invoice
    with usage lines, a payment with a proof, a payment linked to the
    invoice and a Space Invoices payment; every text of them carries
    ``MARK`` so that a leak is easy to find. The other company gets an
    invoice, a profile and payments of its own, so that its user's lists
    are not empty because of missing rights but because of scoping.
    """

    MARK = "q7first"

    @classmethod
    def setup_matrix_data(cls):
        mark = cls.MARK
        cls.company.email = f"accounts-{mark}@first.test"
        cls.customer_one = cls.env["res.partner"].create(
            {
                "name": f"Customer {mark}",
                "email": f"billing-{mark}@first.test",
                "vat": "EE100000019",
                "company_id": cls.company.id,
            }
        )
        cls.profile_one = cls.env["billing.payment.profile"].create(
            {
                "name": f"Profile {mark}",
                "partner_id": cls.customer_one.id,
                "payment_type": "invoices",
                "journal_id": cls.bank_journal.id,
            }
        )
        cls.invoice_one = cls.matrix_invoice()
        cls.invoice_one.write(
            {
                "backend_id": f"backend-{mark}",
                "payment_url": f"https://pay.first.test/{mark}",
                "reference_number": f"ref-{mark}",
            }
        )
        cls.item_one = cls.invoice_one.invoice_line_ids[:1]
        cls.payment_one = cls.matrix_payment()
        cls.payment_one._billing_set_proof(("proof.pdf", PDF))
        cls.linked_payment = cls.matrix_payment(linked_to=cls.invoice_one)
        cls.si_payment = pay_invoice(
            cls.invoice_one, "bank", fields.Date.today(), 1.0, f"Wire {mark}"
        )

        other = cls.other_company_data
        cls.other_invoice = cls.create_invoice(
            company_id=cls.other_company.id,
            journal_id=other["default_journal_sale"].id,
            lines=[(cls.offering, 1, 10.0)],
        )
        cls.other_payment = cls.env["account.payment"]._billing_create_payment(
            cls.other_profile, fields.Date.today(), 2.0
        )
        cls.other_si_payment = pay_invoice(
            cls.other_invoice, "bank", fields.Date.today(), 1.0, "Other wire"
        )

        company_access = {
            "company_id": cls.company.id,
            "company_ids": [Command.set(cls.company.ids)],
        }
        billing_groups = "base.group_user,account.group_account_invoice"
        archived = new_test_user(
            cls.env, login="matrix_archived", groups=billing_groups, **company_access
        )
        cls.archived_key = cls.make_api_key(archived)
        archived.active = False
        cls.expired_key = cls.make_api_key(
            cls.billing_user, fields.Datetime.now() + timedelta(days=1)
        )
        # Expired two days ago: the test transaction's now() is older than
        # the clock, by as long as the class set-up took.
        cls.env["res.users.apikeys"].sudo().search(
            [("user_id", "=", cls.billing_user.id), ("expiration_date", "!=", False)]
        ).expiration_date = fields.Datetime.now() - timedelta(days=2)
        other_user = new_test_user(
            cls.env,
            login="matrix_other_clerk",
            groups=billing_groups,
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
        )
        cls.other_key = cls.make_api_key(other_user)
        cls.keys = {
            "no key": False,
            "bad key": "f" * 40,
            "expired key": cls.expired_key,
            "archived user": cls.archived_key,
            "no accounting": cls.plain_key,
            "read-only": cls.readonly_key,
            "billing": cls.billing_key,
            "other company": cls.other_key,
        }

    @classmethod
    def matrix_invoice(cls, partner=None):
        """A posted (created) invoice of the first company's customer."""
        return cls.create_invoice(
            partner=partner or cls.customer_one,
            lines=[(cls.offering, 2, 50.0), (cls.offering, 1, 20.0)],
        )

    @classmethod
    def matrix_payment(cls, linked_to=None, profile=None):
        payment = cls.env["account.payment"]._billing_create_payment(
            profile or cls.profile_one, fields.Date.today(), 5.0
        )
        if linked_to:
            payment._billing_link_invoice(linked_to)
        return payment

    def first_company_tokens(self):
        """Texts that only the first company's records hold (hex and
        hyphenated uuids, Waldur numbers, references, names, e-mails)."""
        self.env.invalidate_all()
        records = (
            self.env["account.move"].search(
                [
                    ("company_id", "=", self.company.id),
                    ("move_type", "=", "out_invoice"),
                ]
            ),
            self.env["account.payment"].search([("company_id", "=", self.company.id)]),
            self.env["billing.payment.profile"].search(
                [("company_id", "=", self.company.id)]
            ),
            self.env["account.move.line"].search(
                [
                    ("company_id", "=", self.company.id),
                    ("move_id.move_type", "=", "out_invoice"),
                ]
            ),
            self.customer_one,
            self.company,
        )
        tokens = {self.MARK, self.company.name, self.customer_one.vat}
        for recordset in records:
            for record in recordset:
                tokens |= {record.uuid, str(uuid.UUID(record.uuid))}
        tokens |= {
            move._billing_number()
            for move in records[0]
            if move.move_type == "out_invoice"
        }
        return {str(token) for token in tokens if token}

    def assert_no_first_company_data(self, response, sent):
        """Nothing of the first company in the response, but what the
        request itself sent (an error may quote the id it was given)."""
        text = response.content.decode("latin-1") + "\n" + str(response.headers)
        for token in self.first_company_tokens():
            if token in sent:
                continue
            self.assertNotIn(token, text, f"first company's {token!r} leaked")


class MatrixMixin(MatrixData):
    """Runs one matrix: ``call(verb, path, key, json)``, ``targets(fresh)``."""

    def run_matrix(self, matrix):
        cells = 0
        for endpoint, *statuses in matrix:
            self.assertEqual(len(statuses), len(PRINCIPALS), endpoint)
            for principal, status in zip(PRINCIPALS, statuses, strict=True):
                with self.subTest(endpoint=endpoint, principal=principal):
                    self.run_cell(endpoint, principal, status)
                cells += 1
        return cells

    def run_cell(self, endpoint, principal, status):
        verb, path_template = endpoint.split(" ", 1)
        succeeds = principal == "billing" and verb not in ("GET", "HEAD")
        targets = Targets(self, fresh=succeeds)
        path = path_template.format_map(targets)
        body = self.body(endpoint, targets)
        before = None if succeeds else database_snapshot(self.env)
        response = self.call(verb, path, self.keys[principal], body)
        self.assertEqual(response.status_code, status, response.text[:2000])
        if verb != "HEAD":
            self.assert_shape(response, status, principal)
        if before is not None:
            self.assertEqual(database_snapshot(self.env), before, "a refusal wrote")
        if principal == "other company":
            sent = path + repr(body)
            self.assert_no_first_company_data(response, sent)
            self.assert_scoped(endpoint, response)
            if status == 404 or (status == 400 and verb == "POST"):
                self.assert_same_as_unknown(verb, path, body, response)
        if principal == "no accounting" and verb == "GET" and status == 200:
            self.assert_sees_nothing(endpoint, response)
        if principal == "billing":
            self.assert_billing_effect(endpoint, response, targets)

    def assert_same_as_unknown(self, verb, path, body, response):
        """The other company's 404 (or 400 naming a link) is exactly what a
        uuid that never existed gets: no existence oracle."""
        replacements = {}

        def forge(match):
            return replacements.setdefault(match.group(), uuid.uuid4().hex)

        forged_path = UUID_IN_TEXT.sub(forge, path)
        forged_body = body
        if isinstance(body, dict):
            forged_body = {
                key: UUID_IN_TEXT.sub(forge, value) if isinstance(value, str) else value
                for key, value in body.items()
            }
        forged = self.call(verb, forged_path, self.keys["other company"], forged_body)
        expected = response.text
        for real, fake in replacements.items():
            expected = expected.replace(real, fake)
        self.assertEqual(forged.status_code, response.status_code, forged.text)
        self.assertEqual(forged.text, expected)


class Targets(dict):
    """The records a cell's path and body name: shared ones for refused
    cells, fresh ones for writes that succeed (built on first use)."""

    def __init__(self, case, fresh):
        super().__init__()
        self.case = case
        self.fresh = fresh

    def __missing__(self, name):
        case = self.case
        if self.fresh:
            record = {
                "profile": lambda: case.env["billing.payment.profile"].create(
                    {
                        "name": "Fresh profile",
                        "partner_id": case.customer_one.id,
                        "journal_id": case.bank_journal.id,
                        "is_active": False,
                    }
                ),
                "spare_profile": lambda: case.env["billing.payment.profile"].create(
                    {
                        "name": "Spare profile",
                        "partner_id": case.env["res.partner"]
                        .create({"name": "Spare", "company_id": case.company.id})
                        .id,
                        "journal_id": case.bank_journal.id,
                        "is_active": False,
                    }
                ),
                "invoice": case.matrix_invoice,
                "document": case.matrix_invoice,
                "payment": case.matrix_payment,
                "linked_payment": lambda: case.matrix_payment(
                    linked_to=case.matrix_invoice()
                ),
                "si_payment": lambda: pay_invoice(
                    case.matrix_invoice(), "bank", fields.Date.today(), 4.0
                ),
            }.get(name)
            record = record() if record else None
        else:
            record = None
        if record is None:
            record = {
                "profile": case.profile_one,
                "spare_profile": case.profile_one,
                "invoice": case.invoice_one,
                "document": case.invoice_one,
                "customer": case.customer_one,
                "item": case.item_one,
                "payment": case.payment_one,
                "linked_payment": case.linked_payment,
                "si_payment": case.si_payment,
                "organization": case.company,
            }[name]
        self[name] = record.uuid
        self[f"{name}_record"] = record
        return record.uuid


@tagged("post_install", "-at_install")
class TestWaldurAccessMatrix(MatrixMixin, WaldurInvoiceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_matrix_data()

    def call(self, verb, path, key, body):
        return self.api(verb, path, key=key, json=body)

    def link(self, prefix, record_uuid):
        return self.url(f"/api/{prefix}/{record_uuid}/")

    def body(self, endpoint, targets):
        customer = self.link("customers", self.customer_one.uuid)
        profile = self.link("payment-profiles", self.profile_one.uuid)
        return {
            "POST /api/payment-profiles/": {
                "name": "Matrix profile",
                "organization": customer,
                "payment_type": "invoices",
                "is_active": False,
            },
            "PUT /api/payment-profiles/{profile}/": {
                "name": "Replaced",
                "organization": customer,
                "payment_type": "invoices",
            },
            "PATCH /api/payment-profiles/{profile}/": {"name": "Patched"},
            "POST /api/invoices/{invoice}/paid/": {"date": TODAY},
            "POST /api/invoices/{invoice}/set_backend_id/": {"backend_id": "B-2"},
            "POST /api/invoices/{invoice}/set_payment_url/": {
                "payment_url": "https://pay.example/2"
            },
            "POST /api/invoices/{invoice}/set_reference_number/": {
                "reference_number": "R-2"
            },
            "POST /api/payments/": {
                "profile": profile,
                "date_of_payment": TODAY,
                "sum": "1.00",
            },
            "PUT /api/payments/{payment}/": {
                "profile": profile,
                "date_of_payment": TODAY,
                "sum": "2.00",
            },
            "PATCH /api/payments/{payment}/": {"sum": "3.00"},
            "POST /api/payments/{payment}/link_to_invoice/": {
                "invoice": self.link("invoices", targets["invoice"])
            },
        }.get(endpoint)

    def assert_shape(self, response, status, principal):
        """DRF's shapes; 401 with ``WWW-Authenticate: Token``."""
        if status == 204 or (status == 200 and "/set_" in response.url):
            self.assertEqual(response.content, b"")  # as Waldur: no body
            return
        if "format=xlsx" in response.url and status == 200:
            self.assertTrue(response.content.startswith(b"PK"))
            return
        if response.url.endswith("/proof/") and status == 200:
            self.assertEqual(response.content, PDF)
            return
        body = self.assert_json(response, status)
        if status < 400:
            return
        if status in (401, 403, 404):
            self.assertEqual(list(body), ["detail"], body)
            self.assertIsInstance(body["detail"], str)
        if status == 401:
            self.assertEqual(response.headers.get("WWW-Authenticate"), "Token")
        if status == 403:
            self.assertEqual(
                body, {"detail": "You do not have permission to perform this action."}
            )
        if status == 404:
            self.assertRegex(body["detail"], r"^No \w+ matches the given query\.$")
        if status == 400:
            self.assertIsInstance(body, dict)
            for messages in body.values():
                self.assertIsInstance(messages, list)

    def listed_uuids(self, response):
        return {row["uuid"] for row in response.json()}

    def assert_scoped(self, endpoint, response):
        """The other company's lists hold its own records, all of them."""
        verb, path = endpoint.split(" ", 1)
        if verb != "GET":
            return
        expected = {
            "/api/payment-profiles/": {self.other_profile.uuid},
            "/api/invoices/": {self.other_invoice.uuid},
            "/api/payments/": {
                self.other_payment.uuid,
                self.other_si_payment.uuid,
            },
        }.get(path)
        if expected is not None:
            self.assertEqual(self.listed_uuids(response), expected)
        if path == "/api/invoices/growth/":
            names = [row["name"] for row in response.json()["customer_periods"]]
            self.assertEqual(names, [self.other_invoice.commercial_partner_id.name])

    def assert_sees_nothing(self, endpoint, response):
        """A user without accounting rights gets empty lists."""
        path = endpoint.split(" ", 1)[1]
        if path in ("/api/payment-profiles/", "/api/invoices/", "/api/payments/"):
            self.assertEqual(response.json(), [])
            self.assertEqual(response.headers["X-Result-Count"], "0")
        if path == "/api/invoices/growth/":
            body = response.json()
            self.assertEqual(body["customer_periods"], [])
            self.assertEqual(body["total_periods"], [0] * 13)

    def assert_billing_effect(self, endpoint, response, targets):
        """The billing user's lists show the first company's records."""
        verb, path = endpoint.split(" ", 1)
        if verb != "GET":
            return
        own = {
            "/api/payment-profiles/": self.profile_one.uuid,
            "/api/invoices/": self.invoice_one.uuid,
            "/api/payments/": self.payment_one.uuid,
        }.get(path)
        if own:
            response = self.api(verb, path, params={"page_size": 300})
            uuids = self.listed_uuids(response)
            self.assertIn(own, uuids)
            self.assertNotIn(self.other_invoice.uuid, uuids)
            self.assertNotIn(self.other_profile.uuid, uuids)
            self.assertNotIn(self.other_payment.uuid, uuids)

    def test_access_matrix(self):
        self.assertEqual(self.run_matrix(WALDUR_MATRIX), 32 * 8)


@tagged("post_install", "-at_install")
class TestSpaceInvoicesAccessMatrix(MatrixMixin, SpaceInvoicesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_matrix_data()

    def call(self, verb, path, key, body):
        return self.si(verb, path.removeprefix("/v1"), key=key, json=body)

    def body(self, endpoint, targets):
        return {
            "POST /v1/documents/{document}/payments": {
                "type": "bank",
                "date": TODAY,
                "amount": 1,
            },
            "PUT /v1/payments/{si_payment}": {
                "type": "cash",
                "date": TODAY,
                "amount": 2,
            },
            "PATCH /v1/payments/{si_payment}": {"amount": 3},
        }.get(endpoint)

    def assert_shape(self, response, status, principal):
        """LoopBack's bodies: the error object, or the payment(s)."""
        body = self.assert_json(response, status)
        if status >= 400:
            self.assertEqual(set(body), {"error"}, body)
            self.assertEqual(body["error"]["statusCode"], status)
            self.assertIsInstance(body["error"]["name"], str)
            self.assertIsInstance(body["error"]["message"], str)
        if status == 401:
            self.assertEqual(body["error"]["code"], "AUTHORIZATION_REQUIRED")
        if status == 404:
            self.assertEqual(body["error"]["code"], "MODEL_NOT_FOUND")

    def assert_scoped(self, endpoint, response):
        verb, path = endpoint.split(" ", 1)
        if verb == "DELETE":
            self.assertEqual(response.json(), {"count": 0})

    def assert_sees_nothing(self, endpoint, response):
        raise AssertionError(f"{endpoint}: no 200 expected without rights")

    def assert_billing_effect(self, endpoint, response, targets):
        verb, path = endpoint.split(" ", 1)
        if verb == "DELETE":
            self.assertEqual(response.json(), {"count": 1})
            self.assertEqual(targets["si_payment_record"].state, "canceled")
        if path.startswith("/v1/organizations/") and not path.endswith("/count"):
            ids = {payment["id"] for payment in response.json()}
            self.assertIn(self.si_payment.uuid, ids)
            self.assertNotIn(self.other_si_payment.uuid, ids)

    def test_access_matrix(self):
        self.assertEqual(self.run_matrix(SPACE_INVOICES_MATRIX), 10 * 8)

    def test_other_company_lists_its_own_payments_only(self):
        """The other company's user reads its own organization: the first
        company's payments are not there, and nothing of it leaks."""
        path = f"/organizations/{self.other_company.uuid}/payments"
        response = self.si("GET", path, key=self.other_key)
        body = self.assert_json(response, 200)
        self.assertEqual({row["id"] for row in body}, {self.other_si_payment.uuid})
        self.assert_no_first_company_data(response, "")
        response = self.si(
            "GET", path, key=self.other_key, params={"filter[include]": "document"}
        )
        self.assert_no_first_company_data(response, "")
        count = self.si("GET", path + "/count", key=self.other_key)
        self.assert_json(count, 200, {"count": 1})
