# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The shipped translation template matches what Odoo exports from the code.

Regenerate it after changing a translatable text (see the README):
``python3 -m odoo -d <db> --addons-path=<path> --modules=billing_payments
--i18n-export=billing_payments/i18n/billing_payments.pot --stop-after-init``.
"""

import io
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import trans_export

POT = Path(__file__).resolve().parent.parent / "i18n" / "billing_payments.pot"


def entries(text):
    """{msgid: (sorted references, flags)} of a PO/POT text."""
    return {
        entry.msgid: (sorted(entry.occurrences), sorted(entry.flags))
        for entry in polib.pofile(text)
    }


@tagged("post_install", "-at_install")
class TestTranslationTemplate(TransactionCase):
    def test_pot_is_in_sync_with_the_code(self):
        buffer = io.BytesIO()
        trans_export(None, ["billing_payments"], buffer, "po", self.env.cr)
        exported = entries(buffer.getvalue().decode())
        shipped = entries(POT.read_text(encoding="utf-8"))
        # A few texts every addon has, so the comparison cannot pass empty.
        self.assertIn("Proof of Payment", exported)
        self.assertIn("Upload a PDF, PNG, JPEG or WebP file.", exported)
        self.assertEqual(
            sorted(set(exported) ^ set(shipped)),
            [],
            "billing_payments.pot is out of date: export it again (module docstring)",
        )
        self.assertEqual(exported, shipped)
