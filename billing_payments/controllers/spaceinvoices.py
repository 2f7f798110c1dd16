# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Routes of the Space Invoices payments API: resolve, call one model method,
render (see ``dialects.spaceinvoices.payments`` for the protocol)."""

from odoo import http
from odoo.http import request

from ..dialects import common, spaceinvoices
from ..dialects.spaceinvoices import openapi, payments

# The readable page of the document, served from the addon's static files.
DOCS_PAGE = "/billing_payments/static/openapi/index.html?spec=/v1/openapi.json"


class SpaceInvoicesPaymentController(http.Controller):
    @spaceinvoices.route("/v1/documents/<string:document_id>/payments")
    def document_payments(self, document_id, **_params):
        if common.method("GET", "POST") == "POST":
            common.check_billing_rights()  # LoopBack's 401 when missing
            document = payments.find_document(document_id)
            payment = document._billing_pay(**payments.parse_create(document))
            return payments.response(payment)
        payments.check_read_rights()
        return payments.list_response(payments.find_document(document_id))

    @spaceinvoices.route("/v1/documents/<string:document_id>/payments/count")
    def document_payment_count(self, document_id, **_params):
        common.method("GET")
        payments.check_read_rights()
        return payments.count_response(payments.find_document(document_id))

    @spaceinvoices.route("/v1/organizations/<string:organization_id>/payments")
    def organization_payments(self, organization_id, **_params):
        common.method("GET")
        payments.check_read_rights()
        return payments.list_response(payments.find_organization(organization_id))

    @spaceinvoices.route("/v1/organizations/<string:organization_id>/payments/count")
    def organization_payment_count(self, organization_id, **_params):
        common.method("GET")
        payments.check_read_rights()
        return payments.count_response(payments.find_organization(organization_id))

    @spaceinvoices.route("/v1/payments/<string:payment_id>")
    def payment(self, payment_id, **_params):
        verb = common.method("GET", "PUT", "PATCH", "DELETE")
        if verb == "GET":
            payments.check_read_rights()
            return payments.detail_response(payment_id)
        common.check_billing_rights()
        if verb == "DELETE":
            # Soft delete; an unknown or already deleted payment counts 0.
            payment = payments.search_payment(payment_id)
            payment._billing_cancel()
            return payments.deleted_response(payment)
        payment = payments.find_payment(payment_id)
        payment._billing_update(**payments.parse_update(payment, verb))
        return payments.response(payment)

    @spaceinvoices.route("/v1/openapi.json", auth="none")
    def openapi_document(self, **_params):
        """The OpenAPI 3.1 document, with the database's payment types."""
        common.method("GET")
        types = payments.channel_codes(request.env)
        return common.json_response(openapi.document(payment_types=types))

    @spaceinvoices.route("/v1/docs", auth="none")
    def openapi_page(self, **_params):
        common.method("GET")
        return request.redirect(DOCS_PAGE, code=302)

    @spaceinvoices.route(["/v1", "/v1/<path:_path>"], auth="none")
    def unknown_route(self, **_params):
        raise spaceinvoices.route_not_found()
