# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "billing.uuid.mixin"]

    billing_payment_profile_ids = fields.One2many(
        "billing.payment.profile",
        "partner_id",
        string="Payment Profiles",
    )
