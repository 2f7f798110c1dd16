# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AccountPaymentRegister(models.TransientModel):
    """Odoo's Pay wizard, with the proof of payment and the payment profile.

    Odoo keeps its own machinery (several invoices at once, grouping,
    write-offs); the billing rules are the same code the APIs use: the proof
    is checked by ``account.payment._billing_check_proof_content`` and the
    period by ``_billing_check_lock_date``, both before anything is written,
    and the profile defaults to the customer's active one.
    """

    _inherit = "account.payment.register"

    billing_proof = fields.Binary(
        string="Proof of Payment",
        help="Bank statement extract, receipt or other proof (PDF, PNG, JPEG, "
        "WebP); every payment created gets it.",
    )
    billing_proof_filename = fields.Char(string="Proof File Name")
    billing_payment_profile_id = fields.Many2one(
        "billing.payment.profile",
        string="Payment Profile",
        compute="_compute_billing_payment_profile_id",
        store=True,
        readonly=False,
        domain="[('partner_id', '=', partner_id), ('company_id', '=', company_id)]",
        help="The customer's billing arrangement; its journal is proposed.",
    )

    @api.depends("partner_id", "company_id", "payment_type")
    def _compute_billing_payment_profile_id(self):
        profiles = self.env["billing.payment.profile"]
        for wizard in self:
            customer = wizard.payment_type == "inbound" and wizard.partner_id
            wizard.billing_payment_profile_id = (
                customer
                and profiles._billing_active_profile(customer, wizard.company_id)
            )

    @api.onchange("billing_payment_profile_id")
    def _onchange_billing_payment_profile_id(self):
        profile = self.billing_payment_profile_id
        if not profile:
            return None
        if profile.journal_id in self.available_journal_ids:
            self.journal_id = profile.journal_id
        return profile._billing_inactive_warning(
            self.env._("the payment cannot be registered with it")
        )

    def _billing_proof(self):
        """The proof as (file name, bytes), checked; None without one."""
        if not self.billing_proof:
            return None
        content = base64.b64decode(self.billing_proof)
        self.env["account.payment"]._billing_check_proof_content(content)
        return self.billing_proof_filename or "proof", content

    def _create_payments(self):
        self.ensure_one()
        proof = self._billing_proof()
        profile = self.billing_payment_profile_id
        if profile and not profile.is_active:
            raise ValidationError(
                self.env._(
                    "%(profile)s is not the customer's active payment profile.",
                    profile=profile.display_name,
                )
            )
        self.env["account.payment"]._billing_check_lock_date(
            self.company_id, self.journal_id, self.payment_date
        )
        payments = super()._create_payments()
        active_profile = self.env["billing.payment.profile"]._billing_active_profile
        for payment in payments.filtered(lambda p: p.payment_type == "inbound"):
            customer = payment.partner_id.commercial_partner_id
            if profile.partner_id.commercial_partner_id == customer:
                payment.payment_profile_id = profile
            else:  # paying several customers at once: each one's own profile
                payment.payment_profile_id = active_profile(
                    customer, payment.company_id
                )
        for payment in payments:
            if proof:
                payment._billing_set_proof(proof)
        return payments
