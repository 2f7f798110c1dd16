# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class BillingSendNotificationWizard(models.TransientModel):
    """Confirm sending the invoice e-mail (invoice form): who gets it, and
    whether the invoice was sent already.

    Confirming calls the same model method as the APIs' ``send_notification``:
    ``account.move._billing_queue_notification``.
    """

    _name = "billing.send.notification.wizard"
    _description = "Send an Invoice Notification"

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    partner_id = fields.Many2one(related="move_id.partner_id", string="Customer")
    recipient_ids = fields.Many2many(
        "res.partner",
        compute="_compute_recipient_ids",
        string="Recipients",
        help="Who the invoice e-mail goes to: the recipients of the invoice's "
        "e-mail template that have an e-mail address.",
    )
    is_move_sent = fields.Boolean(related="move_id.is_move_sent", string="Sent")
    is_queued = fields.Boolean(
        compute="_compute_is_queued",
        string="Queued",
        help="The invoice already waits in Odoo's sending queue.",
    )

    @api.depends("move_id")
    def _compute_recipient_ids(self):
        for wizard in self:
            wizard.recipient_ids = (
                wizard.move_id and wizard.move_id._billing_notification_recipients()
            )

    @api.depends("move_id")
    def _compute_is_queued(self):
        for wizard in self:
            wizard.is_queued = bool(wizard.move_id.sending_data)

    def action_send(self):
        """Queue the invoice e-mail and say so."""
        self.ensure_one()
        self.move_id._billing_queue_notification()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "The invoice e-mail is queued and will be sent shortly."
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
