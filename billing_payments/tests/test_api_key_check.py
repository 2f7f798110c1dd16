# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The API's key check remembers verified keys, and still refuses at once
every key Odoo's own check refuses (models/res_users_apikeys.py)."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from ..models import res_users_apikeys
from .common import BillingCommon, BillingHttpCommon

PATH = "/api/payment-profiles/"


class ApiKeyCheckCommon(BillingCommon):
    def setUp(self):
        super().setUp()
        # Each test starts with nothing remembered; other tests' keys are
        # rolled back with their transactions anyway.
        res_users_apikeys.forget_all_verified_keys()
        self.addCleanup(res_users_apikeys.forget_all_verified_keys)
        self.key = self.make_api_key(self.billing_user)

    def hashes_during(self):
        """A spy on the password-hash verification the check performs."""
        return patch.object(
            res_users_apikeys,
            "KEY_CRYPT_CONTEXT",
            wraps=res_users_apikeys.KEY_CRYPT_CONTEXT,
        )

    def check(self, key):
        return self.env["res.users.apikeys"]._billing_check_api_key(key)

    def odoo_check(self, key):
        return self.env["res.users.apikeys"]._check_credentials(scope="rpc", key=key)

    def key_row(self):
        return (
            self.env["res.users.apikeys"]
            .sudo()
            .search([("user_id", "=", self.billing_user.id)])
        )


@tagged("post_install", "-at_install")
class TestApiKeyCheck(ApiKeyCheckCommon):
    def test_a_verified_key_costs_one_query_and_no_hash(self):
        with self.hashes_during() as context:
            self.assertEqual(self.check(self.key), self.billing_user.id)
            self.assertEqual(context.verify.call_count, 1)
            with self.assertQueryCount(1):
                self.assertEqual(self.check(self.key), self.billing_user.id)
            self.assertEqual(self.check(self.key), self.billing_user.id)
            self.assertEqual(context.verify.call_count, 1)

    def test_wrong_keys_pay_the_hash_every_time_and_are_not_remembered(self):
        # Same index (the first 8 characters) as the real key: Odoo's query
        # finds the row, only the hash can tell them apart.
        wrong = self.key[:8] + ("0" if self.key[8] != "0" else "1") + self.key[9:]
        with self.hashes_during() as context:
            for attempt in range(1, 4):
                self.assertIsNone(self.check(wrong))
                self.assertEqual(context.verify.call_count, attempt)
        self.assertIsNone(self.odoo_check(wrong))

    def test_same_answers_as_odoo_for_every_state_of_the_key(self):
        self.assertEqual(self.check(self.key), self.odoo_check(self.key))
        self.assertEqual(self.check(self.key), self.billing_user.id)  # remembered
        cases = {
            "expired": lambda: self.key_row().write(
                {"expiration_date": fields.Datetime.now() - timedelta(minutes=1)}
            ),
            "user archived": lambda: self.billing_user.write({"active": False}),
            "scope other than rpc": lambda: self.env.cr.execute(
                "UPDATE res_users_apikeys SET scope = 'other' WHERE user_id = %s",
                [self.billing_user.id],
            ),
            "revoked": lambda: self.key_row().unlink(),
        }
        for case, change in cases.items():
            with self.subTest(case), self.env.cr.savepoint(flush=False) as savepoint:
                self.assertEqual(self.check(self.key), self.billing_user.id)
                change()
                self.env.flush_all()
                self.assertIsNone(self.odoo_check(self.key))
                self.assertIsNone(self.check(self.key))
                savepoint.rollback()
                self.env.invalidate_all()
                self.assertEqual(self.check(self.key), self.billing_user.id)

    def test_each_database_and_key_is_its_own_entry(self):
        other_key = self.make_api_key(self.readonly_user)
        self.assertEqual(self.check(self.key), self.billing_user.id)
        self.assertEqual(self.check(other_key), self.readonly_user.id)
        self.assertEqual(self.check(self.key), self.billing_user.id)

    def test_memory_is_bounded(self):
        with patch.object(res_users_apikeys, "VERIFIED_KEYS_MAX", 2):
            keys = [self.key] + [
                self.make_api_key(self.readonly_user) for _ in range(2)
            ]
            for key in keys:
                self.check(key)
            self.assertEqual(len(res_users_apikeys._verified), 2)
            with self.hashes_during() as context:
                self.check(self.key)  # the oldest, forgotten: hashed again
                self.assertEqual(context.verify.call_count, 1)

    def test_the_memory_holds_no_key(self):
        self.check(self.key)
        (entry_key,) = res_users_apikeys._verified
        self.assertNotIn(self.key, repr(res_users_apikeys._verified))
        self.assertNotIn(self.key.encode(), entry_key[1])


@tagged("post_install", "-at_install")
class TestApiKeyCheckOverHttp(ApiKeyCheckCommon, BillingHttpCommon):
    def test_a_key_revoked_between_requests_is_refused_by_the_next_one(self):
        self.assertEqual(self.api("GET", PATH, key=self.key).status_code, 200)
        self.assertEqual(self.api("GET", PATH, key=self.key).status_code, 200)
        self.key_row().unlink()
        self.env.flush_all()
        response = self.api("GET", PATH, key=self.key)
        self.assert_json(response, 401, {"detail": "Invalid token."})
