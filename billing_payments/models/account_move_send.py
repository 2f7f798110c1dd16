# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, models

# Odoo's payment states in which the customer still has something to pay.
OPEN_PAYMENT_STATES = ("not_paid", "partial")


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

    @api.model
    def _get_default_mail_body(self, move, mail_template, mail_lang):
        """The invoice e-mail, with a *Pay online* link to ``payment_url``.

        Appended to whatever template is used (Odoo's or a customised one), in
        the e-mail's language, while the invoice is still to be paid. Every
        way of sending goes through here: the Send wizard, Odoo's sending
        cron and the billing APIs' notification.
        """
        body = super()._get_default_mail_body(move, mail_template, mail_lang)
        if not move.payment_url or move.payment_state not in OPEN_PAYMENT_STATES:
            return body
        label = self.with_context(lang=mail_lang).env._("Pay online")
        link = Markup(
            '<p style="margin: 16px 0px; font-size: 13px;">'
            '<a href="%s" class="billing_pay_online" target="_blank" '
            'rel="noopener noreferrer" style="display: inline-block; '
            "padding: 8px 16px; border-radius: 3px; background: #875A7B; "
            'color: #FFFFFF; text-decoration: none;">%s</a></p>'
        ) % (move.payment_url, label)
        return Markup(body or "") + link
