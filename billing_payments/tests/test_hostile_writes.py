# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Hostile input to every write endpoint of both APIs (issue 12 §3).

For each write (POST, PUT, PATCH, DELETE and the actions), a table of bodies
that must be refused: malformed in each media type, JSON of the wrong type,
missing required fields, NUL and lone surrogates, oversized values, numbers
out of range, ids in the path that name nothing. Each is a 4xx in the
dialect's error shape, and the database is the same before and after. What
is legitimately fine (DRF ignores unknown fields, coerces numbers to text;
routes that take no body ignore it) is in the "accepted" tables, each with
its exact effect on fresh records. The number of probes per endpoint is
asserted, so that a table cannot shrink unnoticed.
"""

import json

from odoo import fields
from odoo.tests import tagged

from .common import (
    SpaceInvoicesCommon,
    WaldurInvoiceCommon,
    multipart_form,
    pay_invoice,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# What a refused request must not have changed: row counts, the latest
# write_date, and a digest of every row (within the test transaction
# write_date is the transaction's start, so only the digest sees a change).
SNAPSHOT_TABLES = (
    "account_move",
    "account_move_line",
    "account_payment",
    "account_partial_reconcile",
    "ir_attachment",
    "mail_message",
    "billing_payment_profile",
)
WRITE_DATE_TABLES = ("account_move", "account_payment", "billing_payment_profile")
DIGEST_TABLES = (
    "account_move",
    "account_move_line",
    "account_payment",
    "billing_payment_profile",
)


def database_snapshot(env):
    """Counts, latest write_date and row digests of ``SNAPSHOT_TABLES``."""
    env.flush_all()
    env.invalidate_all()
    cr = env.cr
    snapshot = {}
    for table in SNAPSHOT_TABLES:
        cr.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - constants
        snapshot[f"{table} rows"] = cr.fetchone()[0]
    for table in WRITE_DATE_TABLES:
        cr.execute(f"SELECT max(write_date) FROM {table}")  # noqa: S608
        snapshot[f"{table} write_date"] = cr.fetchone()[0]
    for table in DIGEST_TABLES:
        cr.execute(
            f"SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) FROM {table} t"  # noqa: S608
        )
        snapshot[f"{table} digest"] = cr.fetchone()[0]
    return snapshot


# --- request bodies ---------------------------------------------------------------

MB = 2**20
JSON = "application/json"


class Raw:
    """A body sent exactly as these bytes, with this Content-Type (None: none)."""

    def __init__(self, content, content_type=JSON):
        self.content = content
        self.content_type = content_type


class Literal:
    """A JSON value written verbatim (``NaN``, ``1e309``), which ``json.dumps``
    cannot produce."""

    def __init__(self, text):
        self.text = text


def json_text(value):
    """``value`` as JSON text (ASCII, lone surrogates escaped), ``Literal``
    values verbatim."""
    literals = {}

    def default(item):
        if isinstance(item, Literal):
            marker = f"@@literal{len(literals)}@@"
            literals[marker] = item.text
            return marker
        raise TypeError(item)

    text = json.dumps(value, default=default)
    for marker, literal in literals.items():
        text = text.replace(f'"{marker}"', literal)
    return text


def multipart(values, files=(), boundary="hostileboundary", close=True):
    """(body bytes, Content-Type) of a hand-made multipart form."""
    return multipart_form(values, files, boundary, close)


def deep(levels):
    value = []
    for _level in range(levels):
        value = [value]
    return value


def malformed_bodies(valid):
    """Bodies that do not parse, or are no JSON object, in each media type;
    ``valid`` is a valid JSON body of the endpoint (the broken forms of it)."""
    form = {key: str(value) for key, value in valid.items()}
    good_multipart, _type = multipart(form)
    truncated_multipart, multipart_type = multipart(form, close=False)
    return (
        ("truncated JSON", Raw(json_text(valid).encode()[:-3] or b'{"')),
        ("non-UTF-8 JSON", Raw(b'{"name": "\xff\xfe"}')),
        ("NaN literal", Raw(b'{"x": NaN}')),
        ("Infinity literal", Raw(b'{"x": Infinity}')),
        ("-Infinity literal", Raw(b'{"x": -Infinity}')),
        ("JSON nested 100 deep", deep(100)),
        ("JSON array", []),
        ("JSON array of the valid body", [valid]),
        ("10,000-item JSON array", [0] * 10_000),
        ("JSON string", "x"),
        ("JSON number", 1),
        ("JSON boolean", True),
        ("JSON null", None),
        (
            "multipart with another boundary",
            Raw(good_multipart, "multipart/form-data; boundary=otherboundary"),
        ),
        ("multipart without boundary", Raw(good_multipart, "multipart/form-data")),
        ("truncated multipart", Raw(truncated_multipart, multipart_type)),
        # werkzeug's limit on the parts of a form (max_form_parts): 413.
        (
            "multipart of 1,001 parts",
            Raw(*multipart({f"part{index}": "x" for index in range(1001)})),
        ),
        ("XML", Raw(b"<payment/>", "application/xml")),
        ("text", Raw(json_text(valid).encode(), "text/plain")),
        ("no Content-Type", Raw(json_text(valid).encode(), None)),
    )


# --- hostile values, by the kind of field they are sent to ---------------------

TEXT = (
    ("array", []),
    ("object", {}),
    ("boolean", True),
    ("null", None),
    ("NUL", "a\x00b"),
    ("lone surrogate", "a\ud800b"),
    ("1 MB", "x" * MB),
    ("10,000-item array", ["x"] * 10_000),
)
DATE = (
    ("number", 20260401),
    ("array", ["2026-04-01"]),
    ("object", {}),
    ("boolean", True),
    ("null", None),
    ("blank", ""),
    ("no such day", "2026-02-30"),
    ("year 999", "0999-12-31"),
    ("year 99999", "99999-01-01"),
    ("timestamp", "2026-04-01T10:00:00Z"),
    ("non-ASCII digits", "\uff12\uff10\uff12\uff16-04-01"),
    ("NUL", "2026-04-01\x00"),
    ("ESC", "\x1b2026-04-01"),
    ("lone surrogate", "2026-04-01\ud800"),
    ("1 MB", "2026-04-01" + "0" * MB),
)
DECIMAL = (
    ("array", ["1.00"]),
    ("object", {}),
    ("boolean", True),
    ("null", None),
    ("text", "abc"),
    ("1e309", Literal("1e309")),
    ("-1e309", Literal("-1e309")),
    ("-1", -1),
    ("10^20", 10**20),
    ("2^63", 2**63),
    ("1e309 as text", "1e309"),
    ("three decimals", "0.001"),
    ("NaN as text", "NaN"),
    ("Infinity as text", "Infinity"),
    ("NUL", "1\x00"),
    ("lone surrogate", "1\ud800"),
    ("1 MB of digits", "1" * MB),
    ("non-ASCII digits", "\u0661\u0662"),
)
CHOICE = (
    ("unknown", "bogus"),
    ("array", ["invoices"]),
    ("object", {}),
    ("number", 5),
    ("boolean", True),
    ("null", None),
    ("NUL", "invoices\x00"),
    ("lone surrogate", "\ud800"),
    ("1 MB", "x" * MB),
)
BOOLEAN = (
    ("text", "maybe"),
    ("array", [True]),
    ("object", {}),
    ("number 2", 2),
    ("NUL", "true\x00"),
    ("1 MB", "t" * MB),
)
OBJECT = (
    ("array", []),
    ("text", "x"),
    ("JSON array as text", "[1]"),
    ("number", 5),
    ("boolean", True),
    ("null", None),
    ("NUL in a key", {"k\x00": 1}),
    ("lone surrogate in a value", {"k": ["v\ud800"]}),
    ("nested 40 deep", {"k": deep(40)}),
)
# Path ids that name nothing (percent-encoded as sent on the wire).
HOSTILE_IDS = (
    ("NUL", "%00"),
    ("ESC", "%1B"),
    ("non-UTF-8", "%FF"),
    ("encoded surrogate", "%ED%A0%80"),
    ("10,000 characters", "a" * 10_000),
    ("1e309", "1e309"),
    ("-1", "-1"),
    ("2^63", str(2**63)),
    ("NaN", "NaN"),
    ("braces", "{00000000-0000-0000-0000-000000000000}"),
)
# The proof size limit of these tests (the default is 10 MB).
PROOF_LIMIT = 4096
HTML_PDF = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n"
# The malformed bodies that are no 400.
MALFORMED_STATUS = {
    "XML": 415,
    "text": 415,
    "no Content-Type": 415,
    "multipart of 1,001 parts": 413,
}


def proof_cases(fields_):
    """(label, multipart body, status) of bad proofs next to valid ``fields_``."""
    big = PDF + b" " * PROOF_LIMIT + b"\n%%EOF\n"
    cases = (
        ("proof over the size limit", {}, [("proof", "big.pdf", big)], 413),
        ("proof that is HTML", {}, [("proof", "p.pdf", HTML_PDF)], 400),
        ("empty proof", {}, [("proof", "p.pdf", b"")], 400),
        ("proof as a text field", {"proof": "abc"}, [], 400),
        ("two proofs", {}, [("proof", "a.pdf", PDF), ("proof", "b.pdf", PDF)], 400),
        ("proof name with NUL", {}, [("proof", "a\x00.pdf", PDF)], 400),
        ("proof name of 256 characters", {}, [("proof", "p" * 252 + ".pdf", PDF)], 400),
    )
    return [
        (label, Raw(*multipart({**fields_, **extra}, files)), status)
        for label, extra, files, status in cases
    ]


class HostileWritesMixin:
    """Sends the tables; ``assert_error_shape`` and ``MALFORMED_STATUS``
    are the dialect's."""

    def send(self, verb, path, body, key=None):
        headers = {}
        if isinstance(body, Raw):
            data = body.content
            if body.content_type:
                headers["Content-Type"] = body.content_type
        else:
            data = json_text(body).encode()
            headers["Content-Type"] = JSON
        return self.api(verb, path, key=key, data=data, headers=headers)

    def body_cases(self, verb, path, base, fields_, required=(), field_status=400):
        """(label, verb, path, body, status) of a write that reads a body:
        each field's hostile values, each required field missing, and the
        malformed bodies."""
        cases = []
        for name, values in fields_.items():
            for label, value, *status in values:
                body = {**base, name: value}
                cases.append(
                    (
                        f"{name}: {label}",
                        verb,
                        path,
                        body,
                        (status or [field_status])[0],
                    )
                )
        for name in required:
            body = {key: value for key, value in base.items() if key != name}
            cases.append(
                (f"missing {name}", verb, path, body or {"unknown": "x"}, field_status)
            )
        for label, body in malformed_bodies(base or {"name": "x"}):
            status = MALFORMED_STATUS.get(label, 400)
            cases.append((label, verb, path, body, status))
        return cases

    def path_cases(self, verb, path, record_uuid, body=None, status=404):
        """The write with ``record_uuid`` in its path replaced by ids that
        name nothing."""
        return [
            (f"id: {label}", verb, path.replace(record_uuid, value), body, status)
            for label, value in HOSTILE_IDS
        ]

    def run_refusals(self, endpoints):
        """Send every case; the database must stay as it was. Returns the
        number of probes per endpoint."""
        before = database_snapshot(self.env)
        counts = {}
        for endpoint, cases in endpoints:
            counts[endpoint] = len(cases)
            for label, verb, path, body, status in cases:
                with self.subTest(endpoint=endpoint, case=label):
                    response = self.send(verb, path, body)
                    self.assertEqual(response.status_code, status, response.text[:1000])
                    self.assert_error_shape(response, status)
                    after = database_snapshot(self.env)
                    if after != before:
                        before = after  # one failure, not a cascade
                        self.fail(f"the refused request wrote: {response.text[:500]}")
        return counts

    def assert_accepted(self, label, setup, verb, path, body, status, check):
        """An accepted case: ``setup()`` makes fresh records and returns what
        ``check(response, records)`` needs; ``path`` may name them."""
        with self.subTest(case=label):
            records = setup()
            response = self.send(verb, path.format(**records), body)
            self.assertEqual(response.status_code, status, response.text[:1000])
            self.env.invalidate_all()
            check(response, records)


