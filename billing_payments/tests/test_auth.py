# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import BillingHttpCommon

PATH = "/api/payment-profiles/"


@tagged("post_install", "-at_install")
class TestApiKeyAuthentication(BillingHttpCommon):
    def assert_unauthorized(self, response, detail):
        self.assert_json(response, 401, {"detail": detail})
        self.assertEqual(response.headers.get("WWW-Authenticate"), "Token")
        self.assertNotIn("session_id", response.cookies)

    def test_token_and_bearer_schemes(self):
        for scheme in ("Token", "Bearer", "token"):
            response = self.api("GET", PATH, scheme=scheme)
            self.assert_json(response, 200)
            self.assertNotIn("session_id", response.cookies)
            self.assertNotIn("Set-Cookie", response.headers)

    def test_no_header(self):
        self.assert_unauthorized(
            self.api("GET", PATH, key=False),
            "Authentication credentials were not provided.",
        )

    def test_other_scheme_is_no_credentials(self):
        response = self.api(
            "GET", PATH, key=False, headers={"Authorization": "Basic eDp5"}
        )
        self.assert_unauthorized(
            response, "Authentication credentials were not provided."
        )

    def test_malformed_headers(self):
        response = self.api("GET", PATH, key=False, headers={"Authorization": "Token"})
        self.assert_unauthorized(response, "Invalid token. No credentials provided.")
        response = self.api(
            "GET", PATH, key=False, headers={"Authorization": "Token a b"}
        )
        self.assert_unauthorized(
            response, "Invalid token. Token string should not contain spaces."
        )

    def test_unknown_key(self):
        self.assert_unauthorized(self.api("GET", PATH, key="0" * 40), "Invalid token.")

    def test_expired_key(self):
        key = self.make_api_key(
            self.billing_user, fields.Datetime.now() + timedelta(days=1)
        )
        self.assert_json(self.api("GET", PATH, key=key), 200)
        self.env["res.users.apikeys"].sudo().search(
            [("user_id", "=", self.billing_user.id), ("expiration_date", "!=", False)]
        ).expiration_date = fields.Datetime.now() - timedelta(minutes=1)
        self.env.flush_all()
        self.assert_unauthorized(self.api("GET", PATH, key=key), "Invalid token.")

    def test_inactive_user(self):
        self.billing_user.active = False
        self.env.flush_all()
        self.assert_unauthorized(self.api("GET", PATH), "Invalid token.")

    def test_session_cookie_is_not_enough(self):
        self.authenticate("admin", "admin")
        response = self.api("GET", PATH, key=False)
        self.assert_unauthorized(
            response, "Authentication credentials were not provided."
        )

    def test_request_runs_as_the_key_owner(self):
        """Records written through the API are the key owner's, not sudo's."""
        response = self.api(
            "POST",
            PATH,
            json={
                "name": "Owned",
                "organization": f"http://x/api/customers/{self.other_customer.uuid}/",
                "payment_type": "invoices",
            },
        )
        body = self.assert_json(response, 201)
        profile = self.env["billing.payment.profile"].search(
            [("uuid", "=", body["uuid"])]
        )
        self.assertEqual(profile.create_uid, self.billing_user)
