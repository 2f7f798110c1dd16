# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The addon's business errors reach the web client as user-error dialogs.

The web client chooses an error's dialog by the full class name the server
sends (``odoo.http.serialize_exception``); unknown names get the traceback
dialog. ``static/src/js/error_dialogs.js`` registers ours.
"""

from pathlib import Path

from odoo.http import serialize_exception
from odoo.tests import TransactionCase, tagged

from ..exceptions import BillingConflictError, ProofRejected

SCRIPT = "billing_payments/static/src/js/error_dialogs.js"


@tagged("post_install", "-at_install")
class TestWebClientErrors(TransactionCase):
    def test_business_errors_are_registered_as_warning_dialogs(self):
        source = (Path(__file__).resolve().parents[2] / SCRIPT).read_text()
        for error in (BillingConflictError("in use"), ProofRejected("not a PDF")):
            name = serialize_exception(error)["name"]
            with self.subTest(name=name):
                self.assertTrue(name.startswith("odoo.addons.billing_payments."))
                self.assertIn(f'"{name}"', source)

    def test_the_script_is_in_the_backend_bundle(self):
        paths = [
            path
            for path, *_rest in self.env["ir.asset"]._get_asset_paths(
                "web.assets_backend", {}
            )
        ]
        self.assertTrue(any(path.endswith(SCRIPT) for path in paths), paths[-5:])
