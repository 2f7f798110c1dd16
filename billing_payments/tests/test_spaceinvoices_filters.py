# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The LoopBack filter compiler, table-driven: filter in → domain and rows out.

Every case runs in both encodings (JSON and qs bracket notation), checks the
exact Odoo domain it compiles to, and the payments that domain selects.
"""

import datetime
import json
import uuid
from decimal import Decimal

from werkzeug.datastructures import MultiDict

from odoo.osv import expression
from odoo.tests import BaseCase, tagged

from ..dialects.spaceinvoices import payments as si_payments
from ..dialects.spaceinvoices import timestamp
from ..dialects.spaceinvoices.querystring import decode_param
from ..dialects.spaceinvoices.values import regex_to_like
from ..exceptions import FilterError
from .common import SpaceInvoicesCommon, pay_invoice

D = datetime.date
ANY_INVOICE = ("move_type", "=", "out_invoice")


def brackets(value, prefix="filter"):
    """``value`` as qs bracket parameters (what a JS client sends)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from brackets(item, f"{prefix}[{key}]")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from brackets(item, f"{prefix}[{index}]")
    elif isinstance(value, bool):
        yield prefix, "true" if value else "false"
    else:
        yield prefix, str(value)


def negated(field, *positive):
    return ["|", (field, "=", False), "!", *positive]


