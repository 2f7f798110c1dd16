# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The addon's business errors reach the web client as user-error dialogs.

The web client chooses an error's dialog by the full class name the server
sends (``odoo.http.serialize_exception``); unknown names get the traceback
dialog. ``static/src/js/error_dialogs.js`` registers ours.
"""

import datetime
import json
import re
from pathlib import Path

from odoo.exceptions import AccessDenied, UserError
from odoo.http import serialize_exception
from odoo.tests import TransactionCase, tagged

from .. import exceptions
from ..exceptions import BillingConflictError, ProofRejected
from .common import BillingHttpCommon

SCRIPT = "billing_payments/static/src/js/error_dialogs.js"


def registered_names():
    """The exception names the script registers as warning dialogs."""
    source = (Path(__file__).resolve().parents[2] / SCRIPT).read_text()
    return set(re.findall(r'"(odoo\.addons\.billing_payments\.[\w.]+)"', source))


@tagged("post_install", "-at_install")
class TestWebClientErrors(TransactionCase):
    def test_business_errors_are_registered_as_warning_dialogs(self):
        source = (Path(__file__).resolve().parents[2] / SCRIPT).read_text()
        for error in (BillingConflictError("in use"), ProofRejected("not a PDF")):
            name = serialize_exception(error)["name"]
            with self.subTest(name=name):
                self.assertTrue(name.startswith("odoo.addons.billing_payments."))
                self.assertIn(f'"{name}"', source)

    def test_every_user_error_of_the_addon_is_registered(self):
        # The business errors models raise; AuthenticationFailed (an
        # AccessDenied) is the APIs' key check and never reaches the web client.
        user_errors = [
            value
            for value in vars(exceptions).values()
            if isinstance(value, type)
            and value.__module__ == exceptions.__name__
            and issubclass(value, UserError)
            and not issubclass(value, AccessDenied)
        ]
        self.assertIn(BillingConflictError, user_errors)
        names = {f"{error.__module__}.{error.__name__}" for error in user_errors}
        self.assertEqual(names - registered_names(), set())

    def test_the_script_is_in_the_backend_bundle(self):
        paths = [
            path
            for path, *_rest in self.env["ir.asset"]._get_asset_paths(
                "web.assets_backend", {}
            )
        ]
        self.assertTrue(any(path.endswith(SCRIPT) for path in paths), paths[-5:])


@tagged("post_install", "-at_install")
class TestWebClientErrorsOverRpc(BillingHttpCommon):
    """The error the web client receives names a registered class."""

    def call_kw(self, model, method, args):
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "model": model,
                        "method": method,
                        "args": args,
                        "kwargs": {},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()

    def test_deleting_a_used_profile_is_a_registered_user_error(self):
        self.env["account.payment"]._billing_create_payment(
            self.profile, datetime.date(2026, 4, 1), 10.0
        )
        self.authenticate(self.billing_user.login, self.billing_user.login)
        body = self.call_kw("billing.payment.profile", "unlink", [self.profile.ids])
        error = body["error"]["data"]
        self.assertEqual(
            error["name"],
            "odoo.addons.billing_payments.exceptions.BillingConflictError",
        )
        self.assertIn(error["name"], registered_names())
        self.assertIn("deactivate it instead", error["message"])
        self.assertTrue(self.profile.exists())
        # An unused profile goes (the same call succeeds).
        unused = self.env["billing.payment.profile"].create(
            {"name": "Unused", "partner_id": self.other_customer.id}
        )
        body = self.call_kw("billing.payment.profile", "unlink", [unused.ids])
        self.assertIs(body.get("result"), True, body)
        self.assertFalse(unused.exists())
