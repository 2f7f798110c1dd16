# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The key/value widget's JavaScript unit tests, run in headless Chromium.

``static/tests/key_value_field.test.js`` (Odoo's HOOT framework, bundle
``web.assets_unit_tests``) mounts the widget in a form: the read-only table,
editing with types kept, the inline refusals and the raw JSON mode. This test
runs that suite alone and fails when any of its tests fails, when none ran,
or when no browser can run it (``common.run_in_browser``).
"""

from odoo.tests import HttpCase, tagged

from .common import run_in_browser

SUITE = "@billing_payments"


def hoot_hash(name):
    """HOOT's id of a suite or test name (as ``web.tests.test_js`` computes it)."""
    value = 0
    for char in name:
        value = ((value << 5) - value + ord(char)) & 0xFFFFFFFF
    return f"{value:08x}"


def hoot_error(message):
    """Whether a browser console message is an error of the run."""
    return "[HOOT]" not in message


@tagged("post_install", "-at_install")
class TestKeyValueWidget(HttpCase):
    def test_hoot_suite_of_the_key_value_widget(self):
        suite = hoot_hash(SUITE)
        with self.assertLogs(__name__, "INFO") as logs:
            run_in_browser(
                self,
                "the HOOT suite",
                self.browser_js,
                f"/web/tests?headless&loglevel=2&preset=desktop&timeout=15000"
                f"&suite={suite}",
                "",
                "",
                login="admin",
                timeout=600,
                success_signal="[HOOT] test suite succeeded",
                error_checker=hoot_error,
            )
        # The suite ran, all of it: a filter matching nothing also "succeeds".
        summary = [line for line in logs.output if "[HOOT] passed" in line]
        self.assertEqual(len(summary), 1, logs.output[-5:])
        self.assertRegex(summary[0], r"\[HOOT\] passed 7 tests ")
