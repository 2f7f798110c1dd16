# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Routes of the Waldur billing API: resolve, call one model method, render.

Each resource module of ``dialects.waldur`` offers the same protocol:
``find(uuid)`` (404 when invisible), ``list_response()``, ``parse(verb)``
for bodies, and ``response``/``created_response`` to render.
"""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from ..dialects import common, waldur
from ..dialects.waldur import (
    customers,
    invoice_items,
    invoices,
    openapi,
    payment_profiles,
    payments,
)
from ..export.invoice_stats_xlsx import xlsx_response

# The readable page of an OpenAPI document, from the addon's static files.
DOCS_PAGE = "/billing_payments/static/openapi/index.html?spec="


def _detail(message):
    return common.json_response({"detail": message})


class WaldurDocumentationController(http.Controller):
    """The OpenAPI document and its page: public, as Waldur serves its schema
    (they hold no data, and a client generator needs no key)."""

    @waldur.route("/api/openapi.json", auth="none")
    def openapi_document(self, **_params):
        common.method("GET")
        return common.json_response(
            openapi.document(request.env, server_url=common.base_url())
        )

    @waldur.route("/api/docs/", auth="none")
    def openapi_page(self, **_params):
        common.method("GET")
        return request.redirect(DOCS_PAGE + "/api/openapi.json", code=302)

    @waldur.route("/api/<path:_path>", auth="none")
    def unknown_route(self, **_params):
        """Any other path under /api/: DRF's 404, in JSON like every answer
        of the API (Odoo would answer its HTML page)."""
        raise NotFound("Not found.")


class WaldurPaymentProfileController(http.Controller):
    @waldur.route("/api/payment-profiles/")
    def payment_profile_collection(self, **_params):
        if common.method("GET", "POST") == "GET":
            return payment_profiles.list_response()
        common.check_billing_rights()
        profile = payment_profiles.profiles().create(payment_profiles.parse("POST"))
        return payment_profiles.created_response(profile)

    @waldur.route("/api/payment-profiles/<string:profile_uuid>/")
    def payment_profile_detail(self, profile_uuid, **_params):
        verb = common.method("GET", "PUT", "PATCH", "DELETE")
        if verb != "GET":
            common.check_billing_rights()
        profile = payment_profiles.find(profile_uuid)
        if verb == "DELETE":
            profile.unlink()
            return common.json_response(None, status=204)
        if verb in ("PUT", "PATCH"):
            profile.write(payment_profiles.parse(verb))
        return payment_profiles.response(profile)

    @waldur.route("/api/payment-profiles/<string:profile_uuid>/enable/")
    def payment_profile_enable(self, profile_uuid, **_params):
        common.method("POST")
        common.check_billing_rights()
        payment_profiles.find(profile_uuid).action_activate()
        return _detail("Payment profile has been enabled.")


class WaldurInvoiceController(http.Controller):
    @waldur.route("/api/invoices/")
    def invoice_collection(self, **_params):
        common.method("GET")
        return invoices.list_response()

    @waldur.route("/api/invoices/growth/")
    def invoice_growth(self, **_params):
        common.method("GET")
        growth = invoices.invoices()._billing_growth(**invoices.parse_growth())
        return invoices.growth_response(growth)

    @waldur.route("/api/invoices/<string:invoice_uuid>/")
    def invoice_detail(self, invoice_uuid, **_params):
        common.method("GET")
        return invoices.response(invoices.find(invoice_uuid))

    @waldur.route("/api/invoices/<string:invoice_uuid>/items/")
    def invoice_items(self, invoice_uuid, **_params):
        common.method("GET")
        return invoice_items.items_response(invoices.find(invoice_uuid))

    @waldur.route("/api/invoices/<string:invoice_uuid>/stats/")
    def invoice_stats(self, invoice_uuid, format=None, **_params):  # pylint: disable=redefined-builtin
        common.method("GET")
        invoice = invoices.find_filtered(invoice_uuid)
        if format == "xlsx":
            return xlsx_response(*invoice._billing_stats_xlsx())
        stats = invoice._billing_offering_stats(invoices.parse_stats_filter())
        return invoices.stats_response(stats)

    @waldur.route("/api/invoices/<string:invoice_uuid>/paid/")
    def invoice_paid(self, invoice_uuid, **_params):
        common.method("POST")
        common.check_billing_rights()
        invoice = invoices.find(invoice_uuid)
        invoice._billing_check_created()  # 409 before any body error, as Waldur
        invoice._billing_register_payment(*invoices.parse_paid())
        return invoices.response(invoice)

    @waldur.route("/api/invoices/<string:invoice_uuid>/send_notification/")
    def invoice_send_notification(self, invoice_uuid, **_params):
        common.method("POST")
        common.check_billing_rights()
        invoices.find(invoice_uuid)._billing_queue_notification()
        return _detail("Invoice notification sending has been successfully scheduled.")

    @waldur.route(
        "/api/invoices/<string:invoice_uuid>/"
        "set_<any(backend_id,payment_url,reference_number):name>/"
    )
    def invoice_set_field(self, invoice_uuid, name, **_params):
        common.method("POST")
        common.check_billing_rights()
        invoice = invoices.find(invoice_uuid)
        invoice._billing_set_fields(invoices.parse_set_field(name))
        return common.json_response(None)


class WaldurCustomerController(http.Controller):
    """Read-only customers and invoice items, so that every link resolves."""

    @waldur.route("/api/customers/<string:customer_uuid>/")
    def customer_detail(self, customer_uuid, **_params):
        common.method("GET")
        return customers.response(customers.find(customer_uuid))

    @waldur.route("/api/invoice-items/<string:item_uuid>/")
    def invoice_item_detail(self, item_uuid, **_params):
        common.method("GET")
        return invoice_items.detail_response(invoice_items.find(item_uuid))


class WaldurPaymentController(http.Controller):
    @waldur.route("/api/payments/")
    def payment_collection(self, **_params):
        if common.method("GET", "POST") == "GET":
            return payments.list_response()
        common.check_billing_rights()
        payment = payments.payments()._billing_create_payment(**payments.parse("POST"))
        return payments.created_response(payment)

    @waldur.route("/api/payments/<string:payment_uuid>/")
    def payment_detail(self, payment_uuid, **_params):
        verb = common.method("GET", "PUT", "PATCH", "DELETE")
        if verb != "GET":
            common.check_billing_rights()
        payment = payments.find(payment_uuid)
        if verb == "DELETE":
            payment._billing_delete()
            return common.json_response(None, status=204)
        if verb in ("PUT", "PATCH"):
            payment._billing_update(**payments.parse(verb))
        return payments.response(payment)

    @waldur.route("/api/payments/<string:payment_uuid>/link_to_invoice/")
    def payment_link(self, payment_uuid, **_params):
        common.method("POST")
        common.check_billing_rights()
        payment = payments.find(payment_uuid)
        payment._billing_check_unlinked()  # Waldur checks this before the body
        payment._billing_link_invoice(payments.parse_invoice_link())
        return _detail("An invoice has been linked to payment.")

    @waldur.route("/api/payments/<string:payment_uuid>/unlink_from_invoice/")
    def payment_unlink(self, payment_uuid, **_params):
        common.method("POST")
        common.check_billing_rights()
        payments.find(payment_uuid)._billing_unlink_invoice()
        return _detail("An invoice has been unlinked from payment.")

    @waldur.route("/api/payments/<string:payment_uuid>/proof/")
    def payment_proof(self, payment_uuid, **_params):
        common.method("GET")
        return payments.proof_response(payments.find(payment_uuid))
