# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _get_default_sending_settings(self, move, from_cron=False, **custom_settings):
        # Odoo's sending cron uses the customer's default sending method, which
        # may be "manual" (no e-mail at all). An invoice queued by
        # ``_billing_queue_notification`` says which methods it was queued for.
        queued = from_cron and (move.sending_data or {}).get("billing_sending_methods")
        if queued and "sending_methods" not in custom_settings:
            custom_settings["sending_methods"] = set(queued)
        return super()._get_default_sending_settings(
            move, from_cron=from_cron, **custom_settings
        )
