"""Routes of the Space Invoices payments API: parse, call one model method, render."""

from odoo import http
from odoo.http import request

from ..dialects import common, spaceinvoices
from ..dialects.spaceinvoices import payments


class SpaceInvoicesPaymentController(http.Controller):
    @spaceinvoices.route("/v1/documents/<string:document_id>/payments")
    def document_payments(self, document_id, **_params):
        if common.method("GET", "POST") == "POST":
            common.check_billing_rights()  # LoopBack's 401 when missing
            document = payments.find_document(document_id)
            payment = request.env["account.payment"]._billing_pay_invoice(
                document, **payments.parse_create(document)
            )
            return common.json_response(payments.render_payment(payment))
        payments.check_read_rights()
        document = payments.find_document(document_id)
        return payments.list_response([("invoice_ids", "in", document.ids)])

    @spaceinvoices.route("/v1/documents/<string:document_id>/payments/count")
    def document_payment_count(self, document_id, **_params):
        common.method("GET")
        payments.check_read_rights()
        document = payments.find_document(document_id)
        return payments.count_response([("invoice_ids", "in", document.ids)])

    @spaceinvoices.route("/v1/organizations/<string:organization_id>/payments")
    def organization_payments(self, organization_id, **_params):
        common.method("GET")
        payments.check_read_rights()
        company = payments.find_organization(organization_id)
        return payments.list_response([("company_id", "=", company.id)])

    @spaceinvoices.route("/v1/organizations/<string:organization_id>/payments/count")
    def organization_payment_count(self, organization_id, **_params):
        common.method("GET")
        payments.check_read_rights()
        company = payments.find_organization(organization_id)
        return payments.count_response([("company_id", "=", company.id)])

    @spaceinvoices.route("/v1/payments/<string:payment_id>")
    def payment(self, payment_id, **_params):
        verb = common.method("GET", "PUT", "PATCH", "DELETE")
        if verb == "GET":
            payments.check_read_rights()
            query = payments.read_filter()
            payment = payments.find_payment(payment_id, deleted=query.deleted)
            return common.json_response(payments.render_payment(payment, query))
        common.check_billing_rights()
        if verb == "DELETE":
            # Soft delete; an unknown or already deleted payment counts 0.
            payment = payments.search_payment(payment_id)
            payment._billing_cancel()
            return common.json_response({"count": len(payment)})
        payment = payments.find_payment(payment_id)
        document = payment._billing_linked_invoices()[:1]
        values = payments.parse_payment(
            document,
            required=("type", "date", "amount") if verb == "PUT" else (),
            replace=verb == "PUT",
        )
        payment._billing_update(**values)
        return common.json_response(payments.render_payment(payment))

    @spaceinvoices.route(["/v1", "/v1/<path:_path>"], auth="none")
    def unknown_route(self, **_params):
        raise spaceinvoices.route_not_found()
