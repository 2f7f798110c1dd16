# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    service_provider_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        help="The partner who provides this offering; "
        "the billing APIs report usage per service provider.",
    )
