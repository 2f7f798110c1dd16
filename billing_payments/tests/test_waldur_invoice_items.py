# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""GET /api/invoices/<uuid>/items/: order, filters and ordering of the lines."""

import uuid

from odoo.tests import tagged

from .common import WaldurInvoiceLinesCommon


@tagged("post_install", "-at_install")
class TestWaldurInvoiceItems(WaldurInvoiceLinesCommon):
    def items(self, **params):
        response = self.api("GET", self.detail(self.invoice, "items/"), params=params)
        return [item["uuid"] for item in self.assert_json(response, 200)]

    def test_items_default_order_and_zero_lines(self):
        # By stored project name (none first), then name; the zero line is hidden.
        self.assertEqual(
            self.items(),
            [self.credit.uuid, self.obj.uuid, self.bak.uuid, self.vm.uuid],
        )

    def test_items_filters(self):
        self.assertEqual(self.items(query="FRONT"), [self.vm.uuid])
        self.assertEqual(
            self.items(project_uuid=str(uuid.UUID(self.bak.billing_project_uuid))),
            [self.bak.uuid],
        )
        self.assertEqual(self.items(offering_uuid=self.backup.uuid), [self.bak.uuid])
        self.assertEqual(
            self.items(provider_uuid=self.company.partner_id.uuid), [self.obj.uuid]
        )
        self.assertEqual(
            self.items(provider_uuid=str(uuid.UUID(self.provider.uuid))),
            [self.credit.uuid, self.vm.uuid],
        )
        self.assertEqual(
            self.items(conceal_compensation_items="true"),
            [self.obj.uuid, self.bak.uuid, self.vm.uuid],
        )
        self.assertEqual(len(self.items(conceal_compensation_items="1")), 4)
        response = self.api(
            "GET", self.detail(self.invoice, "items/"), params={"offering_uuid": "no"}
        )
        self.assert_json(response, 400, {"offering_uuid": ["Enter a valid UUID."]})

    def test_items_ordering(self):
        by_name = sorted(
            [self.vm, self.obj, self.credit, self.bak], key=lambda line: line.name
        )
        self.assertEqual(self.items(o="name"), [line.uuid for line in by_name])
        self.assertEqual(
            self.items(o="-name"), [line.uuid for line in reversed(by_name)]
        )
        # Lines without a resource come first ascending, last descending.
        self.assertEqual(
            self.items(o="resource_name")[2:], [self.bak.uuid, self.vm.uuid]
        )
        self.assertEqual(
            self.items(o="-resource_name")[:2], [self.vm.uuid, self.bak.uuid]
        )
        self.assertEqual(
            self.items(o="-project_name")[:2], [self.vm.uuid, self.bak.uuid]
        )
        by_provider = self.items(o="provider_name")
        self.assertEqual(by_provider.index(self.bak.uuid), 0)
        self.assert_json(
            self.api("GET", self.detail(self.invoice, "items/"), params={"o": "price"}),
            400,
            {
                "o": [
                    "Select a valid choice. price is not one of the available choices."
                ]
            },
        )
