# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Downloads for the Odoo web client (session users, not API keys).

The buttons open these URLs; past the synchronous row limit
(``billing.xlsx.export``) a URL answers as its button does: 202 and the
export queued when queue_job is installed, else 400 with the reason (Odoo's
answer to a UserError in an http route), nothing written.
"""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from ..export.invoice_stats_xlsx import xlsx_response


def _customer_invoices(ids):
    """The customer invoices of ``ids`` the user may read; 404 unless every
    one of them is (so a link never exports less than it says)."""
    invoices = request.env["account.move"].search(
        [("id", "in", ids), ("move_type", "=", "out_invoice")]
    )
    if not ids or len(invoices) != len(set(ids)):
        raise NotFound()
    return invoices


def _export_response(invoices, method):
    """The file, or the 202 "being prepared" text once queued."""
    result = request.env["billing.xlsx.export"]._billing_export_download(
        invoices, method
    )
    if "queued" in result:
        return request.make_response(
            result["queued"]["message"],
            headers=[("Content-Type", "text/plain; charset=utf-8")],
            status=202,
        )
    return xlsx_response(*result["file"])


def _query_ids(text):
    """``1,2,3`` → ``[1, 2, 3]``; anything else is a 404."""
    try:
        return [int(part) for part in (text or "").split(",") if part.strip()]
    except ValueError as error:
        raise NotFound() from error


class BillingWebController(http.Controller):
    @http.route(
        "/billing_payments/invoices/<int:invoice_id>/stats.xlsx",
        type="http",
        auth="user",
        methods=["GET"],
        readonly=True,
    )
    def invoice_stats_xlsx(self, invoice_id, **_params):
        invoice = _customer_invoices([invoice_id])
        return _export_response(invoice, "_billing_stats_xlsx")

    @http.route(
        "/billing_payments/invoices/stats.xlsx",
        type="http",
        auth="user",
        methods=["GET"],
        readonly=True,
    )
    def selection_stats_xlsx(self, ids=None, **_params):
        """The statistics of the invoices ``?ids=1,2,3`` in one workbook."""
        invoices = _customer_invoices(_query_ids(ids))
        return _export_response(invoices, "_billing_selection_stats_xlsx")
