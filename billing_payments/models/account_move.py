from urllib.parse import urlsplit

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# Odoo payment states that mean "nothing left to collect".
PAID_PAYMENT_STATES = ("paid", "in_payment", "invoicing_legacy")

BILLING_STATES = [
    ("pending", "Pending"),
    ("created", "Created"),
    ("paid", "Paid"),
    ("canceled", "Canceled"),
]


def is_http_url(value):
    """True for an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "billing.uuid.mixin"]

    backend_id = fields.Char(
        string="Backend ID",
        size=255,
        copy=False,
        tracking=True,
        help="Identifier of this invoice in an external billing backend.",
    )
    payment_url = fields.Char(
        string="Payment URL",
        size=200,
        copy=False,
        tracking=True,
        help="Where the customer pays this invoice online (http or https).",
    )
    reference_number = fields.Char(
        size=300,
        copy=False,
        tracking=True,
        help="Reference the customer quotes when paying (e.g. a bank reference).",
    )
    billing_state = fields.Selection(
        BILLING_STATES,
        compute="_compute_billing_state",
        store=True,
        index=True,
        readonly=True,
        help="State of the invoice as the billing APIs show it: pending (draft), "
        "created (posted, not fully paid), paid (posted and paid) or canceled.",
    )
    billing_year = fields.Integer(
        compute="_compute_billing_period",
        store=True,
        index=True,
        help="Year of the billing period: from the invoice date, "
        "else from the creation date.",
    )
    billing_month = fields.Integer(
        compute="_compute_billing_period",
        store=True,
        index=True,
        help="Month (1-12) of the billing period.",
    )

    @api.depends("move_type", "state", "payment_state")
    def _compute_billing_state(self):
        for move in self:
            if not move.is_sale_document(include_receipts=True):
                move.billing_state = False  # only what we bill has a billing state
            elif move.state == "draft":
                move.billing_state = "pending"
            elif move.state == "cancel" or move.payment_state == "reversed":
                # A fully reversed invoice is cancelled by its credit note.
                move.billing_state = "canceled"
            elif move.payment_state in PAID_PAYMENT_STATES:
                move.billing_state = "paid"
            else:
                move.billing_state = "created"

    @api.depends("invoice_date", "create_date")
    def _compute_billing_period(self):
        today = fields.Date.context_today(self)
        for move in self:
            period = (
                move.invoice_date
                or (move.create_date and move.create_date.date())
                or today
            )
            move.billing_year = period.year
            move.billing_month = period.month

    @api.constrains("payment_url")
    def _check_payment_url(self):
        for move in self:
            if move.payment_url and not is_http_url(move.payment_url):
                raise ValidationError(
                    _(
                        "The payment URL %(url)s is not valid: "
                        "enter an absolute http:// or https:// address.",
                        url=move.payment_url,
                    )
                )
