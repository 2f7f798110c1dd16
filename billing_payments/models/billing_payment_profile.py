# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from ..exceptions import BillingConflictError

PAYMENT_TYPES = [
    ("fixed_price", "Fixed-price contract"),
    ("invoices", "Monthly invoices"),
    ("payment_gw_monthly", "Payment gateways (monthly)"),
]


class BillingPaymentProfile(models.Model):
    """How a customer pays: contract type and the journal its payments go to.

    A customer has at most one active profile per company; payments made
    through the APIs use the journal of that active profile.
    """

    _name = "billing.payment.profile"
    _inherit = ["billing.uuid.mixin", "mail.thread"]
    _description = "Billing Payment Profile"
    _order = "partner_id, is_active desc, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, size=150, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    payment_type = fields.Selection(
        PAYMENT_TYPES, required=True, default="invoices", tracking=True
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Payment Journal",
        required=True,
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash'))]",
        default=lambda self: self._default_journal_id(),
        tracking=True,
        help="Bank or cash journal in which this customer's payments are recorded.",
    )
    attributes = fields.Json(
        help="Contract data, e.g. end_date, agreement_number, contract_sum.",
    )
    is_active = fields.Boolean(
        string="Active",
        default=True,
        tracking=True,
        help="Only one profile per customer and company is active; "
        "activating this one deactivates the others.",
    )
    # Not called ``active``: an inactive profile must stay visible to the APIs
    # (Waldur lists it with is_active null), so it is no archive flag.
    payment_count = fields.Integer(
        string="Payments",
        compute="_compute_payment_count",
        help="Payments made under this profile, cancelled ones included.",
    )

    def _default_journal_id(self):
        company = self.env.company
        return self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(company),
                ("type", "=", "bank"),
            ],
            limit=1,
        )

    def init(self):
        # The database guarantees the rule even when two requests race.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (partner_id, company_id)"
                " WHERE is_active",
                SQL.identifier("billing_payment_profile_one_active_idx"),
                SQL.identifier(self._table),
            )
        )

    def _compute_payment_count(self):
        # One query for every profile shown (a list page or a form).
        counts = dict(
            self.env["account.payment"]._read_group(
                [("payment_profile_id", "in", self._origin.ids)],
                ["payment_profile_id"],
                ["__count"],
            )
        )
        for profile in self:
            profile.payment_count = counts.get(profile._origin, 0)

    @api.constrains("journal_id")
    def _check_journal_type(self):
        for profile in self:
            if profile.journal_id.type not in ("bank", "cash"):
                raise ValidationError(
                    self.env._(
                        "The payment journal of a profile must be a bank "
                        "or cash journal."
                    )
                )

    @api.constrains("attributes")
    def _check_attributes(self):
        for profile in self:
            if profile.attributes and not isinstance(profile.attributes, dict):
                raise ValidationError(
                    self.env._("Profile attributes must be a JSON object.")
                )

    @api.constrains("partner_id", "company_id")
    def _check_payments_keep_customer(self):
        """A profile that payments refer to stays with their customer and
        company: moving it would show the payments under another customer
        while the books keep them under theirs. Every payment counts, also
        those the user's record rules hide."""
        profiles = self.filtered("id")
        if not profiles:
            return
        self.env["account.payment"].flush_model(
            ["payment_profile_id", "partner_id", "company_id"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        profiles.flush_recordset(["partner_id", "company_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT profile.id
                  FROM account_payment payment
                  JOIN billing_payment_profile profile
                    ON profile.id = payment.payment_profile_id
                  JOIN res_partner profile_partner
                    ON profile_partner.id = profile.partner_id
             LEFT JOIN res_partner payment_partner
                    ON payment_partner.id = payment.partner_id
                 WHERE profile.id = ANY(%s)
                   AND (payment_partner.commercial_partner_id
                            IS DISTINCT FROM profile_partner.commercial_partner_id
                        OR payment.company_id IS DISTINCT FROM profile.company_id)
                 LIMIT 1
                """,
                profiles.ids,
            )
        )
        if self.env.cr.rowcount:
            raise ValidationError(
                self.env._(
                    "A payment profile that payments refer to cannot be moved "
                    "to another customer or company."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        claimed = set()
        # Within one batch the last profile of a customer wins the active slot.
        for vals in reversed(vals_list):
            if not vals.get("is_active", True):
                continue
            slot = (
                vals.get("partner_id"),
                vals.get("company_id") or self.env.company.id,
            )
            if slot in claimed:
                vals["is_active"] = False
            claimed.add(slot)
        self._release_active_slots(claimed)
        return super().create(vals_list)

    def write(self, vals):
        # Profiles that hold an active slot after this write: all of them when
        # activated, the active ones when moved to another customer or company.
        if vals.get("is_active"):
            taking = self
        elif ("partner_id" in vals or "company_id" in vals) and vals.get(
            "is_active", True
        ):
            taking = self.filtered("is_active")
        else:
            taking = self.browse()
        slots = {
            (
                vals.get("partner_id", profile.partner_id.id),
                vals.get("company_id", profile.company_id.id),
            )
            for profile in taking
        }
        if len(slots) < len(taking):
            raise ValidationError(
                self.env._(
                    "Only one payment profile per customer and company can be active."
                )
            )
        self._release_active_slots(slots, keep=self)
        return super().write(vals)

    def _release_active_slots(self, slots, keep=None):
        """Deactivate the active profiles of these (partner id, company id) pairs.

        Done before the new active profile is written, so that the unique
        index on active profiles never sees two at once.
        """
        if not slots:
            return
        domain = expression.OR(
            [
                [("partner_id", "=", partner), ("company_id", "=", company)]
                for partner, company in slots
            ]
        )
        domain = expression.AND([domain, [("is_active", "=", True)]])
        if keep:
            domain = expression.AND([domain, [("id", "not in", keep.ids)]])
        released = self.search(domain)
        released.write({"is_active": False})
        released.flush_recordset(["is_active"])

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_payments(self):
        # Every payment counts, also those the user's record rules hide: the
        # database refuses the delete for them too (ondelete="restrict").
        self.env["account.payment"].flush_model(["payment_profile_id"])
        self.env.cr.execute(
            SQL(
                "SELECT 1 FROM account_payment WHERE payment_profile_id = ANY(%s)"
                " LIMIT 1",
                self.ids,
            )
        )
        if self.env.cr.rowcount:
            raise BillingConflictError(
                self.env._(
                    "A payment profile that payments refer to cannot be deleted; "
                    "deactivate it instead."
                )
            )

    def _billing_inactive_warning(self, refusal):
        """The onchange warning for choosing this profile while it is
        inactive (None when it is active or empty); ``refusal`` ends the
        message, e.g. "the payment cannot be saved with it"."""
        if not self or self.is_active:
            return None
        return {
            "warning": {
                "title": self.env._("Inactive payment profile"),
                "message": self.env._(
                    "%(profile)s is not the customer's active profile; %(refusal)s.",
                    profile=self.display_name,
                    refusal=refusal,
                ),
            }
        }

    def action_activate(self):
        """Make this the customer's active profile (Waldur's ``enable``)."""
        self.ensure_one()
        self.is_active = True
        return True

    def action_deactivate(self):
        self.write({"is_active": False})
        return True

    def action_view_payments(self):
        """Smart button: the payments made under this profile."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_account_payments"
        )
        context = {
            "default_payment_type": "inbound",
            "default_partner_type": "customer",
            "default_partner_id": self.partner_id.id,
            "default_move_journal_types": ("bank", "cash"),
        }
        if self.is_active:
            # New payments may only take an active profile.
            context.update(
                default_payment_profile_id=self.id,
                default_journal_id=self.journal_id.id,
            )
        action.update(
            name=self.env._("Payments of %(profile)s", profile=self.display_name),
            domain=[("payment_profile_id", "=", self.id)],
            context=context,
        )
        return action

    @api.model
    def _billing_active_profile(self, partner, company=None):
        """The active profile of a customer in a company (default: current)."""
        company = company or self.env.company
        return self.search(
            [
                ("partner_id", "=", partner.commercial_partner_id.id),
                ("company_id", "=", company.id),
                ("is_active", "=", True),
            ],
            limit=1,
        )