@tagged("post_install", "-at_install")
class TestWaldurHostileWrites(HostileWritesMixin, WaldurInvoiceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "billing_payments.proof_max_size", str(PROOF_LIMIT)
        )
        cls.company.email = "accounts@company.test"
        cls.invoice = cls.usage_invoice()
        cls.payment = cls.env["account.payment"]._billing_create_payment(
            cls.profile, fields.Date.today(), 25.0
        )
        cls.linked_payment = cls.env["account.payment"]._billing_create_payment(
            cls.profile, fields.Date.today(), 1.0
        )
        cls.linked_payment._billing_link_invoice(cls.invoice)
        cls.draft_invoice = cls.create_invoice(post=False)
        cls.bill = cls.init_invoice("in_invoice", amounts=[10.0], post=True)

    def link(self, prefix, record):
        return self.url(f"/api/{prefix}/{record.uuid}/")

    def link_values(self, prefix, wrong_prefix):
        """Hostile values of a hyperlink field to ``/api/<prefix>/``."""
        return (
            ("number", 5),
            ("array", []),
            ("object", {}),
            ("boolean", True),
            ("null", None),
            ("blank", ""),
            ("no URL", "not a link"),
            ("NUL", self.url(f"/api/{prefix}/\x00/")),
            ("lone surrogate", self.url(f"/api/{prefix}/\ud800/")),
            ("1 MB", self.url(f"/api/{prefix}/{'a' * MB}/")),
            ("unknown uuid", self.url(f"/api/{prefix}/{'0' * 32}/")),
            ("another resource", self.link(wrong_prefix, self.invoice)),
            ("broken host", f"http://[broken/api/{prefix}/x/"),
        )

    def endpoints(self):  # noqa: PLR0914 - one table per endpoint reads best
        customer = self.link("customers", self.customer)
        profile_body = {
            "name": "Hostile",
            "organization": customer,
            "payment_type": "invoices",
            "is_active": False,
        }
        profile_fields = {
            "name": TEXT,
            "organization": self.link_values("customers", "invoices"),
            "payment_type": CHOICE,
            "attributes": OBJECT,
            "is_active": BOOLEAN,
        }
        payment_body = {
            "profile": self.link("payment-profiles", self.profile),
            "date_of_payment": "2026-04-01",
            "sum": "10.00",
        }
        payment_form = dict(payment_body)
        payment_fields = {
            "profile": self.link_values("payment-profiles", "invoices"),
            "date_of_payment": DATE,
            "sum": DECIMAL,
        }
        profile_path = f"/api/payment-profiles/{self.profile.uuid}/"
        payment_path = f"/api/payments/{self.payment.uuid}/"
        invoice_path = f"/api/invoices/{self.invoice.uuid}/"
        linked_path = f"/api/payments/{self.linked_payment.uuid}/"
        url_values = (
            ("javascript", "javascript:alert(1)"),
            ("ftp", "ftp://pay.example/1"),
            ("no host", "https://"),
            ("CR LF", "https://pay.example/\r\nSet-Cookie: x=1"),
        )
        invoice_link_values = (
            *self.link_values("invoices", "payments"),
            ("draft invoice", self.link("invoices", self.draft_invoice)),
            ("vendor bill", self.link("invoices", self.bill)),
        )
        endpoints = {
            "POST /api/payment-profiles/": self.body_cases(
                "POST",
                "/api/payment-profiles/",
                profile_body,
                profile_fields,
                ("name", "organization", "payment_type"),
            ),
            "PUT /api/payment-profiles/{uuid}/": self.body_cases(
                "PUT",
                profile_path,
                profile_body,
                profile_fields,
                ("name", "organization", "payment_type"),
            )
            + self.path_cases("PUT", profile_path, self.profile.uuid, profile_body),
            "PATCH /api/payment-profiles/{uuid}/": self.body_cases(
                "PATCH", profile_path, {}, profile_fields
            )
            + self.path_cases("PATCH", profile_path, self.profile.uuid, {}),
            "DELETE /api/payment-profiles/{uuid}/": self.path_cases(
                "DELETE", profile_path, self.profile.uuid
            ),
            "POST /api/payment-profiles/{uuid}/enable/": self.path_cases(
                "POST", profile_path + "enable/", self.profile.uuid
            ),
            "POST /api/invoices/{uuid}/paid/": self.body_cases(
                "POST",
                invoice_path + "paid/",
                {"date": "2026-04-01"},
                {"date": DATE},
                ("date",),
            )
            + self.proof_refusals(
                "POST", invoice_path + "paid/", {"date": "2026-04-01"}
            )
            + self.path_cases(
                "POST",
                invoice_path + "paid/",
                self.invoice.uuid,
                {"date": "2026-04-01"},
            ),
            "POST /api/invoices/{uuid}/send_notification/": self.path_cases(
                "POST", invoice_path + "send_notification/", self.invoice.uuid
            ),
        }
        for name, extra in (
            ("backend_id", ()),
            ("payment_url", url_values),
            ("reference_number", ()),
        ):
            path = f"{invoice_path}set_{name}/"
            body = {name: "https://pay.example/1"}
            endpoints[f"POST /api/invoices/{{uuid}}/set_{name}/"] = self.body_cases(
                "POST", path, body, {name: TEXT + extra}
            ) + self.path_cases("POST", path, self.invoice.uuid, body)
        endpoints |= {
            "POST /api/payments/": self.body_cases(
                "POST",
                "/api/payments/",
                payment_body,
                payment_fields,
                ("profile", "date_of_payment"),
            )
            + self.proof_refusals("POST", "/api/payments/", payment_form),
            "PUT /api/payments/{uuid}/": self.body_cases(
                "PUT",
                payment_path,
                payment_body,
                payment_fields,
                ("profile", "date_of_payment"),
            )
            + self.proof_refusals("PUT", payment_path, payment_form)
            + self.path_cases("PUT", payment_path, self.payment.uuid, payment_body),
            "PATCH /api/payments/{uuid}/": self.body_cases(
                "PATCH", payment_path, {}, payment_fields
            )
            + self.proof_refusals("PATCH", payment_path, {})
            + self.path_cases("PATCH", payment_path, self.payment.uuid, {}),
            "DELETE /api/payments/{uuid}/": self.path_cases(
                "DELETE", payment_path, self.payment.uuid
            ),
            "POST /api/payments/{uuid}/link_to_invoice/": self.body_cases(
                "POST",
                payment_path + "link_to_invoice/",
                {"invoice": self.link("invoices", self.invoice)},
                {"invoice": invoice_link_values},
                ("invoice",),
            )
            + self.path_cases(
                "POST",
                payment_path + "link_to_invoice/",
                self.payment.uuid,
                {"invoice": self.link("invoices", self.invoice)},
            ),
            "POST /api/payments/{uuid}/unlink_from_invoice/": self.path_cases(
                "POST", linked_path + "unlink_from_invoice/", self.linked_payment.uuid
            ),
        }
        return list(endpoints.items())

    def proof_refusals(self, verb, path, fields_):
        return [
            (label, verb, path, body, status)
            for label, body, status in proof_cases(fields_)
        ]

    def assert_error_shape(self, response, status):
        """DRF: ``{"detail": "..."}``, ``{"field": ["..."]}`` or ``["..."]``."""
        body = self.assert_json(response, status)
        if isinstance(body, list):
            self.assertTrue(body and all(isinstance(m, str) for m in body), body)
        elif "detail" in body:
            self.assertEqual(list(body), ["detail"], body)
            self.assertIsInstance(body["detail"], str)
        else:
            self.assertTrue(body, body)
            for messages in body.values():
                self.assertIsInstance(messages, list, body)
                self.assertTrue(all(isinstance(m, str) for m in messages), body)

    def test_hostile_writes_are_refused_and_write_nothing(self):
        counts = self.run_refusals(self.endpoints())
        self.assertEqual(counts, WALDUR_PROBES)

    # --- accepted: what DRF takes, with its exact effect ----------------------

    def fresh_profile(self, active=False):
        partner = self.env["res.partner"].create({"name": "Fresh customer"})
        profile = self.env["billing.payment.profile"].create(
            {
                "name": "Fresh",
                "partner_id": partner.id,
                "journal_id": self.bank_journal.id,
                "is_active": active,
            }
        )
        return {"record": profile, "uuid": profile.uuid, "partner": partner}

    def fresh_payment(self, linked=False):
        payment = self.env["account.payment"]._billing_create_payment(
            self.profile, fields.Date.today(), 25.0
        )
        if linked:
            payment._billing_link_invoice(self.create_invoice())
        return {"record": payment, "uuid": payment.uuid}

    def fresh_invoice(self, **vals):
        invoice = self.create_invoice(**vals)
        return {"record": invoice, "uuid": invoice.uuid}

    def accepted_cases(self):  # noqa: PLR0914 - one table reads best
        profile_path = "/api/payment-profiles/{uuid}/"
        payment_path = "/api/payments/{uuid}/"
        invoice_path = "/api/invoices/{uuid}/"
        profile_link = self.link("payment-profiles", self.profile)

        def profile_is(**values):
            def check(response, records):
                profile = records["record"]
                self.assertEqual(profile.uuid, records["uuid"])
                self.assertEqual(profile.partner_id, records["partner"])
                self.assertEqual(profile.journal_id, self.bank_journal)
                self.assertEqual(profile.company_id, self.company)
                for name, value in values.items():
                    self.assertEqual(profile[name], value, name)

            return check

        def invoice_is(**values):
            def check(response, records):
                for name, value in values.items():
                    self.assertEqual(records["record"][name], value, name)

            return check

        def unlinked(amount):
            def check(response, records):
                payment = records.get("record") or self.env["account.payment"].search(
                    [("uuid", "=", response.json()["uuid"])]
                )
                self.assertEqual(payment.amount, amount)
                self.assertFalse(payment._billing_linked_invoices())
                self.assertIsNone(response.json()["invoice"])
                self.assertNotEqual(payment.uuid, "0" * 32)
                self.assertEqual(payment.state, "in_process")

            return check

        cases = [
            (
                "unknown and read-only profile fields are ignored",
                self.fresh_profile,
                "PATCH",
                profile_path,
                {
                    "name": "Renamed",
                    "uuid": "0" * 32,
                    "url": "http://evil.example/",
                    "company": 1,
                    "journal_id": 1,
                    "payment_type_display": "X",
                    "organization_uuid": "0" * 32,
                },
                200,
                profile_is(name="Renamed"),
            ),
            (
                "a number as a name is text",
                self.fresh_profile,
                "PATCH",
                profile_path,
                {"name": 5},
                200,
                profile_is(name="5"),
            ),
            (
                "ESC and other controls but NUL are text",
                self.fresh_profile,
                "PATCH",
                profile_path,
                {"name": "\x1b[31mred\x07\r\n"},
                200,
                profile_is(name="\x1b[31mred\x07\r\n"),
            ),
            (
                "is_active null is inactive, as Waldur stores it",
                lambda: self.fresh_profile(active=True),
                "PATCH",
                profile_path,
                {"is_active": None},
                200,
                profile_is(is_active=False),
            ),
            (
                # Django would decode it as U+FFFD; werkzeug keeps the byte
                # percent-encoded. Either way text, never a 500.
                "non-UTF-8 form bytes stay percent-encoded",
                self.fresh_profile,
                "PATCH",
                profile_path,
                Raw(b"name=a%FFb", "application/x-www-form-urlencoded"),
                200,
                profile_is(name="a%FFb"),
            ),
            (
                "read-only payment fields are ignored",
                lambda: {},
                "POST",
                "/api/payments/",
                {
                    "profile": profile_link,
                    "date_of_payment": "2026-04-01",
                    "sum": "7.00",
                    "invoice": self.link("invoices", self.invoice),
                    "invoice_uuid": self.invoice.uuid,
                    "uuid": "0" * 32,
                    "customer_uuid": "0" * 32,
                    "state": "canceled",
                },
                201,
                unlinked(7.0),
            ),
            (
                "a payment's invoice is not changed by PATCH",
                self.fresh_payment,
                "PATCH",
                payment_path,
                {"sum": "12.00", "invoice": self.link("invoices", self.invoice)},
                200,
                unlinked(12.0),
            ),
            (
                "set_backend_id ignores the other fields",
                self.fresh_invoice,
                "POST",
                invoice_path + "set_backend_id/",
                {"backend_id": "B-9", "payment_url": "https://evil.example/"},
                200,
                invoice_is(backend_id="B-9", payment_url=False),
            ),
            (
                "set_backend_id takes a number as text",
                self.fresh_invoice,
                "POST",
                invoice_path + "set_backend_id/",
                {"backend_id": 12},
                200,
                invoice_is(backend_id="12"),
            ),
            (
                "set_reference_number {} changes nothing",
                lambda: self.fresh_invoice(reference_number="R-1"),
                "POST",
                invoice_path + "set_reference_number/",
                {},
                200,
                invoice_is(reference_number="R-1"),
            ),
        ]
        bodyless = (
            (
                "DELETE profile",
                self.fresh_profile,
                "DELETE",
                profile_path,
                204,
                lambda records: self.assertFalse(records["record"].exists()),
            ),
            (
                "enable",
                self.fresh_profile,
                "POST",
                profile_path + "enable/",
                200,
                lambda records: self.assertTrue(records["record"].is_active),
            ),
            (
                "send_notification",
                self.fresh_invoice,
                "POST",
                invoice_path + "send_notification/",
                200,
                lambda records: self.assertTrue(records["record"].sending_data),
            ),
            (
                "DELETE payment",
                self.fresh_payment,
                "DELETE",
                payment_path,
                204,
                lambda records: self.assertFalse(
                    records["record"].exists() and records["record"].state != "canceled"
                ),
            ),
            (
                "unlink_from_invoice",
                lambda: self.fresh_payment(linked=True),
                "POST",
                payment_path + "unlink_from_invoice/",
                200,
                lambda records: self.assertFalse(
                    records["record"]._billing_linked_invoices()
                ),
            ),
        )
        ignored = [
            case
            for case in malformed_bodies({"name": "x"})
            if case[0] in ("truncated JSON", "multipart with another boundary", "XML")
        ]
        for route, setup, verb, path, status, effect in bodyless:
            for label, body in ignored:
                cases.append(
                    (
                        f"{route} ignores a body: {label}",
                        setup,
                        verb,
                        path,
                        body,
                        status,
                        lambda response, records, effect=effect: effect(records),
                    )
                )
        return cases

    def test_accepted_inputs_write_exactly_what_they_say(self):
        cases = self.accepted_cases()
        for case in cases:
            self.assert_accepted(*case)
        self.assertEqual(len(cases), 25)


