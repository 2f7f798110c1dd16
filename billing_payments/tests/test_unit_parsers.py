# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The pure parsers of both dialects, without a database or a server.

Query strings, body fields, pagination, filter values, uuids and money are
plain functions of their inputs (a werkzeug MultiDict, a dict): these tests
call them directly.
"""

import datetime
from decimal import Decimal

from werkzeug.datastructures import MultiDict

from odoo.tests import BaseCase, tagged

from ..dialects.spaceinvoices import values as si_values
from ..dialects.waldur import fields, query
from ..dialects.waldur.pagination import Pagination
from ..exceptions import ApiError, FilterError, InvalidPage
from ..money import parse_decimal
from ..utils import (
    is_http_url,
    normalize_uuid,
    parse_iso_date,
    proof_is_markup,
    sniff_proof_mimetype,
)

HEX = "0f3a2b4c5d6e7f8091a2b3c4d5e6f708"
HYPHENATED = "0f3a2b4c-5d6e-7f80-91a2-b3c4d5e6f708"


def args(*pairs):
    return MultiDict(pairs)


@tagged("post_install", "-at_install")
class TestUtils(BaseCase):
    def test_uuids(self):
        self.assertEqual(normalize_uuid(HYPHENATED), HEX)
        self.assertEqual(normalize_uuid(HEX.upper()), HEX)
        for bad in ("", "nope", None, 42, HEX[:-1]):
            with self.subTest(bad=bad):
                self.assertIsNone(normalize_uuid(bad))

    def test_urls_dates_and_proofs(self):
        self.assertTrue(is_http_url("https://pay.example/x"))
        for bad in ("ftp://x", "https://", "/relative", "http://[::1"):
            with self.subTest(bad=bad):
                self.assertFalse(is_http_url(bad))
        self.assertEqual(parse_iso_date("2026-02-28"), datetime.date(2026, 2, 28))
        for bad in ("2026-2-28", "2026-02-30", "28.02.2026", 20260228):
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                parse_iso_date(bad)
        self.assertEqual(sniff_proof_mimetype(b"%PDF-1.7 ..."), "application/pdf")
        self.assertEqual(sniff_proof_mimetype(b"RIFF\0\0\0\0WEBPVP8 "), "image/webp")
        self.assertIsNone(sniff_proof_mimetype(b"<html>%PDF-"))
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
        self.assertFalse(proof_is_markup(pdf, "application/pdf"))
        self.assertTrue(proof_is_markup(pdf[:-6], "application/pdf"))  # no %%EOF
        self.assertTrue(proof_is_markup(b"%PDF-1.4 <!DOCTYPE html>%%EOF", "x"))
        self.assertFalse(proof_is_markup(b"\x89PNG\r\n\x1a\n", "image/png"))

    def test_money(self):
        self.assertEqual(parse_decimal("12.50"), Decimal("12.50"))
        self.assertEqual(parse_decimal(3), Decimal(3))
        for bad in (True, "NaN", "Infinity", "1,5", None, [1]):
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                parse_decimal(bad)


@tagged("post_install", "-at_install")
class TestWaldurQuery(BaseCase):
    def assert_400(self, call, payload):
        with self.assertRaises(ApiError) as caught:
            call()
        self.assertEqual(
            (caught.exception.status, caught.exception.payload), (400, payload)
        )

    def test_uuid_int_and_date_parameters(self):
        self.assertEqual(query.query_uuid(args(("x", HYPHENATED)), "x"), HEX)
        self.assertIsNone(query.query_uuid(args(("x", "")), "x"))
        self.assert_400(
            lambda: query.query_uuid(args(("x", "zz")), "x"),
            {"x": ["Enter a valid UUID."]},
        )
        self.assertEqual(query.query_int(args(("year", "2026")), "year"), 2026)
        self.assert_400(
            lambda: query.query_int(args(("year", "abc")), "year"),
            {"year": ["Enter a number."]},
        )
        self.assertEqual(
            query.query_date(args(("d", "2026-01-31")), "d"), datetime.date(2026, 1, 31)
        )
        self.assert_400(
            lambda: query.query_date(args(("d", "31/01/2026")), "d"),
            {"d": ["Enter a valid date."]},
        )

    def test_choices_booleans_and_ordering(self):
        self.assertEqual(
            query.query_choices(args(("s", "a"), ("s", ""), ("s", "b")), "s", "ab"),
            ["a", "b"],
        )
        self.assert_400(
            lambda: query.query_choices(args(("s", "c")), "s", ("a",)),
            {"s": ["Select a valid choice. c is not one of the available choices."]},
        )
        for raw, expected in (("true", True), ("0", False), ("maybe", None)):
            with self.subTest(raw=raw):
                self.assertIs(query.query_boolean(args(("b", raw)), "b"), expected)
        allowed = {"year": "billing_year", "created": "billing_period_start"}
        self.assertEqual(
            query.ordering(args(("o", "x"), ("o", "-year,created")), allowed, "id"),
            "billing_year desc, billing_period_start asc, id asc",
        )
        self.assertEqual(query.ordering(args(), allowed, "id desc"), "id desc")
        self.assert_400(
            lambda: query.ordering(args(("o", "-total")), allowed, "id"),
            {
                "o": [
                    "Select a valid choice. -total is not one of the available choices."
                ]
            },
        )

    def test_related_filters_match_links_by_path(self):
        terms = query.related_filters(
            args(
                ("customer", f"https://elsewhere/api/customers/{HYPHENATED}/"),
                ("customer_uuid", HEX),
            ),
            "customer",
            "customers",
            "commercial_partner_id",
        )
        self.assertEqual(terms, [("commercial_partner_id.uuid", "=", HEX)] * 2)
        # A URL that is not one of ours matches nothing, not everything.
        self.assertEqual(
            query.related_filters(
                args(("customer", "https://x/api/invoices/1/")),
                "customer",
                "customers",
                "commercial_partner_id",
            ),
            [("commercial_partner_id.uuid", "=", "")],
        )


@tagged("post_install", "-at_install")
class TestWaldurFields(BaseCase):
    FIELDS = {
        "name": fields.CharField(required=True, max_length=5),
        "sum": fields.DecimalField(max_digits=10, decimal_places=2, min_value=0),
        "day": fields.DateField(),
        "flag": fields.BooleanField(allow_null=True),
        "attributes": fields.DictField(),
    }

    def test_valid_body(self):
        values = fields.parse_body(
            self.FIELDS,
            {
                "name": "abc",
                "sum": "12.30",
                "day": "2026-03-01",
                "flag": "yes",
                "attributes": '{"a": 1}',
                "ignored": 1,
            },
        )
        self.assertEqual(
            values,
            {
                "name": "abc",
                "sum": Decimal("12.30"),
                "day": datetime.date(2026, 3, 1),
                "flag": True,
                "attributes": {"a": 1},
            },
        )
        self.assertEqual(fields.parse_body(self.FIELDS, {}, partial=True), {})

    def test_every_error_at_once(self):
        with self.assertRaises(ApiError) as caught:
            fields.parse_body(
                self.FIELDS,
                {
                    "sum": "1.234",
                    "day": "01/03/2026",
                    "flag": "perhaps",
                    "attributes": "[1]",
                },
            )
        self.assertEqual(
            caught.exception.payload,
            {
                "name": ["This field is required."],
                "sum": ["Ensure that there are no more than 2 decimal places."],
                "day": [
                    "Date has wrong format. Use one of these formats instead: "
                    "YYYY-MM-DD."
                ],
                "flag": ["Must be a valid boolean."],
                "attributes": ['Expected a dictionary of items but got type "list".'],
            },
        )

    def test_number_limits_and_non_objects(self):
        for raw, message in (
            (
                "123456789",
                "Ensure that there are no more than 8 digits before the decimal point.",
            ),
            ("-1", "Ensure this value is greater than or equal to 0."),
            ("abc", "A valid number is required."),
            (True, "A valid number is required."),
        ):
            with self.subTest(raw=raw), self.assertRaises(ApiError) as caught:
                fields.parse_body({"sum": self.FIELDS["sum"]}, {"sum": raw})
            self.assertEqual(caught.exception.payload, {"sum": [message]})
        with self.assertRaises(ApiError) as caught:
            fields.parse_body(self.FIELDS, [1])
        self.assertEqual(
            caught.exception.payload,
            {
                "non_field_errors": [
                    "Invalid data. Expected a dictionary, but got list."
                ]
            },
        )
        with self.assertRaises(ApiError):
            fields.parse_body({"name": fields.CharField()}, {"name": "   "})


@tagged("post_install", "-at_install")
class TestWaldurPagination(BaseCase):
    URL = "http://h/api/invoices/?page_size=5&state=paid"

    def test_pages_and_links(self):
        page = Pagination(
            args(("page_size", "5"), ("page", "2")), self.URL + "&page=2", 12
        )
        self.assertEqual((page.size, page.num_pages, page.offset), (5, 3, 5))
        self.assertEqual(
            page.headers(),
            {
                "X-Result-Count": "12",
                "Link": '<http://h/api/invoices/?page_size=5&state=paid>; rel="first", '
                '<http://h/api/invoices/?page_size=5&state=paid>; rel="prev", '
                '<http://h/api/invoices/?page=3&page_size=5&state=paid>; rel="next", '
                '<http://h/api/invoices/?page=3&page_size=5&state=paid>; rel="last"',
            },
        )
        last = Pagination(args(("page", "last")), self.URL, 25)
        self.assertEqual((last.size, last.number), (10, 3))
        self.assertEqual(Pagination(args(("page_size", "1000")), self.URL, 0).size, 300)
        self.assertEqual(Pagination(args(("page_size", "-2")), self.URL, 0).size, 10)
        for page_number in ("0", "4", "x"):
            with self.subTest(page=page_number), self.assertRaises(InvalidPage):
                Pagination(args(("page", page_number)), self.URL, 25)


@tagged("post_install", "-at_install")
class TestSpaceInvoicesValues(BaseCase):
    def test_instants(self):
        self.assertEqual(
            si_values.parse_instant("2026-03-01T10:00:00.1234+02:00"),
            datetime.datetime(2026, 3, 1, 8, 0, 0, 123000),
        )
        self.assertEqual(
            si_values.parse_instant("2026-03-01"), datetime.datetime(2026, 3, 1)
        )
        for bad in ("2026-13-01", "9999-12-31", "yesterday", 5):
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                si_values.parse_instant(bad)
        with self.assertRaises(FilterError) as caught:
            si_values.instant("nope", "where.date")
        self.assertEqual(caught.exception.path, "where.date")

    def test_numbers_booleans_naturals(self):
        self.assertEqual(si_values.number("12.5", "p"), Decimal("12.5"))
        for bad in ("1e15", "x", True):
            with self.subTest(bad=bad), self.assertRaises(FilterError):
                si_values.number(bad, "p")
        self.assertIs(si_values.boolean("1", "p"), True)
        self.assertIs(si_values.boolean("", "p"), False)
        with self.assertRaises(FilterError):
            si_values.boolean("yes", "p")
        self.assertEqual(si_values.natural("7", "p"), 7)
        self.assertIsNone(si_values.natural("", "p"))
        for bad in ("-1", "1.5", True, 2.0):
            with self.subTest(bad=bad), self.assertRaises(FilterError):
                si_values.natural(bad, "p")
