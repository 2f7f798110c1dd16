# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

# How the money came in. The codes are the payment types of the Space
# Invoices API; each company maps them to a journal and a payment method.
PAYMENT_CHANNELS = [
    ("bank", "Bank transfer"),
    ("online", "Online payment"),
    ("paypal", "PayPal"),
    ("cash", "Cash"),
    ("card", "Card"),
    ("crypto", "Cryptocurrency"),
    ("coupon", "Coupon"),
    ("other", "Other"),
]


class BillingPaymentChannel(models.Model):
    """Which journal and payment method record payments of one channel.

    A company needs no row at all: without one, cash payments go to its
    first cash journal and every other channel to its first bank journal.
    """

    _name = "billing.payment.channel"
    _description = "Billing Payment Channel"
    _order = "company_id, code"
    _rec_name = "code"
    _check_company_auto = True

    code = fields.Selection(PAYMENT_CHANNELS, string="Channel", required=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    journal_id = fields.Many2one(
        "account.journal",
        required=True,
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash'))]",
        ondelete="cascade",
    )
    payment_method_line_id = fields.Many2one(
        "account.payment.method.line",
        string="Payment Method",
        domain="[('journal_id', '=', journal_id), ('payment_type', '=', 'inbound')]",
        ondelete="set null",
        help="Incoming payment method of the journal; empty: the journal's first.",
    )

    _sql_constraints = [
        (
            "code_company_unique",
            "UNIQUE(code, company_id)",
            "A channel has one journal per company.",
        ),
    ]

    @api.onchange("journal_id")
    def _onchange_journal_id(self):
        if self.payment_method_line_id.journal_id != self.journal_id:
            self.payment_method_line_id = False

    @api.model
    def _billing_journal(self, company, code):
        """(journal, inbound payment method line) for ``code`` in ``company``."""
        channel = self.search(
            [("company_id", "=", company.id), ("code", "=", code)], limit=1
        )
        journal = channel.journal_id
        if not journal:
            journal = self.env["account.journal"].search(
                [
                    *self.env["account.journal"]._check_company_domain(company),
                    ("type", "=", "cash" if code == "cash" else "bank"),
                ],
                limit=1,
            )
        if not journal:
            raise UserError(
                self.env._(
                    "%(company)s has no journal for %(channel)s payments; "
                    "set one in Accounting › Configuration › Payment Channels.",
                    company=company.display_name,
                    channel=dict(PAYMENT_CHANNELS)[code],
                )
            )
        method_line = (
            channel.payment_method_line_id
            or (journal.inbound_payment_method_line_ids[:1])
        )
        return journal, method_line
