# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoice growth: invoice totals per billing period and customer.

A read-only SQL view over the customer invoices, with the scope of
``account.move._billing_growth`` (and so of ``/api/invoices/growth/``):
pending, created and paid invoices (cancelled ones left out), in company
currency, the tax-included total and the untaxed amount side by side. The
web client groups it by month of ``billing_period_start`` × customer.
"""

from odoo import fields, models, tools
from odoo.tools import SQL

from .account_move import BILLED_STATES


class BillingInvoiceGrowthReport(models.Model):
    _name = "billing.invoice.growth.report"
    _description = "Invoice Growth"
    _auto = False
    _rec_name = "billing_period_start"
    _order = "billing_period_start desc, commercial_partner_id"

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    billing_period_start = fields.Date(string="Billing Period", readonly=True)
    commercial_partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(
        "res.currency", string="Company Currency", readonly=True
    )
    billing_state = fields.Selection(
        [("pending", "Pending"), ("created", "Created"), ("paid", "Paid")],
        readonly=True,
    )
    amount_total_signed = fields.Monetary(
        string="Total", currency_field="currency_id", readonly=True
    )
    amount_untaxed_signed = fields.Monetary(
        string="Untaxed Amount", currency_field="currency_id", readonly=True
    )

    _depends = {
        "account.move": [
            "move_type",
            "billing_state",
            "billing_period_start",
            "commercial_partner_id",
            "company_id",
            "amount_total_signed",
            "amount_untaxed_signed",
        ],
        "res.company": ["currency_id"],
    }

    def _query(self):
        return SQL(
            """
            SELECT move.id AS id,
                   move.id AS move_id,
                   move.billing_period_start AS billing_period_start,
                   move.commercial_partner_id AS commercial_partner_id,
                   move.company_id AS company_id,
                   company.currency_id AS currency_id,
                   move.billing_state AS billing_state,
                   move.amount_total_signed AS amount_total_signed,
                   move.amount_untaxed_signed AS amount_untaxed_signed
              FROM account_move move
              JOIN res_company company ON company.id = move.company_id
             WHERE move.move_type = 'out_invoice'
               AND move.billing_state IN %s
            """,
            BILLED_STATES,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