@tagged("post_install", "-at_install")
class TestSpaceInvoicesFilters(SpaceInvoicesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_invoice = cls.create_invoice(lines=[(cls.offering, 1, 500.0)])
        pay = pay_invoice
        cls.rows = {
            "p1": pay(cls.invoice, "bank", D(2026, 1, 1), 10.0, "INV-2026-001 wire"),
            "p2": pay(cls.invoice, "cash", D(2026, 1, 15), 25.5, "Cash at desk"),
            "p3": pay(cls.other_invoice, "card", D(2026, 2, 1), 100.0),
            "p4": pay(
                cls.invoice, "online", D(2026, 2, 10), 7.25, "inv-2026-002 online"
            ),
        }

    def cases(self):
        p1, p3 = self.rows["p1"], self.rows["p3"]
        other = self.other_invoice.uuid
        in_other = ("invoice_ids", "any", [ANY_INVOICE, ("uuid", "=", other)])
        created = p1.create_date.replace(
            microsecond=p1.create_date.microsecond // 1000 * 1000
        )
        return [
            # (where, domain, rows)
            ({"type": "bank"}, [("payment_channel", "=", "bank")], "p1"),
            ({"type": {"eq": "cash"}}, [("payment_channel", "=", "cash")], "p2"),
            (
                {"type": {"neq": "bank"}},
                negated("payment_channel", ("payment_channel", "=", "bank")),
                "p2 p3 p4",
            ),
            ({"amount": {"gt": 10}}, [("amount", ">", Decimal(10))], "p2 p3"),
            ({"amount": {"gte": "10"}}, [("amount", ">=", Decimal(10))], "p1 p2 p3"),
            ({"amount": {"lt": 10}}, [("amount", "<", Decimal(10))], "p4"),
            (
                {"amount": {"lte": "25.5"}},
                [("amount", "<=", Decimal("25.5"))],
                "p1 p2 p4",
            ),
            (
                {"amount": {"between": [10, 25.5]}},
                ["&", ("amount", ">=", Decimal(10)), ("amount", "<=", Decimal("25.5"))],
                "p1 p2",
            ),
            (
                {"type": {"inq": ["bank", "card"]}},
                [
                    "|",
                    ("payment_channel", "=", "bank"),
                    ("payment_channel", "=", "card"),
                ],
                "p1 p3",
            ),
            (
                {"type": {"nin": ["bank", "card"]}},
                negated(
                    "payment_channel",
                    "|",
                    ("payment_channel", "=", "bank"),
                    ("payment_channel", "=", "card"),
                ),
                "p2 p4",
            ),
            ({"description": {"like": "^INV.*"}}, [("memo", "=like", "INV%")], "p1"),
            (
                {"description": {"like": "^INV.*", "options": "i"}},
                [("memo", "=ilike", "INV%")],
                "p1 p4",
            ),
            (
                {"description": {"ilike": "inv-2026"}},
                [("memo", "=ilike", "%inv-2026%")],
                "p1 p4",
            ),
            (
                {"description": {"nlike": "wire"}},
                negated("memo", ("memo", "=like", "%wire%")),
                "p2 p3 p4",
            ),
            (
                {"description": {"nilike": "^inv"}},
                negated("memo", ("memo", "=ilike", "inv%")),
                "p2 p3",
            ),
            (
                {"description": {"regexp": "/^inv/i"}},
                [("memo", "=ilike", "inv%")],
                "p1 p4",
            ),
            ({"description": {"regexp": "desk$"}}, [("memo", "=like", "%desk")], "p2"),
            ({"description": {"like": "0.1"}}, [("memo", "=like", "%0_1%")], "p1"),
            ({"description": None}, [("memo", "=", False)], "p3"),
            ({"date": "2026-01-15"}, [("date", "=", D(2026, 1, 15))], "p2"),
            ({"date": "2026-01-15T10:00:00Z"}, [("id", "=", 0)], ""),
            (
                {"date": {"gt": "2026-01-15T00:00:00.000Z"}},
                [("date", ">", D(2026, 1, 15))],
                "p3 p4",
            ),
            (
                {"date": {"gte": "2026-01-15T10:00:00Z"}},
                [("date", ">", D(2026, 1, 15))],
                "p3 p4",
            ),
            (
                {"date": {"gte": "2026-01-15"}},
                [("date", ">=", D(2026, 1, 15))],
                "p2 p3 p4",
            ),
            (
                {"date": {"lt": "2026-02-01T00:00:00Z"}},
                [("date", "<", D(2026, 2, 1))],
                "p1 p2",
            ),
            (
                {"date": {"lt": "2026-02-01T01:00:00+02:00"}},
                [("date", "<=", D(2026, 1, 31))],  # 23:00 UTC on the 31st
                "p1 p2",
            ),
            (
                {"date": {"lte": "2026-02-01T12:00:00Z"}},
                [("date", "<=", D(2026, 2, 1))],
                "p1 p2 p3",
            ),
            (
                {"date": {"like": "2026-02.*"}},
                [("date", "=like", "%2026-02%")],
                "p3 p4",
            ),
            ({"documentId": other}, [in_other], "p3"),
            ({"documentId": {"neq": other}}, ["!", in_other], "p1 p2 p4"),
            (
                {"organizationId": self.company.uuid},
                [("company_id.uuid", "=", self.company.uuid)],
                "p1 p2 p3 p4",
            ),
            (
                {"id": {"inq": [p1.uuid, str(uuid.UUID(p3.uuid))]}},
                ["|", ("uuid", "=", p1.uuid), ("uuid", "=", p3.uuid)],
                "p1 p3",
            ),
            (
                {"and": [{"type": "bank"}, {"amount": {"gt": 5}}]},
                ["&", ("payment_channel", "=", "bank"), ("amount", ">", Decimal(5))],
                "p1",
            ),
            (
                {"or": [{"type": "bank"}, {"type": "cash"}]},
                [
                    "|",
                    ("payment_channel", "=", "bank"),
                    ("payment_channel", "=", "cash"),
                ],
                "p1 p2",
            ),
            (
                {
                    "or": [
                        {"and": [{"type": "card"}, {"amount": {"gte": 100}}]},
                        {"description": {"like": "desk"}},
                    ]
                },
                [
                    "|",
                    "&",
                    ("payment_channel", "=", "card"),
                    ("amount", ">=", Decimal(100)),
                    ("memo", "=like", "%desk%"),
                ],
                "p2 p3",
            ),
            (
                {"type": "bank", "amount": {"gt": 1, "lt": 100}},
                [
                    "&",
                    ("payment_channel", "=", "bank"),
                    "&",
                    ("amount", ">", Decimal(1)),
                    ("amount", "<", Decimal(100)),
                ],
                "p1",
            ),
            (
                {"createdAt": timestamp(p1.create_date)},
                [
                    "&",
                    ("create_date", ">=", created),
                    ("create_date", "<", created + datetime.timedelta(milliseconds=1)),
                ],
                None,  # payments created in the same millisecond also match
            ),
            (
                {"updatedAt": {"lt": "2000-01-01"}},
                [("write_date", "<", datetime.datetime(2000, 1, 1))],
                "",
            ),
            ({}, [], "p1 p2 p3 p4"),
        ]

    def select(self, domain):
        ids = [payment.id for payment in self.rows.values()]
        found = self.env["account.payment"].search(
            expression.AND([si_payments.base_domain(), [("id", "in", ids)], domain])
        )
        return " ".join(name for name, payment in self.rows.items() if payment in found)

    def test_where_table(self):
        schema = si_payments.SCHEMA
        for where, domain, rows in self.cases():
            with self.subTest(where=where):
                compiled = schema.compile_filter(
                    decode_param(
                        MultiDict({"filter": json.dumps({"where": where})}), "filter"
                    )
                ).domain
                self.assertEqual(compiled, domain)
                if rows is not None:
                    self.assertEqual(self.select(compiled), rows)
                else:
                    self.assertIn("p1", self.select(compiled))
                if None not in where.values():  # brackets cannot send null
                    params = MultiDict(list(brackets({"where": where})))
                    from_brackets = schema.compile_filter(
                        decode_param(params, "filter")
                    )
                    self.assertEqual(from_brackets.domain, domain)


@tagged("post_install", "-at_install")
class TestFilterCompiler(BaseCase):
    """The compiler alone: pure functions, no database or server needed."""

    def test_bracket_decoding_follows_qs(self):
        params = MultiDict(
            [
                ("filter[where][type][inq]", "bank"),
                ("filter[where][type][inq]", "cash"),
                ("filter[order][]", "date DESC"),
                ("filter[order][]", "amount ASC"),
                ("filter[fields][id]", "true"),
                ("filter[limit]", "5"),
                ("filter[where][or][21][type]", "x"),
            ]
        )
        self.assertEqual(
            decode_param(params, "filter"),
            {
                "where": {
                    "type": {"inq": ["bank", "cash"]},
                    "or": {"21": {"type": "x"}},
                },
                "order": ["date DESC", "amount ASC"],
                "fields": {"id": "true"},
                "limit": "5",
            },
        )
        # An index above 20 keeps qs's object, which `or` refuses.
        with self.assertRaises(FilterError):
            si_payments.SCHEMA.compile_filter(decode_param(params, "filter"))

    def test_order_limit_and_projection(self):
        schema = si_payments.SCHEMA
        query = schema.compile_filter(
            {
                "order": "date DESC, amount",
                "limit": 500,
                "skip": "3",
                "fields": ["amount", "id"],
            }
        )
        self.assertEqual(query.order, "date desc, amount asc, id asc")
        self.assertEqual((query.limit, query.offset), (100, 3))
        self.assertEqual(query.fields, ("id", "amount"))  # in the object's key order
        self.assertEqual(
            schema.compile_filter({"order": {"id": "DESC"}}).order, "id desc, id asc"
        )
        self.assertEqual(schema.compile_filter({"offset": 2}).offset, 2)
        self.assertEqual(schema.compile_filter(None).order, "id asc")
        query = schema.compile_filter(
            {"fields": {"description": False}, "include": ["document"]}
        )
        self.assertEqual(
            (query.fields, query.excluded, query.include),
            (None, ("description",), ("document",)),
        )

    def test_regex_subset(self):
        for pattern, like in (
            ("^2018", "2018%"),
            ("2018.*", "%2018%"),
            ("^a.+b$", "a_%b"),
            ("50%_off", "%50\\%\\_off%"),
            ("\\.\\*", "%.*%"),
            ("^$", ""),
        ):
            with self.subTest(pattern=pattern):
                self.assertEqual(regex_to_like(pattern), like)
        for pattern in (
            "[0-9]+",
            "a|b",
            "(x)",
            "a?",
            "\\d",
            "x{2}",
            "a*",
            "trailing\\",
        ):
            with self.subTest(pattern=pattern), self.assertRaises(FilterError):
                regex_to_like(pattern)

    def test_refused_filters(self):
        schema = si_payments.SCHEMA
        for value in (
            {"where": {"amount": {"near": "1,2"}}},
            {"where": {"amount": {"maxDistance": 5}}},
            {"where": {"partner_id": 1}},
            {"where": {"amount": {"like": "1"}}},
            {"where": {"createdAt": {"regexp": "^2026"}}},
            {"where": {"amount": {"gt": None}}},
            {"where": {"amount": {"gt": [1]}}},
            {"where": {"type": {"gt": {"x": 1}}}},
            {"where": {"date": {"gt": 20260101}}},
            {"where": {"date": "9999-12-31T23:59:59.999Z"}},
            {"where": {"amount": "1e400"}},
            {"where": {"type": {"like": "x", "options": "g"}}},
            {"where": {"and": {"0": {}}}},
            {
                "where": {
                    "or": [
                        {
                            "or": [
                                {
                                    "or": [
                                        {
                                            "or": [
                                                {
                                                    "or": [
                                                        {"or": [{"or": [{"or": [{}]}]}]}
                                                    ]
                                                }
                                            ]
                                        }
                                    ]
                                }
                            ]
                        }
                    ]
                }
            },
            {"where": {"or": [{"type": "bank"}] * 101}},
            {"limit": True},
            {"skip": -1},
            {"order": 5},
            {"order": ["date ASC", 3]},
            {"include": {"relation": "document", "scope": {"fields": ["id"]}}},
            {"include": 7},
            {"fields": 7},
            {"where": []},
        ):
            with self.subTest(value=value), self.assertRaises(FilterError):
                schema.compile_filter(value)
        # `deleted` is no property: counts, which take `where`, cannot use it.
        with self.assertRaises(FilterError):
            schema.compile_where({"deleted": True})
