# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import json
import uuid

from odoo.tests import tagged

from .common import SpaceInvoicesCommon

PAYMENT_KEYS = [
    "id",
    "documentId",
    "organizationId",
    "type",
    "date",
    "amount",
    "description",
    "createdAt",
    "updatedAt",
]


@tagged("post_install", "-at_install")
class TestSpaceInvoicesPayments(SpaceInvoicesCommon):
    def payment_by_id(self, payment_id):
        return self.env["account.payment"].search([("uuid", "=", payment_id)])

    def assert_books(self, invoice, state, residual):
        invoice.invalidate_recordset()
        self.assertEqual(invoice.payment_state, state)
        self.assertAlmostEqual(invoice.amount_residual, residual)
        moves = invoice | invoice.matched_payment_ids.move_id
        for move in moves.filtered(lambda m: m.state == "posted"):
            self.assertAlmostEqual(sum(move.line_ids.mapped("balance")), 0.0)

    # --- create -------------------------------------------------------------------

    def test_create_reconciles_and_renders_the_payment(self):
        response = self.si(
            "POST",
            self.document_path(),
            json={
                "type": "bank",
                "date": "2026-03-04",
                "amount": 400.5,
                "description": "Wire 42",
            },
        )
        body = self.assert_json(response, 200)
        self.assertEqual(list(body), PAYMENT_KEYS)
        self.assertEqual(
            {k: body[k] for k in PAYMENT_KEYS[1:7]},
            {
                "documentId": self.invoice.uuid,
                "organizationId": self.company.uuid,
                "type": "bank",
                "date": "2026-03-04",
                "amount": 400.5,
                "description": "Wire 42",
            },
        )
        self.assertRegex(body["createdAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        payment = self.payment_by_id(body["id"])
        self.assertEqual(payment.state, "in_process")
        self.assertEqual(payment.journal_id, self.bank_journal)
        self.assertEqual(payment.payment_profile_id, self.profile)
        self.assertEqual(payment.memo, "Wire 42")
        self.assertEqual(payment.currency_id, self.invoice.currency_id)
        self.assertIn(payment, self.invoice.matched_payment_ids)
        self.assert_books(self.invoice, "partial", 599.5)

    def test_create_from_a_form_body_with_integer_json_number(self):
        # curl -d type=bank -d date=… -d amount=1000, as the API docs show.
        response = self.si(
            "POST",
            self.document_path(),
            data={"type": "cash", "date": "2026-03-04", "amount": "1000"},
        )
        body = self.assert_json(response, 200)
        self.assertIn('"amount": 1000,', response.text)  # a JSON integer
        self.assertEqual(body["type"], "cash")
        self.assertNotIn("description", body)
        payment = self.payment_by_id(body["id"])
        self.assertEqual(payment.journal_id, self.cash_journal)
        self.assert_books(self.invoice, "paid", 0.0)

    def test_amount_defaults_to_what_is_due(self):
        self.pay(amount=250.0)
        body = self.assert_json(
            self.si(
                "POST",
                self.document_path(),
                json={"type": "card", "date": "2026-03-04"},
            ),
            200,
        )
        self.assertEqual(body["amount"], 750)
        self.assert_books(self.invoice, "paid", 0.0)
        response = self.si(
            "POST", self.document_path(), json={"type": "card", "date": "2026-03-04"}
        )
        error = self.assert_error(response, 422, "ValidationError")
        self.assertEqual(error["details"]["codes"], {"amount": ["presence"]})

    def test_overpayment_leaves_the_excess_as_customer_credit(self):
        for amount in (700, 500):
            self.assert_json(
                self.si(
                    "POST",
                    self.document_path(),
                    json={"type": "bank", "date": "2026-03-04", "amount": amount},
                ),
                200,
            )
        self.assert_books(self.invoice, "paid", 0.0)
        payments = self.invoice.matched_payment_ids
        self.assertEqual(len(payments), 2)
        receivable = payments.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        # 1,200 paid on 1,000 due: 200 stays open on the customer's account.
        self.assertAlmostEqual(sum(receivable.mapped("amount_residual")), -200.0)
        self.assertAlmostEqual(self.customer.credit, -200.0)
        listed = self.assert_json(self.si("GET", self.document_path()), 200)
        self.assertEqual([p["amount"] for p in listed], [700, 500])

    def test_channel_mapping_picks_journal_and_payment_method(self):
        second_bank = self.env["account.journal"].create(
            {"name": "Card acquirer", "code": "CARD", "type": "bank"}
        )
        method_line = second_bank.inbound_payment_method_line_ids[:1]
        self.env["billing.payment.channel"].create(
            {"code": "card", "journal_id": second_bank.id}
        )
        body = self.assert_json(
            self.si(
                "POST",
                self.document_path(),
                json={"type": "card", "date": "2026-03-04", "amount": 10},
            ),
            200,
        )
        payment = self.payment_by_id(body["id"])
        self.assertEqual(payment.journal_id, second_bank)
        self.assertEqual(payment.payment_method_line_id, method_line)
        self.assertEqual(payment.payment_channel, "card")
        # Reads back the same, although the journal is a bank journal.
        got = self.assert_json(self.si("GET", f"/payments/{body['id']}"), 200)
        self.assertEqual(got["type"], "card")

    def test_create_validation_errors_write_nothing(self):
        count = self.env["account.payment"].search_count([])
        response = self.si(
            "POST",
            self.document_path(),
            json={
                "type": "cheque",
                "date": "yesterday",
                "amount": "12.345",
                "custom": {},
            },
        )
        error = self.assert_error(response, 422, "ValidationError")
        self.assertEqual(
            error["details"],
            {
                "context": "Payment",
                "codes": {
                    "custom": ["unknown-property"],
                    "type": ["inclusion"],
                    "date": ["date"],
                    "amount": ["numericality"],
                },
                "messages": {
                    "custom": ["is not defined in the model"],
                    "type": ["is not included in the list"],
                    "date": ["is not a valid date"],
                    "amount": ["has more than 2 decimals (USD)"],
                },
            },
        )
        self.assertTrue(
            error["message"].startswith("The `Payment` instance is not valid.")
        )
        for body, codes in (
            ({}, {"type": ["presence"], "date": ["presence"]}),
            (
                {"type": "bank", "date": "2026-01-01", "amount": -5},
                {"amount": ["numericality"]},
            ),
            (
                {"type": "bank", "date": "2026-01-01", "amount": 0},
                {"amount": ["numericality"]},
            ),
            (
                {"type": "bank", "date": "2026-01-01", "amount": True},
                {"amount": ["numericality"]},
            ),
            (
                {"type": "bank", "date": "2026-01-01", "documentId": "f" * 32},
                {"documentId": ["invalid"]},
            ),
            (
                {"type": "bank", "date": "2026-01-01", "description": 5},
                {"description": ["invalid"]},
            ),
        ):
            with self.subTest(body=body):
                error = self.assert_error(
                    self.si("POST", self.document_path(), json=body),
                    422,
                    "ValidationError",
                )
                self.assertEqual(error["details"]["codes"], codes)
        self.assertEqual(self.env["account.payment"].search_count([]), count)
        self.assert_books(self.invoice, "not_paid", 1000.0)

    def test_create_on_a_draft_invoice_or_locked_period_is_refused(self):
        draft = self.create_invoice(post=False)
        error = self.assert_error(
            self.si(
                "POST",
                self.document_path(draft),
                json={"type": "bank", "date": "2026-03-04", "amount": 5},
            ),
            422,
            "ValidationError",
        )
        self.assertIn("posted customer invoice", error["message"])
        self.company.fiscalyear_lock_date = datetime.date(2026, 3, 31)
        error = self.assert_error(
            self.si(
                "POST",
                self.document_path(),
                json={"type": "bank", "date": "2026-03-04", "amount": 5},
            ),
            422,
            "ValidationError",
        )
        self.assertIn("locked", error["message"])
        self.assertFalse(self.invoice.matched_payment_ids)

    def test_malformed_json_body_is_400(self):
        response = self.si(
            "POST",
            self.document_path(),
            data="{not json",
            headers={"Content-Type": "application/json"},
        )
        self.assert_error(response, 400)

    # --- read ---------------------------------------------------------------------

    def test_retrieve_list_and_count(self):
        first = self.pay(amount=100.0, date=datetime.date(2026, 1, 5))
        second = self.pay(amount=200.0, channel="cash", date=datetime.date(2026, 2, 5))
        other_invoice = self.create_invoice()
        third = self.pay(invoice=other_invoice, amount=50.0)
        got = self.assert_json(self.si("GET", f"/payments/{first.uuid}"), 200)
        self.assertEqual(got["id"], first.uuid)
        self.assertEqual(got["amount"], 100)
        self.assertEqual(got["date"], "2026-01-05")
        dashed = str(uuid.UUID(first.uuid))
        self.assertEqual(
            self.assert_json(self.si("GET", f"/payments/{dashed}"), 200), got
        )

        response = self.si("GET", self.document_path())
        listed = self.assert_json(response, 200)
        self.assertEqual([p["id"] for p in listed], [first.uuid, second.uuid])
        self.assertEqual(response.headers["x-total-count"], "2")
        self.assert_json(
            self.si("GET", self.document_path(suffix="/count")), 200, {"count": 2}
        )

        org = f"/organizations/{self.company.uuid}/payments"
        listed = self.assert_json(self.si("GET", org), 200)
        self.assertEqual(
            [p["id"] for p in listed], [first.uuid, second.uuid, third.uuid]
        )
        self.assert_json(self.si("GET", org + "/count"), 200, {"count": 3})
        self.assert_json(
            self.si("GET", org + "/count", params={"where[type]": "cash"}),
            200,
            {"count": 1},
        )
        self.assert_json(
            self.si(
                "GET",
                org + "/count",
                params={"where": json.dumps({"amount": {"gte": 100}})},
            ),
            200,
            {"count": 2},
        )

    def test_filter_encodings_limit_skip_order(self):
        payments = [
            self.pay(amount=amount, date=datetime.date(2026, 1, day))
            for amount, day in ((30.0, 3), (10.0, 1), (20.0, 2), (40.0, 4))
        ]
        path = self.document_path()

        def ids(params):
            response = self.si("GET", path, params=params)
            return [p["id"] for p in self.assert_json(response, 200)], response.headers[
                "x-total-count"
            ]

        by_date = [payments[i].uuid for i in (1, 2, 0, 3)]
        bracket = {
            "filter[order]": "date ASC",
            "filter[limit]": "2",
            "filter[skip]": "1",
        }
        as_json = {"filter": json.dumps({"order": ["date ASC"], "limit": 2, "skip": 1})}
        self.assertEqual(ids(bracket), (by_date[1:3], "4"))
        self.assertEqual(ids(as_json), (by_date[1:3], "4"))
        self.assertEqual(ids({"filter[order][date]": "DESC"})[0], by_date[::-1])
        self.assertEqual(ids({"filter[order][0]": "amount DESC"})[0], by_date[::-1])
        self.assertEqual(ids({"filter[order]": "date"})[0], by_date)
        self.assertEqual(ids({"filter[offset]": "3"})[0], [payments[3].uuid])
        self.assertEqual(ids({"filter[skip]": "10"}), ([], "4"))
        self.assertEqual(ids({"filter[limit]": "0"})[0], [p.uuid for p in payments])
        self.assertEqual(
            ids(
                {
                    "filter[where][amount][between][0]": "15",
                    "filter[where][amount][between][1]": "30",
                    "filter[order]": "amount ASC",
                }
            )[0],
            [payments[2].uuid, payments[0].uuid],
        )
        self.assertEqual(
            ids(
                {
                    "filter[where][date][inq]": ["2026-01-01", "2026-01-04"],
                    "filter[order]": "date ASC",
                }
            )[0],
            [payments[1].uuid, payments[3].uuid],
        )

    def test_limit_is_capped_at_100(self):
        invoice = self.create_invoice(lines=[(self.offering, 1, 10000.0)])
        for _i in range(101):
            self.pay(invoice=invoice, amount=1.0)
        response = self.si(
            "GET", self.document_path(invoice), params={"filter[limit]": "500"}
        )
        self.assertEqual(len(self.assert_json(response, 200)), 100)
        self.assertEqual(response.headers["x-total-count"], "101")
        self.assertEqual(
            len(self.assert_json(self.si("GET", self.document_path(invoice)), 200)), 100
        )

    def test_fields_projection_and_include(self):
        payment = self.pay(amount=100.0, memo="Ref 7")
        path = self.document_path()
        only = self.assert_json(
            self.si(
                "GET",
                path,
                params={"filter[fields][amount]": "true", "filter[fields][id]": "true"},
            ),
            200,
        )
        self.assertEqual(only, [{"id": payment.uuid, "amount": 100}])
        listed = self.assert_json(
            self.si("GET", path, params={"filter": json.dumps({"fields": ["type"]})}),
            200,
        )
        self.assertEqual(listed, [{"type": "bank"}])
        without = self.assert_json(
            self.si("GET", path, params={"filter[fields][description]": "false"}), 200
        )
        self.assertEqual(
            list(without[0]), [k for k in PAYMENT_KEYS if k != "description"]
        )

        included = self.assert_json(
            self.si(
                "GET",
                f"/payments/{payment.uuid}",
                params={
                    "filter[include][0]": "document",
                    "filter[include][1]": "organization",
                },
            ),
            200,
        )
        document = included["document"]
        self.assertEqual(document["id"], self.invoice.uuid)
        self.assertEqual(document["number"], self.invoice.name)
        self.assertEqual(document["currencyId"], "USD")
        self.assertEqual(
            (document["totalWithTax"], document["totalPaid"], document["totalDue"]),
            (1000, 100, 900),
        )
        self.assertFalse(document["paidInFull"])
        self.assertEqual(included["organization"]["id"], self.company.uuid)
        self.assertEqual(included["organization"]["name"], self.company.name)
        one = self.assert_json(
            self.si(
                "GET",
                path,
                params={
                    "filter": json.dumps(
                        {"include": "document", "fields": {"id": True}}
                    )
                },
            ),
            200,
        )
        self.assertEqual(set(one[0]), {"id", "document"})

    def test_list_query_count_is_flat(self):
        invoices = [self.create_invoice() for _i in range(12)]
        for invoice in invoices:
            self.pay(invoice=invoice, amount=10.0, memo="x")
        path = f"/organizations/{self.company.uuid}/payments"
        for include in (["document", "organization"], []):
            with self.subTest(include=include):
                params = {"filter": json.dumps({"include": include, "limit": 3})}
                small, body = self.list_queries("/v1" + path, params)
                self.assertEqual(len(body), 3)
                params = {"filter": json.dumps({"include": include, "limit": 12})}
                large, body = self.list_queries("/v1" + path, params)
                self.assertEqual(len(body), 12)
                self.assertEqual(small, large)

    # --- update -------------------------------------------------------------------

    def test_put_and_patch_redo_the_reconciliation(self):
        payment = self.pay(amount=1000.0, memo="first")
        self.assert_books(self.invoice, "paid", 0.0)
        path = f"/payments/{payment.uuid}"
        body = self.assert_json(
            self.si("PATCH", path, json={"amount": 600, "description": "second"}), 200
        )
        self.assertEqual((body["amount"], body["description"]), (600, "second"))
        self.assert_books(self.invoice, "partial", 400.0)
        self.assertEqual(payment.state, "in_process")

        body = self.assert_json(
            self.si(
                "PUT",
                path,
                json={
                    "type": "cash",
                    "date": "2026-02-01",
                    "amount": 1000,
                    "documentId": self.invoice.uuid,
                },
            ),
            200,
        )
        self.assertEqual(
            (body["type"], body["date"], body["amount"]), ("cash", "2026-02-01", 1000)
        )
        self.assertNotIn("description", body)  # PUT replaces the whole payment
        payment.invalidate_recordset()
        self.assertEqual(payment.journal_id, self.cash_journal)
        self.assertFalse(payment.memo)
        self.assert_books(self.invoice, "paid", 0.0)

        error = self.assert_error(
            self.si("PUT", path, json={"type": "bank"}), 422, "ValidationError"
        )
        self.assertEqual(
            error["details"]["codes"], {"date": ["presence"], "amount": ["presence"]}
        )
        other = self.create_invoice()
        error = self.assert_error(
            self.si("PATCH", path, json={"documentId": other.uuid}),
            422,
            "ValidationError",
        )
        self.assertEqual(error["details"]["codes"], {"documentId": ["invalid"]})
        self.assert_books(self.invoice, "paid", 0.0)

    def test_channel_only_change_does_not_repost(self):
        payment = self.pay(amount=100.0)
        move = payment.move_id
        body = self.assert_json(
            self.si("PATCH", f"/payments/{payment.uuid}", json={"type": "online"}), 200
        )
        self.assertEqual(body["type"], "online")
        self.assertEqual(payment.move_id, move)
        self.assertEqual(payment.journal_id, self.bank_journal)

    # --- delete -------------------------------------------------------------------

    def test_soft_delete_and_deleted_filter(self):
        kept = self.pay(amount=1.0)
        payment = self.pay(amount=1000.0)
        path = f"/payments/{payment.uuid}"
        self.assert_json(self.si("DELETE", path), 200, {"count": 1})
        self.assertEqual(payment.state, "canceled")
        self.assert_books(self.invoice, "partial", 999.0)
        self.assert_json(self.si("DELETE", path), 200, {"count": 0})
        self.assert_json(self.si("DELETE", "/payments/" + "0" * 32), 200, {"count": 0})
        self.assert_error(
            self.si("GET", path), 404, message=f'Unknown "Payment" id "{payment.uuid}".'
        )
        listed = self.assert_json(self.si("GET", self.document_path()), 200)
        self.assertEqual([p["id"] for p in listed], [kept.uuid])
        self.assert_json(
            self.si("GET", self.document_path(suffix="/count")), 200, {"count": 1}
        )
        for params in ({"filter[deleted]": "true"}, {"filter": '{"deleted": true}'}):
            listed = self.assert_json(
                self.si("GET", self.document_path(), params=params), 200
            )
            self.assertEqual([p["id"] for p in listed], [kept.uuid, payment.uuid])
            self.assertTrue(listed[1]["_isDeleted"])
            self.assertRegex(listed[1]["deletedAt"], r"Z$")
            self.assertNotIn("_isDeleted", listed[0])
        got = self.assert_json(
            self.si("GET", path, params={"filter[deleted]": "true"}), 200
        )
        self.assertTrue(got["_isDeleted"])
        self.assert_error(self.si("PATCH", path, json={"amount": 5}), 404)

    # --- cross-dialect ------------------------------------------------------------

    def test_same_payment_through_the_waldur_api(self):
        body = self.assert_json(
            self.si(
                "POST",
                self.document_path(),
                json={"type": "bank", "date": "2026-03-04", "amount": 1000},
            ),
            200,
        )
        self.invoice.invalidate_recordset()
        self.assertEqual(self.invoice.billing_state, "paid")
        waldur = self.assert_json(self.api("GET", f"/api/payments/{body['id']}/"), 200)
        self.assertEqual(waldur["invoice_uuid"], self.invoice.uuid)
        self.assertEqual(waldur["sum"], "1000.00")
        self.assertEqual(waldur["date_of_payment"], "2026-03-04")
        self.assertTrue(
            waldur["profile"].endswith(f"/api/payment-profiles/{self.profile.uuid}/")
        )
        invoice = self.assert_json(
            self.api("GET", f"/api/invoices/{self.invoice.uuid}/"), 200
        )
        self.assertEqual(invoice["state"], "paid")

        self.assert_json(
            self.si("DELETE", f"/payments/{body['id']}"), 200, {"count": 1}
        )
        self.assert_json(self.api("GET", f"/api/payments/{body['id']}/"), 404)
        listed = self.assert_json(self.api("GET", "/api/payments/"), 200)
        self.assertNotIn(body["id"], [p["uuid"] for p in listed])
        invoice = self.assert_json(
            self.api("GET", f"/api/invoices/{self.invoice.uuid}/"), 200
        )
        self.assertEqual(invoice["state"], "created")

    def test_waldur_payment_linked_to_an_invoice_is_a_space_invoices_payment(self):
        payment = self.create_payment(250.0)
        payment.action_post()
        payment._billing_link_invoice(self.invoice)
        got = self.assert_json(self.si("GET", f"/payments/{payment.uuid}"), 200)
        self.assertEqual(
            (got["documentId"], got["amount"], got["type"]),
            (self.invoice.uuid, 250, "bank"),
        )

    # --- auth, rights and errors --------------------------------------------------

    def test_key_forms(self):
        path = self.document_path()
        for auth in (
            self.billing_key,
            f"Bearer {self.billing_key}",
            f"Token {self.billing_key}",
        ):
            with self.subTest(auth=auth[:6]):
                self.assert_json(self.si("GET", path, auth=auth), 200)
        self.assert_json(
            self.si("GET", path, key=False, params={"access_token": self.billing_key}),
            200,
        )

    def test_unauthenticated_and_not_allowed_are_401(self):
        path = self.document_path()
        expected = {
            "error": {
                "statusCode": 401,
                "name": "Error",
                "message": "Authorization Required",
                "code": "AUTHORIZATION_REQUIRED",
            }
        }
        for kwargs in (
            {"key": False},
            {"auth": "not-a-key"},
            {"auth": "Basic abc def"},
            {"key": self.plain_key},  # may not read payments
        ):
            with self.subTest(kwargs=list(kwargs)):
                self.assert_json(self.si("GET", path, **kwargs), 401, expected)
        # Read-only users read but may not write.
        self.assert_json(self.si("GET", path, key=self.readonly_key), 200)
        payment = self.pay(amount=5.0)
        for method, sub in (
            ("POST", path),
            ("PATCH", f"/payments/{payment.uuid}"),
            ("DELETE", f"/payments/{payment.uuid}"),
        ):
            with self.subTest(method=method):
                self.assert_json(
                    self.si(
                        method,
                        sub,
                        key=self.readonly_key,
                        json={"type": "bank", "date": "2026-01-01", "amount": 1},
                    ),
                    401,
                    expected,
                )
        self.assertEqual(payment.state, "in_process")
        self.assertEqual(len(self.invoice.matched_payment_ids), 1)

    def test_other_company_is_invisible(self):
        other_invoice = self.create_invoice(
            journal_id=self.other_company_data["default_journal_sale"].id
        )
        self.assertEqual(other_invoice.company_id, self.other_company)
        payment = self.pay(invoice=other_invoice, amount=10.0)
        self.assert_error(self.si("GET", self.document_path(other_invoice)), 404)
        self.assert_error(self.si("GET", f"/payments/{payment.uuid}"), 404)
        self.assert_json(
            self.si("DELETE", f"/payments/{payment.uuid}"), 200, {"count": 0}
        )
        self.assertEqual(payment.state, "in_process")
        org = f"/organizations/{self.other_company.uuid}/payments"
        self.assert_error(self.si("GET", org), 404)
        self.assert_error(
            self.si("GET", "/organizations/" + "0" * 32 + "/payments"), 404
        )
        listed = self.assert_json(
            self.si("GET", f"/organizations/{self.company.uuid}/payments"), 200
        )
        self.assertNotIn(payment.uuid, [p["id"] for p in listed])

    def test_unknown_ids_routes_and_verbs_are_404(self):
        missing = "0" * 32
        error = self.assert_error(self.si("GET", f"/documents/{missing}/payments"), 404)
        self.assertEqual(error["code"], "MODEL_NOT_FOUND")
        self.assertEqual(error["message"], f'Unknown "Document" id "{missing}".')
        self.assert_error(self.si("GET", f"/payments/{missing}"), 404)
        self.assert_error(self.si("GET", "/payments/not-an-id"), 404)
        self.assert_error(
            self.si("GET", "/nothing/here", key=False),
            404,
            message="Cannot GET /v1/nothing/here",
        )
        self.assert_error(self.si("PUT", self.document_path(suffix="/count")), 404)
        self.assert_error(self.si("POST", f"/payments/{missing}"), 404)

    def test_malformed_filters_are_400(self):
        path = self.document_path()
        for params in (
            {"filter[where][amount][near]": "1,2"},
            {"filter[where][secret]": "x"},
            {"filter[where][partner_id]": "1"},
            {"filter": "{not json"},
            {"filter": "[1]"},
            {"filter[limit]": "-1"},
            {"filter[limit]": "ten"},
            {"filter[skip]": "1.5"},
            {"filter[order]": "amount SIDEWAYS"},
            {"filter[order]": "documentId ASC"},
            {"filter[fields][secret]": "true"},
            {"filter[include]": "client"},
            {"filter[include][document]": "client"},
            {"filter[where][amount][gt]": "lots"},
            {"filter[where][date][gt]": "tomorrow"},
            {"filter[where][amount][like]": "1.*"},
            {"filter[where][description][like]": "[ab]+"},
            {"filter[where][description][regexp]": "/x/z"},
            {"filter[where][or]": "x"},
            {"filter": '{"where": {"or": []}}'},
            {"filter[where][amount][between][0]": "1"},
            {"filter": '{"where": {"amount": {}}}'},
            {"filter": '{"bogus": 1}'},
            {"filter[deleted]": "maybe"},
            {"filter": "{}", "filter[limit]": "1"},
        ):
            with self.subTest(params=params):
                error = self.assert_error(self.si("GET", path, params=params), 400)
                self.assertIn("filter", error["details"])
        self.assert_error(
            self.si("GET", path + "/count", params={"where[nope]": "1"}), 400
        )
