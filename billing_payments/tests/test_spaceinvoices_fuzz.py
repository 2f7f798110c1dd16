# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Random LoopBack filters against the live API (hypothesis).

Whatever the filter, the answer is never a 5xx, and never shows a payment,
document or organization the user may not see.
"""

import datetime
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import tagged

from ..dialects.spaceinvoices.filters import FILTER_KEYS, OPERATORS
from ..dialects.spaceinvoices.payments import SCHEMA
from .common import SpaceInvoicesCommon, pay_invoice
from .test_spaceinvoices_filters import brackets

PROPERTIES = list(SCHEMA.properties)  # every filterable property
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        [
            "bank",
            "cash",
            "2026-01-15",
            "2026-02-01T00:00:00.000Z",
            "9999-12-31",
            "^INV.*",
            "/x/i",
            "[a-",
            "%",
            "\\",
            "1e999",
            "NaN",
            "' OR 1=1 --",
        ]
    ),
)
operands = st.one_of(scalars, st.lists(scalars, max_size=3))
conditions = st.one_of(
    scalars,
    st.dictionaries(
        st.one_of(
            st.sampled_from(sorted(OPERATORS | {"near", "options", "exists"})),
            st.text(max_size=5),
        ),
        operands,
        max_size=3,
    ),
)
wheres = st.recursive(
    st.dictionaries(
        st.one_of(st.sampled_from(PROPERTIES), st.text(max_size=6)),
        conditions,
        max_size=3,
    ),
    lambda inner: st.one_of(
        st.fixed_dictionaries({"and": st.lists(inner, max_size=3)}),
        st.fixed_dictionaries({"or": st.lists(inner, max_size=3)}),
        st.dictionaries(st.sampled_from(["and", "or"]), inner, max_size=1),
    ),
    max_leaves=8,
)
filters = st.dictionaries(
    st.one_of(st.sampled_from(sorted(FILTER_KEYS)), st.text(max_size=5)),
    st.one_of(
        wheres,
        scalars,
        st.lists(
            st.sampled_from(PROPERTIES + ["document", "organization", "x"]), max_size=3
        ),
        st.dictionaries(
            st.sampled_from(PROPERTIES + ["x"]),
            st.sampled_from(["ASC", "DESC", "true", "false", True, 1, "?"]),
            max_size=2,
        ),
    ),
    max_size=4,
)


@tagged("post_install", "-at_install")
class TestSpaceInvoicesFuzz(SpaceInvoicesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        pay = pay_invoice
        today = datetime.date(2026, 1, 15)
        cls.visible = pay(cls.invoice, "bank", today, 10.0, "INV-1")
        cls.visible |= pay(cls.invoice, "cash", today, 20.0)
        deleted = pay(cls.invoice, "card", today, 5.0, "gone")
        deleted._billing_cancel()
        cls.visible |= deleted
        hidden_invoice = cls.create_invoice(
            journal_id=cls.other_company_data["default_journal_sale"].id
        )
        cls.hidden = pay(hidden_invoice, "bank", today, 30.0, "INV-1 other company")
        cls.hidden |= pay(hidden_invoice, "cash", today, 40.0)
        cls.visible_ids = set(cls.visible.mapped("uuid"))
        cls.hidden_ids = set(cls.hidden.mapped("uuid"))

    def check(self, response):
        self.assertLess(response.status_code, 500, response.text)
        body = response.json()
        if response.status_code != 200:
            self.assertIn(response.status_code, (400, 401, 404), body)
            self.assertEqual(body["error"]["statusCode"], response.status_code)
            return
        if isinstance(body, dict):  # a count
            self.assertLessEqual(body["count"], len(self.visible_ids))
            return
        self.assertLessEqual(
            int(response.headers["x-total-count"]), len(self.visible_ids)
        )
        for item in body:
            self.assertNotIn(item.get("id"), self.hidden_ids)
            if "id" in item:
                self.assertIn(item["id"], self.visible_ids)
            if "organizationId" in item:
                self.assertEqual(item["organizationId"], self.company.uuid)
            if item.get("document"):
                self.assertEqual(item["document"]["id"], self.invoice.uuid)
            if item.get("organization"):
                self.assertEqual(item["organization"]["id"], self.company.uuid)

    @settings(
        max_examples=120,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        filter_=filters,
        as_json=st.booleans(),
        endpoint=st.sampled_from(["org", "doc", "count"]),
    )
    def test_random_filters(self, filter_, as_json, endpoint):
        path = {
            "org": f"/organizations/{self.company.uuid}/payments",
            "doc": self.document_path(),
            "count": f"/organizations/{self.company.uuid}/payments/count",
        }[endpoint]
        name = "where" if endpoint == "count" else "filter"
        value = filter_.get("where", {}) if endpoint == "count" else filter_
        if as_json:
            params = {name: json.dumps(value)}
        else:
            params = [(key, v) for key, v in brackets(value, name) if v != "None"]
        self.check(self.si("GET", path, params=params))
