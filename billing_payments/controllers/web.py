# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Downloads for the Odoo web client (session users, not API keys)."""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from ..export.invoice_stats_xlsx import xlsx_response


class BillingWebController(http.Controller):
    @http.route(
        "/billing_payments/invoices/<int:invoice_id>/stats.xlsx",
        type="http",
        auth="user",
        methods=["GET"],
        readonly=True,
    )
    def invoice_stats_xlsx(self, invoice_id, **_params):
        invoice = request.env["account.move"].search(
            [("id", "=", invoice_id), ("move_type", "=", "out_invoice")]
        )
        if not invoice:
            raise NotFound()
        return xlsx_response(*invoice._billing_stats_xlsx())
