from odoo import models


class ProductProduct(models.Model):
    """Offerings are products: the APIs name them by this uuid."""

    _name = "product.product"
    _inherit = ["product.product", "billing.uuid.mixin"]
