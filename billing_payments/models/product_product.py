# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ProductProduct(models.Model):
    """Offerings are products: the APIs name them by this uuid."""

    _name = "product.product"
    _inherit = ["product.product", "billing.uuid.mixin"]

    def _billing_service_provider(self, company):
        """Who provides this offering: its service provider, else ``company``
        (the invoicing company sells products without one, and lines without
        a product, as its own). At most one product."""
        return self.service_provider_id or company.partner_id