SI_TYPE = (
    ("unknown", "wire"),
    ("upper case", "BANK"),
    ("array", ["bank"]),
    ("object", {}),
    ("number", 1),
    ("boolean", True),
    ("null", None),
    ("blank", ""),
    ("NUL", "bank\x00"),
    ("lone surrogate", "\ud800"),
    ("1 MB", "x" * MB),
)
SI_DATE = tuple(case for case in DATE if case[0] != "timestamp")  # LoopBack takes those
SI_AMOUNT = (
    *(case for case in DECIMAL if case[0] != "null"),
    ("0", 0),
    ("1e-400 (0.0)", Literal("1e-400")),
    ("NaN literal", Literal("NaN"), 400),
    ("Infinity literal", Literal("Infinity"), 400),
)
SI_DESCRIPTION = (
    ("array", []),
    ("object", {}),
    ("number", 5),
    ("boolean", True),
    ("NUL", "a\x00b"),
    ("lone surrogate", "a\ud800b"),
    ("501 characters", "x" * 501),
    ("1 MB", "x" * MB),
)


@tagged("post_install", "-at_install")
class TestSpaceInvoicesHostileWrites(HostileWritesMixin, SpaceInvoicesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.payment = pay_invoice(
            cls.invoice, "bank", fields.Date.today(), 100.0, "Wire 1"
        )

    def send(self, verb, path, body, key=None):
        return super().send(verb, "/v1" + path, body, key=key)

    def endpoints(self):
        base = {"type": "bank", "date": "2026-03-04", "amount": 5}
        payment_path = f"/payments/{self.payment.uuid}"
        document_path = self.document_path()
        fields_ = {
            "type": SI_TYPE,
            "date": SI_DATE,
            "amount": SI_AMOUNT,
            "description": SI_DESCRIPTION,
        }
        # PATCH may leave out anything, but not blank a required property
        # (LoopBack validates the whole instance after the merge).
        patch_fields = {
            **fields_,
            "amount": (*SI_AMOUNT, ("null", None), ("blank", "")),
        }
        strict = (
            ("unknown property", {"partnerId": 1}),
            ("unknown nested property", {"document": {"id": self.invoice.uuid}}),
            ("documentId of another document", {"documentId": "0" * 32}),
        )

        def table(verb, path, base, fields_, required):
            cases = self.body_cases(verb, path, base, fields_, required, 422)
            cases += [
                (label, verb, path, {**base, **extra}, 422) for label, extra in strict
            ]
            return cases + self.path_cases(
                verb,
                path,
                path.split("/")[2],
                base,
            )

        return [
            (
                "POST /v1/documents/{id}/payments",
                table("POST", document_path, base, fields_, ("type", "date")),
            ),
            (
                "PUT /v1/payments/{id}",
                table("PUT", payment_path, base, fields_, ("type", "date", "amount")),
            ),
            (
                "PATCH /v1/payments/{id}",
                table("PATCH", payment_path, {}, patch_fields, ()),
            ),
        ]

    def assert_error_shape(self, response, status):
        """LoopBack: ``{"error": {"statusCode", "name", "message"}}``."""
        body = self.assert_json(response, status)
        self.assertEqual(list(body), ["error"], body)
        error = body["error"]
        self.assertEqual(error["statusCode"], status, body)
        self.assertIsInstance(error["name"], str)
        self.assertIsInstance(error["message"], str)
        if status == 422 and error["name"] == "ValidationError" and "details" in error:
            self.assertEqual(set(error["details"]), {"context", "codes", "messages"})

    def test_hostile_writes_are_refused_and_write_nothing(self):
        counts = self.run_refusals(self.endpoints())
        self.assertEqual(counts, SPACE_INVOICES_PROBES)

    # --- accepted: what LoopBack takes, with its exact effect -------------------

    def fresh_payment(self):
        payment = pay_invoice(
            self.create_invoice(lines=[(self.offering, 1, 100.0)]),
            "bank",
            fields.Date.today(),
            4.0,
            "Fresh",
        )
        return {"record": payment, "uuid": payment.uuid}

    def test_accepted_inputs_write_exactly_what_they_say(self):
        path = "/payments/{uuid}"

        def payment_is(**values):
            def check(response, records):
                for name, value in values.items():
                    self.assertEqual(records["record"][name], value, name)

            return check

        def returned_as_read(records):
            # A client may send back what it read: the read-only keys are
            # ignored (an id of its own, its timestamps).
            body = self.si("GET", f"/payments/{records['uuid']}").json()
            records["body"] = {**body, "amount": 7}
            return records

        cases = [
            (
                "ESC and other controls but NUL are text",
                self.fresh_payment,
                "PATCH",
                path,
                {"description": "\x1b[31mred\x07\r\n"},
                200,
                payment_is(memo="\x1b[31mred\x07\r\n"),
            ),
            (
                "amount as ASCII decimal text",
                self.fresh_payment,
                "PATCH",
                path,
                {"amount": "12.50"},
                200,
                payment_is(amount=12.5),
            ),
            (
                "a unicode description",
                self.fresh_payment,
                "PATCH",
                path,
                {"description": "Überweisung 💶"},
                200,
                payment_is(memo="Überweisung 💶"),
            ),
        ]
        for case in cases:
            self.assert_accepted(*case)
        with self.subTest(case="read-only keys sent back are ignored"):
            records = returned_as_read(self.fresh_payment())
            response = self.send("PATCH", path.format(**records), records["body"])
            self.assert_json(response, 200)
            self.env.invalidate_all()
            self.assertEqual(records["record"].amount, 7.0)
            self.assertEqual(records["record"].uuid, records["uuid"])
        ignored = [
            case
            for case in malformed_bodies({"type": "bank"})
            if case[0] in ("truncated JSON", "XML")
        ]
        for label, body in ignored:
            self.assert_accepted(
                f"DELETE ignores a body: {label}",
                self.fresh_payment,
                "DELETE",
                path,
                body,
                200,
                lambda response, records: (
                    self.assertEqual(response.json(), {"count": 1}),
                    self.assertEqual(records["record"].state, "canceled"),
                ),
            )
        # LoopBack's deleteById of an id that names nothing deletes nothing.
        before = database_snapshot(self.env)
        for label, value in HOSTILE_IDS:
            with self.subTest(case=f"DELETE id: {label}"):
                response = self.send("DELETE", f"/payments/{value}", None)
                self.assert_json(response, 200, {"count": 0})
                self.assertEqual(database_snapshot(self.env), before)
        self.assertEqual(len(cases) + 1 + len(ignored) + len(HOSTILE_IDS), 16)


# The number of refused probes per endpoint (a shrinking table fails).
WALDUR_PROBES = {
    "POST /api/payment-profiles/": 68,
    "PUT /api/payment-profiles/{uuid}/": 78,
    "PATCH /api/payment-profiles/{uuid}/": 75,
    "DELETE /api/payment-profiles/{uuid}/": 10,
    "POST /api/payment-profiles/{uuid}/enable/": 10,
    "POST /api/invoices/{uuid}/paid/": 53,
    "POST /api/invoices/{uuid}/send_notification/": 10,
    "POST /api/invoices/{uuid}/set_backend_id/": 38,
    "POST /api/invoices/{uuid}/set_payment_url/": 42,
    "POST /api/invoices/{uuid}/set_reference_number/": 38,
    "POST /api/payments/": 75,
    "PUT /api/payments/{uuid}/": 85,
    "PATCH /api/payments/{uuid}/": 83,
    "DELETE /api/payments/{uuid}/": 10,
    "POST /api/payments/{uuid}/link_to_invoice/": 46,
    "POST /api/payments/{uuid}/unlink_from_invoice/": 10,
}
SPACE_INVOICES_PROBES = {
    "POST /v1/documents/{id}/payments": 89,
    "PUT /v1/payments/{id}": 90,
    "PATCH /v1/payments/{id}": 89,
}
