# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo.tests import BaseCase, tagged

from odoo.addons.billing_payments.dialects.common import format_decimal
from odoo.addons.billing_payments.dialects.waldur.pagination import (
    _replace_query_param,
)
from odoo.addons.billing_payments.money import to_decimal


@tagged("post_install", "-at_install")
class TestDialectHelpers(BaseCase):
    def test_format_decimal_fixed_places_half_even(self):
        self.assertEqual(format_decimal(12.345, 10), "12.3450000000")
        self.assertEqual(format_decimal(Decimal("0.125"), 2), "0.12")
        self.assertEqual(format_decimal(Decimal("0.135"), 2), "0.14")
        # Floats are taken at their shortest repr, not their binary value.
        self.assertEqual(format_decimal(1.005, 2), "1.00")
        self.assertEqual(format_decimal(0.1 + 0.2, 2), "0.30")
        self.assertEqual(format_decimal(None, 2), "0.00")
        self.assertEqual(format_decimal(-7, 2), "-7.00")
        self.assertEqual(format_decimal(0, 10), "0.0000000000")
        self.assertEqual(format_decimal(1e-7, 10), "0.0000001000")
        self.assertEqual(format_decimal(-0.0, 2), "0.00")
        self.assertEqual(to_decimal(2.675), Decimal("2.675"))

    def test_query_param_replacement_sorts_and_encodes(self):
        url = "http://h/api/x/?page_size=5&o=name,-year&state=a&state=b"
        self.assertEqual(
            _replace_query_param(url, "page", 3),
            "http://h/api/x/?o=name%2C-year&page=3&page_size=5&state=a&state=b",
        )
        self.assertEqual(
            _replace_query_param(url + "&page=2", "page", None),
            "http://h/api/x/?o=name%2C-year&page_size=5&state=a&state=b",
        )
