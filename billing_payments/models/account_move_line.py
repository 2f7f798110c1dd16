# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.osv import expression

BILLING_UNITS = [
    ("month", "Per month"),
    ("quarter", "Per quarter"),
    ("half_month", "Per half month"),
    ("day", "Per day"),
    ("hour", "Per hour"),
    ("quantity", "Quantity"),
]


class AccountMoveLine(models.Model):
    """Invoice lines carry what a Waldur invoice item says about its usage.

    The mapping onto the API's item fields is documented in the README.
    """

    _name = "account.move.line"
    _inherit = ["account.move.line", "billing.uuid.mixin"]

    billing_unit = fields.Selection(
        BILLING_UNITS,
        help="How the usage of this line is billed.",
    )
    billing_start = fields.Datetime(
        string="Usage Start", help="Start of the billed usage (UTC)."
    )
    billing_end = fields.Datetime(
        string="Usage End", help="End of the billed usage (UTC)."
    )
    billing_measured_unit = fields.Char(
        string="Measured Unit", help="Unit of the measured usage, e.g. 'GB' or 'hours'."
    )
    billing_details = fields.Json(
        string="Usage Details",
        help="Resource, plan and component data of the billed usage.",
    )
    billing_resource_name = fields.Char(string="Resource Name", index="trigram")
    billing_resource_uuid = fields.Char(string="Resource UUID", size=32, index=True)
    billing_project_name = fields.Char(string="Project Name")
    billing_project_uuid = fields.Char(string="Project UUID", size=32, index=True)

    @api.model
    def _billing_provider_domain(self, provider):
        """Product lines whose service provider is ``provider`` (a partner).

        Products without a service provider are the invoicing company's own
        (``product.product._billing_service_provider``). An empty ``provider``
        (an unknown uuid) matches nothing.
        """
        if not provider:
            return expression.FALSE_DOMAIN
        return expression.OR(
            [
                [("product_id.service_provider_id", "=", provider.id)],
                [
                    ("product_id", "!=", False),
                    ("product_id.service_provider_id", "=", False),
                    ("company_id.partner_id", "=", provider.id),
                ],
            ]
        )
