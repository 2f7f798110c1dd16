# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoice growth export: ``/api/invoices/growth/`` as an XLSX workbook."""

import base64

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..export.growth_xlsx import write_growth_xlsx
from ..utils import GROWTH_MAX_CUSTOMERS


class BillingGrowthExportWizard(models.TransientModel):
    _name = "billing.growth.export.wizard"
    _description = "Invoice Growth Export"

    customers_count = fields.Integer(
        string="Top Customers",
        default=4,
        required=True,
        help="Customers with the largest invoiced total since a year ago that "
        "get their own column (1 to 20); the others are summed in Others.",
    )
    amount_type = fields.Selection(
        [("total", "Total (tax included)"), ("untaxed", "Untaxed Amount")],
        string="Amounts",
        default="total",
        required=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    state = fields.Selection(
        [("choose", "Choose"), ("done", "Done")], default="choose", required=True
    )
    file_data = fields.Binary(string="File", readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)

    @api.constrains("customers_count")
    def _check_customers_count(self):
        for wizard in self:
            if not 1 <= wizard.customers_count <= GROWTH_MAX_CUSTOMERS:
                raise ValidationError(
                    self.env._(
                        "The number of top customers must be between 1 and %(max)s.",
                        max=GROWTH_MAX_CUSTOMERS,
                    )
                )

    def _growth(self):
        """``account.move._billing_growth`` for the wizard's parameters."""
        self.ensure_one()
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(self.env._("You may not export this company's data."))
        return (
            self.env["account.move"]
            .with_company(self.company_id)
            ._billing_growth(self.customers_count, self.amount_type == "untaxed")
        )

    def _growth_table(self, growth):
        """The growth dict as plain values: what the XLSX writer takes."""
        return {
            "periods": [f"{day.year}-{day.month}" for day in growth["periods"]],
            "customers": [
                (partner.name or "", list(values))
                for partner, values in growth["customers"]
            ],
            "other": list(growth["other"]),
            "total": list(growth["total"]),
        }

    def action_export(self):
        self.ensure_one()
        currency = self.company_id.currency_id
        title = self.env._("Invoice Growth")
        content = write_growth_xlsx(
            **self._growth_table(self._growth()),
            title=title,
            currency_name=currency.name,
            decimal_places=currency.decimal_places,
            labels={
                "Period": self.env._("Period"),
                "Others": self.env._("Others"),
                "Total": self.env._("Total"),
            },
        )
        suffix = "untaxed" if self.amount_type == "untaxed" else "total"
        self.write(
            {
                "state": "done",
                "file_data": base64.b64encode(content),
                "file_name": f"invoice-growth-{fields.Date.context_today(self)}"
                f"-{suffix}.xlsx",
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }
