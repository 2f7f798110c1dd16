# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class BillingPaymentLinkWizard(models.TransientModel):
    """Link a payment to one of its customer's open invoices (payment form).

    The same model method as the APIs' ``link_to_invoice``:
    ``account.payment._billing_link_invoice``.
    """

    _name = "billing.payment.link.wizard"
    _description = "Link a Payment to an Invoice"

    payment_id = fields.Many2one("account.payment", required=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner", compute="_compute_partner_id", string="Customer"
    )
    currency_id = fields.Many2one(related="invoice_id.currency_id")
    invoice_id = fields.Many2one(
        "account.move",
        required=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('commercial_partner_id', '=', partner_id),"
        " ('payment_state', 'in', ('not_paid', 'partial'))]",
        help="The customer's posted invoices with something left to pay.",
    )
    amount_residual = fields.Monetary(
        related="invoice_id.amount_residual", string="Amount Due"
    )

    @api.depends("payment_id")
    def _compute_partner_id(self):
        for wizard in self:
            wizard.partner_id = wizard.payment_id.partner_id.commercial_partner_id

    def action_link(self):
        self.ensure_one()
        self.payment_id._billing_link_invoice(self.invoice_id)
        return {"type": "ir.actions.act_window_close"}
