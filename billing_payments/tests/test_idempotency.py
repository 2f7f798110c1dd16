# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``Idempotency-Key`` on every POST of both dialects (issue 12 §4).

A retry with the same key and request gets the stored response again, marked
``Idempotent-Replayed: true``, and writes nothing; the same key with another
request is 422; a key still in flight is 409; malformed keys are 400. Each
test alters the records between the first call and the retry where it can,
so that a second run of the endpoint would have answered differently: the
identical answer proves it was not run. (Real concurrency, with two server
workers, is in tests/test_idempotency_race.py.)
"""

import datetime
import json
import uuid

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from odoo import sql_db
from odoo.tests import BaseCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..dialects import common
from ..exceptions import IdempotencyKeyInvalid
from ..models.billing_idempotency_key import RETENTION, advisory_lock_id
from .common import SpaceInvoicesCommon, WaldurInvoiceCommon, multipart_body

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PAYMENTS = "/api/payments/"
PROFILES = "/api/payment-profiles/"
REPLAYED = "Idempotent-Replayed"
IN_FLIGHT = "A request with this Idempotency-Key is still being processed; retry later."
REUSED = (
    "This Idempotency-Key was already used for a different request (method, "
    "path, query or body). Send a new key with a new request."
)
# What one API call may write, counted before and after a retry.
COUNTED_MODELS = (
    "account.payment",
    "account.move",
    "account.partial.reconcile",
    "ir.attachment",
    "mail.message",
    "mail.mail",
    "billing.payment.profile",
    "billing.idempotency.key",
)


def multipart(boundary, fields_=(), files=()):
    """A multipart/form-data body with this ``boundary``."""
    return multipart_body(fields_, files, boundary)


class IdempotencyAssertions:
    """Helpers shared by the Waldur and Space Invoices test classes."""

    def new_key(self):
        return f"test-{uuid.uuid4()}"

    def counts(self):
        self.env.invalidate_all()
        return {name: self.env[name].search_count([]) for name in COUNTED_MODELS}

    def key_rows(self, user=None):
        return self.env["billing.idempotency.key"].search(
            [("user_id", "=", (user or self.billing_user).id)]
        )

    def assert_replay(self, first, replay):
        """``replay`` is ``first`` again, marked as replayed."""
        self.assertEqual(replay.status_code, first.status_code, replay.text)
        self.assertEqual(replay.content, first.content)
        for name in ("Content-Type", "Location", "Link", "X-Result-Count"):
            self.assertEqual(replay.headers.get(name), first.headers.get(name), name)
        self.assertEqual(replay.headers.get(REPLAYED), "true")
        self.assertNotIn(REPLAYED, first.headers)
        # Made anew for every response, replays included.
        self.assertEqual(replay.headers.get("Cache-Control"), "no-store")

    def assert_once(self, send, alter=None, status=200):
        """``send()`` twice with one key: the retry replays the first answer
        and writes nothing. ``alter()`` runs in between, to change what a
        second run of the endpoint would answer."""
        key = self.new_key()
        before = self.counts()
        first = send(key)
        self.assertEqual(first.status_code, status, first.text)
        after_first = self.counts()
        self.assertEqual(
            after_first["billing.idempotency.key"],
            before["billing.idempotency.key"] + 1,
        )
        if alter:
            alter()
        after_alter = self.counts()
        replay = send(key)
        self.assert_replay(first, replay)
        self.assertEqual(self.counts(), after_alter, "a replay writes nothing")
        return first, replay


@tagged("post_install", "-at_install")
class TestWaldurIdempotency(IdempotencyAssertions, WaldurInvoiceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.second_billing_user = new_test_user(
            cls.env,
            login="billing_clerk_2",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.second_billing_key = cls.make_api_key(cls.second_billing_user)

    def url(self, path):
        return self.base_url() + path

    def post(self, path, key, api_key=None, **kwargs):
        headers = {**kwargs.pop("headers", {}), "Idempotency-Key": key}
        return self.api("POST", path, key=api_key, headers=headers, **kwargs)

    def payment_body(self, **values):
        return {
            "profile": self.url(f"{PROFILES}{self.profile.uuid}/"),
            "date_of_payment": "2026-04-01",
            "sum": "25.00",
            **values,
        }

    def payment_of(self, response):
        return self.env["account.payment"].search(
            [("uuid", "=", response.json()["uuid"])]
        )

    # --- every POST route ----------------------------------------------------

    def test_create_payment_once(self):
        first, _replay = self.assert_once(
            lambda key: self.post(PAYMENTS, key, json=self.payment_body()),
            status=201,
        )
        payment = self.payment_of(first)
        self.assertEqual(
            first.headers["Location"], self.url(f"{PAYMENTS}{payment.uuid}/")
        )
        self.assertEqual(payment.amount, 25.0)

    def test_create_payment_with_a_proof_once_whatever_the_boundary(self):
        # requests draws a new multipart boundary for each call.
        def send(key):
            return self.post(
                PAYMENTS,
                key,
                data=self.payment_body(),
                files={"proof": ("receipt.pdf", PDF, "application/pdf")},
            )

        first, replay = self.assert_once(send, status=201)
        self.assertNotEqual(
            first.request.headers["Content-Type"],
            replay.request.headers["Content-Type"],
        )
        self.assertEqual(self.payment_of(first)._billing_proof_content(), PDF)
        # The same content spelled by hand with two boundaries also matches.
        key = self.new_key()
        fields_ = [(name, value) for name, value in self.payment_body().items()]
        files = [("proof", "receipt.pdf", PDF)]
        first = self.post(
            PAYMENTS,
            key,
            data=multipart("AaB03x", fields_, files),
            headers={"Content-Type": "multipart/form-data; boundary=AaB03x"},
        )
        self.assertEqual(first.status_code, 201, first.text)
        before = self.counts()
        replay = self.post(
            PAYMENTS,
            key,
            data=multipart("other-boundary-42", reversed(fields_), files),
            headers={"Content-Type": "multipart/form-data; boundary=other-boundary-42"},
        )
        self.assert_replay(first, replay)
        self.assertEqual(self.counts(), before)

    def test_create_payment_profile_once(self):
        body = {
            "name": "Idempotent profile",
            "organization": self.url(f"/api/customers/{self.customer.uuid}/"),
            "payment_type": "fixed_price",
            "attributes": {"end_date": "2026-12-31", "contract_sum": 1200},
        }
        first, _replay = self.assert_once(
            lambda key: self.post(PROFILES, key, json=body), status=201
        )
        self.assertEqual(first.headers["Location"], first.json()["url"])

    def test_enable_payment_profile_once(self):
        profile = self.env["billing.payment.profile"].create(
            {
                "name": "Second",
                "partner_id": self.customer.id,
                "journal_id": self.bank_journal.id,
                "is_active": False,
            }
        )
        path = f"{PROFILES}{profile.uuid}/enable/"
        self.assert_once(
            lambda key: self.post(path, key),
            # A second run would enable it again.
            alter=lambda: profile.write({"is_active": False}),
        )
        self.assertFalse(profile.is_active)

    def test_paid_once(self):
        invoice = self.create_invoice()
        path = self.detail(invoice, "paid/")
        # Without the key, a second run is refused: the invoice is paid.
        first, _replay = self.assert_once(
            lambda key: self.post(path, key, json={"date": "2026-04-10"})
        )
        self.assertEqual(first.json()["state"], "paid")
        self.assertEqual(len(invoice.matched_payment_ids), 1)
        self.assertEqual(
            self.api("POST", path, json={"date": "2026-04-10"}).status_code, 409
        )

    def test_send_notification_once(self):
        invoice = self.create_invoice()
        path = self.detail(invoice, "send_notification/")
        # Each run posts a message on the invoice; the replay posts none.
        self.assert_once(lambda key: self.post(path, key))

    def test_set_fields_once(self):
        invoice = self.create_invoice()
        for name, value, changed in (
            ("backend_id", "backend-1", "changed"),
            ("payment_url", "https://pay.example/1", "https://pay.example/2"),
            ("reference_number", "RF-1", "changed"),
        ):
            with self.subTest(name=name):
                path = self.detail(invoice, f"set_{name}/")
                self.assert_once(
                    lambda key, path=path, name=name, value=value: self.post(
                        path, key, json={name: value}
                    ),
                    # A second run would set the value again.
                    alter=lambda name=name, changed=changed: invoice.write(
                        {name: changed}
                    ),
                )
                self.assertEqual(invoice[name], changed)

    def test_link_and_unlink_once(self):
        invoice = self.create_invoice()
        payment = self.payment_of(
            self.api("POST", PAYMENTS, json=self.payment_body(sum="30.00"))
        )
        link = f"{PAYMENTS}{payment.uuid}/link_to_invoice/"
        unlink = f"{PAYMENTS}{payment.uuid}/unlink_from_invoice/"
        body = {"invoice": self.url(f"/api/invoices/{invoice.uuid}/")}
        # A second run of either would be refused (400), since the payment
        # is already linked / unlinked.
        link_key = self.new_key()
        first_link = self.post(link, link_key, json=body)
        self.assertEqual(first_link.status_code, 200, first_link.text)
        before = self.counts()
        self.assert_replay(first_link, self.post(link, link_key, json=body))
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.api("POST", link, json=body).status_code, 400)
        self.assertEqual(invoice.payment_state, "partial")
        self.assert_once(lambda key: self.post(unlink, key))
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(self.api("POST", unlink).status_code, 400)

    # --- what makes a request the same ------------------------------------------

    def test_json_is_compared_by_value(self):
        key = self.new_key()
        body = self.payment_body()
        first = self.post(PAYMENTS, key, json=body)
        self.assertEqual(first.status_code, 201, first.text)
        before = self.counts()
        respelled = json.dumps(dict(reversed(list(body.items()))), indent=4)
        replay = self.post(
            PAYMENTS,
            key,
            data=respelled,
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        self.assert_replay(first, replay)
        self.assertEqual(self.counts(), before)

    def test_another_request_with_the_same_key_is_422(self):
        key = self.new_key()
        first = self.post(PAYMENTS, key, json=self.payment_body())
        self.assertEqual(first.status_code, 201, first.text)
        before = self.counts()
        for path, body in (
            (PAYMENTS, self.payment_body(sum="26.00")),  # another body
            (PAYMENTS + "?x=1", self.payment_body()),  # another query
            (PROFILES, self.payment_body()),  # another path
        ):
            with self.subTest(path=path, body=body):
                response = self.post(path, key, json=body)
                self.assert_json(response, 422, {"detail": REUSED})
                self.assertNotIn(REPLAYED, response.headers)
        self.assertEqual(self.counts(), before)
        # The key still replays its own request.
        self.assert_replay(first, self.post(PAYMENTS, key, json=self.payment_body()))

    def test_keys_are_per_user(self):
        key = self.new_key()
        body = self.payment_body()
        mine = self.post(PAYMENTS, key, json=body)
        theirs = self.post(PAYMENTS, key, api_key=self.second_billing_key, json=body)
        self.assertEqual(mine.status_code, 201, mine.text)
        self.assertEqual(theirs.status_code, 201, theirs.text)
        self.assertNotIn(REPLAYED, theirs.headers)
        self.assertNotEqual(mine.json()["uuid"], theirs.json()["uuid"])
        self.assertEqual(len(self.key_rows()), 1)
        self.assertEqual(len(self.key_rows(self.second_billing_user)), 1)
        # Another body under the other user's key is not a reuse of mine.
        other = self.post(
            PAYMENTS,
            self.new_key(),
            api_key=self.second_billing_key,
            json=self.payment_body(sum="1.00"),
        )
        self.assertEqual(other.status_code, 201, other.text)

    def test_a_key_expires_after_24_hours_and_the_cron_purges_it(self):
        self.assertEqual(RETENTION, datetime.timedelta(hours=24))
        key = self.new_key()
        body = self.payment_body()
        first = self.post(PAYMENTS, key, json=body)
        self.assertEqual(first.status_code, 201, first.text)
        # Just within the 24 hours: still replayed.
        self.env.cr.execute(
            "UPDATE billing_idempotency_key SET create_date = create_date"
            " - interval '23 hours 59 minutes' WHERE key = %s",
            [key],
        )
        self.assert_replay(first, self.post(PAYMENTS, key, json=body))
        self.env.cr.execute(
            "UPDATE billing_idempotency_key SET create_date = create_date"
            " - interval '2 minutes' WHERE key = %s",
            [key],
        )
        # Expired: the same request runs again, under a fresh key row.
        again = self.post(PAYMENTS, key, json=body)
        self.assertEqual(again.status_code, 201, again.text)
        self.assertNotIn(REPLAYED, again.headers)
        self.assertNotEqual(again.json()["uuid"], first.json()["uuid"])
        self.assertEqual(len(self.key_rows()), 1)
        # The cron deletes expired keys only.
        old_key = self.new_key()
        self.assertEqual(self.post(PAYMENTS, old_key, json=body).status_code, 201)
        self.env.cr.execute(
            "UPDATE billing_idempotency_key SET create_date = create_date"
            " - interval '25 hours' WHERE key = %s",
            [old_key],
        )
        cron = self.env.ref("billing_payments.ir_cron_gc_idempotency_keys")
        self.assertEqual(cron.interval_type, "days")
        self.assertTrue(cron.active)
        cron.method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(self.key_rows().mapped("key"), [key])
        self.assertEqual(self.env["billing.idempotency.key"]._gc_expired_keys(), 0)

    # --- refused keys and requests -------------------------------------------

    def test_malformed_keys_are_400_and_write_nothing(self):
        before = self.counts()
        for key, message in (
            ("", "The Idempotency-Key header must not be empty."),
            (
                "k" * 256,
                "The Idempotency-Key header must be at most 255 characters long.",
            ),
            (
                "tab\tkey",
                "The Idempotency-Key header must not contain control characters.",
            ),
            (
                "bell\x07key",
                "The Idempotency-Key header must not contain control characters.",
            ),
        ):
            with self.subTest(key=key):
                response = self.post(PAYMENTS, key, json=self.payment_body())
                self.assert_json(response, 400, {"detail": message})
        self.assertEqual(self.counts(), before)
        # 255 characters are fine.
        longest = "k" * 255
        response = self.post(PAYMENTS, longest, json=self.payment_body())
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(self.key_rows().mapped("key"), [longest])

    def test_authentication_comes_first(self):
        response = self.post(PAYMENTS, "", api_key="wrong", json=self.payment_body())
        self.assert_json(response, 401, {"detail": "Invalid token."})

    def test_errors_are_not_stored_and_the_key_stays_usable(self):
        key = self.new_key()
        before = self.counts()
        response = self.post(PAYMENTS, key, json=self.payment_body(sum="-1"))
        self.assertEqual(response.status_code, 400, response.text)
        response = self.post(PAYMENTS, key, json=self.payment_body())
        self.assertEqual(response.status_code, 201, response.text)
        # An error for a user without rights is not stored either.
        forbidden = self.post(
            PAYMENTS, key, api_key=self.readonly_key, json=self.payment_body()
        )
        self.assertEqual(forbidden.status_code, 403)
        self.assertFalse(self.key_rows(self.readonly_user))
        self.assertEqual(
            self.counts()["billing.idempotency.key"],
            before["billing.idempotency.key"] + 1,
        )

    def test_a_key_in_flight_is_409(self):
        key = self.new_key()
        # Another connection holds the key's lock, as a request in flight does.
        with sql_db.db_connect(self.env.cr.dbname).cursor() as other:
            other.execute(
                "SELECT pg_advisory_xact_lock(%s)",
                [advisory_lock_id(self.billing_user.id, key)],
            )
            with mute_logger("odoo.http"):
                response = self.post(PAYMENTS, key, json=self.payment_body())
            other.rollback()
        self.assert_json(response, 409, {"detail": IN_FLIGHT})
        self.assertEqual(response.headers["Retry-After"], "1")
        self.assertFalse(self.key_rows())
        # Once it is released, the request runs.
        response = self.post(PAYMENTS, key, json=self.payment_body())
        self.assertEqual(response.status_code, 201, response.text)

    def test_other_verbs_ignore_the_key(self):
        payment = self.payment_of(self.api("POST", PAYMENTS, json=self.payment_body()))
        detail = f"{PAYMENTS}{payment.uuid}/"
        key = self.new_key()
        headers = {"Idempotency-Key": key}
        self.assertEqual(self.api("GET", detail, headers=headers).status_code, 200)
        for sum_ in ("11.00", "12.00"):
            response = self.api("PATCH", detail, headers=headers, json={"sum": sum_})
            self.assertEqual(response.json()["sum"], sum_)
            self.assertNotIn(REPLAYED, response.headers)
        # Not even a malformed key is looked at.
        response = self.api("GET", detail, headers={"Idempotency-Key": ""})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.key_rows())
        # A POST where POST is not allowed stores nothing (405).
        response = self.post(detail, key)
        self.assertEqual(response.status_code, 405)
        self.assertFalse(self.key_rows())


@tagged("post_install", "-at_install")
class TestSpaceInvoicesIdempotency(IdempotencyAssertions, SpaceInvoicesCommon):
    def post(self, key, **kwargs):
        headers = {**kwargs.pop("headers", {}), "Idempotency-Key": key}
        return self.si("POST", self.document_path(), headers=headers, **kwargs)

    def body(self, **values):
        return {"type": "bank", "date": "2026-03-04", "amount": 400.5, **values}

    def test_add_payment_once(self):
        first, _replay = self.assert_once(lambda key: self.post(key, json=self.body()))
        self.assertEqual(first.json()["amount"], 400.5)
        self.assertEqual(len(self.invoice.matched_payment_ids), 1)

    def test_form_bodies_compare_by_field(self):
        key = self.new_key()
        fields_ = [("type", "cash"), ("date", "2026-03-04"), ("amount", "100")]
        first = self.post(key, data=fields_)
        self.assertEqual(first.status_code, 200, first.text)
        before = self.counts()
        self.assert_replay(first, self.post(key, data=list(reversed(fields_))))
        # The same fields as multipart: the same request too.
        boundary = "si-boundary"
        replay = self.post(
            key,
            data=multipart(boundary, fields_),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        self.assert_replay(first, replay)
        self.assertEqual(self.counts(), before)

    def test_access_token_is_not_part_of_the_request(self):
        key = self.new_key()
        first = self.post(key, json=self.body())
        self.assertEqual(first.status_code, 200, first.text)
        replay = self.si(
            "POST",
            self.document_path() + f"?access_token={self.billing_key}",
            key=False,
            headers={"Idempotency-Key": key},
            json=self.body(),
        )
        self.assert_replay(first, replay)

    def test_errors_in_the_loopback_format(self):
        key = self.new_key()
        self.assertEqual(self.post(key, json=self.body()).status_code, 200)
        before = self.counts()
        error = self.assert_error(
            self.post(key, json=self.body(amount=1)), 422, "UnprocessableEntityError"
        )
        self.assertEqual(error["message"], REUSED)
        error = self.assert_error(self.post("k" * 256, json=self.body()), 400)
        self.assertEqual(
            error["message"],
            "The Idempotency-Key header must be at most 255 characters long.",
        )
        self.assert_error(self.post("", json=self.body()), 400)
        in_flight_key = self.new_key()
        with sql_db.db_connect(self.env.cr.dbname).cursor() as other:
            other.execute(
                "SELECT pg_advisory_xact_lock(%s)",
                [advisory_lock_id(self.billing_user.id, in_flight_key)],
            )
            with mute_logger("odoo.http"):
                response = self.post(in_flight_key, json=self.body())
            other.rollback()
        self.assert_error(response, 409, "ConflictError", IN_FLIGHT)
        self.assertEqual(response.headers["Retry-After"], "1")
        self.assertEqual(self.counts(), before)

    def test_a_validation_error_is_not_stored(self):
        key = self.new_key()
        response = self.post(key, json=self.body(amount=None, type="nope"))
        self.assert_error(response, 422, "ValidationError")
        self.assertFalse(self.key_rows())
        self.assertEqual(self.post(key, json=self.body()).status_code, 200)

    def test_unknown_routes_ignore_the_key(self):
        response = self.si("POST", "/no-such-thing", headers={"Idempotency-Key": ""})
        self.assert_error(response, 404)
        self.assertFalse(self.key_rows())


def http_request(method="POST", path="/api/payments/", **kwargs):
    """A werkzeug request, as ``common.request_fingerprint`` reads it."""
    return Request(EnvironBuilder(method=method, path=path, **kwargs).get_environ())


@tagged("post_install", "-at_install")
class TestRequestFingerprint(BaseCase):
    """``common.idempotency_key`` and ``common.request_fingerprint`` alone."""

    def fingerprint(self, *args, **kwargs):
        return common.request_fingerprint(http_request(*args, **kwargs))

    def test_key_header(self):
        def key_of(method="POST", **headers):
            return common.idempotency_key(http_request(method, headers=headers))

        self.assertIsNone(key_of())
        self.assertIsNone(key_of("PATCH", **{"Idempotency-Key": ""}))
        self.assertEqual(key_of(**{"Idempotency-Key": "a b/é"}), "a b/é")
        for bad in ("", "   ", "x" * 256, "a\x00b", "a\x7fb", "a\x85b"):
            with self.subTest(key=bad), self.assertRaises(IdempotencyKeyInvalid):
                key_of(**{"Idempotency-Key": bad})

    def test_json_by_value(self):
        def of_json(text, content_type="application/json"):
            return self.fingerprint(data=text, content_type=content_type)

        reference = of_json('{"a": 1, "b": [true, null, "x"]}')
        for same in (
            '{"b":[true,null,"x"],"a":1}',
            '{"a": 1.0, "b": [true, null, "x"]}',
            '{"a": 1e0, "b": [true, null, "x"]}',
            ('{"a": 1, "b": [true, null, "x"]}', "application/json; charset=utf-8"),
        ):
            with self.subTest(same=same):
                args = same if isinstance(same, tuple) else (same,)
                self.assertEqual(of_json(*args), reference)
        for other in (
            '{"a": "1", "b": [true, null, "x"]}',
            '{"a": 1, "b": ["x", null, true]}',
            '{"a": 1, "b": [1, null, "x"]}',
            '{"a": 1, "b": [true, false, "x"]}',
            '{"a": 1}',
            "[1]",
            "{broken",
        ):
            with self.subTest(other=other):
                self.assertNotEqual(of_json(other), reference)
        self.assertEqual(of_json("{broken"), of_json("{broken"))

    def test_verb_path_and_query(self):
        reference = self.fingerprint(query_string="b=2&a=1&a=0")
        self.assertEqual(self.fingerprint(query_string="a=1&b=2&a=0"), reference)
        self.assertEqual(
            self.fingerprint(query_string="a=0&b=2&a=1&access_token=secret"),
            reference,
        )
        self.assertNotEqual(self.fingerprint(query_string="a=1&b=2"), reference)
        self.assertNotEqual(
            self.fingerprint(path="/api/payment-profiles/", query_string="a=1&b=2&a=0"),
            reference,
        )
        self.assertNotEqual(
            self.fingerprint("PUT", query_string="a=1&b=2&a=0"), reference
        )

    def test_forms_and_files(self):
        fields_ = (("sum", "10.00"), ("date_of_payment", "2026-04-01"))
        files = (("proof", "receipt.pdf", PDF),)

        def of_multipart(boundary, fields_=fields_, files=files):
            return self.fingerprint(
                data=multipart(boundary, fields_, files),
                content_type=f"multipart/form-data; boundary={boundary}",
            )

        reference = of_multipart("one")
        self.assertEqual(of_multipart("two", list(reversed(fields_))), reference)
        self.assertNotEqual(
            of_multipart("two", files=[("proof", "other.pdf", PDF)]), reference
        )
        self.assertNotEqual(
            of_multipart("two", files=[("proof", "receipt.pdf", PDF + b" ")]),
            reference,
        )
        self.assertNotEqual(of_multipart("two", files=[]), reference)
        # The fields alone, urlencoded or multipart, are one request.
        self.assertEqual(
            self.fingerprint(
                data=dict(fields_), content_type="application/x-www-form-urlencoded"
            ),
            of_multipart("three", files=[]),
        )
        # A broken multipart body counts by its bytes.
        broken = multipart("one", fields_, files)[:-10]
        self.assertEqual(
            self.fingerprint(
                data=broken, content_type="multipart/form-data; boundary=one"
            ),
            self.fingerprint(
                data=broken, content_type="multipart/form-data; boundary=one"
            ),
        )
        self.assertNotEqual(
            self.fingerprint(
                data=broken, content_type="multipart/form-data; boundary=one"
            ),
            reference,
        )
