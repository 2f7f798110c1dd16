"""Routes of the Waldur billing API: parse, call one model method, render."""

from odoo import http
from odoo.http import request

from ..dialects import common, waldur
from ..dialects.waldur import invoices, payment_profiles, payments
from ..export.invoice_stats_xlsx import xlsx_response


class WaldurPaymentProfileController(http.Controller):
    @waldur.route("/api/payment-profiles/")
    def payment_profile_collection(self, **_params):
        if common.method("GET", "POST") == "GET":
            return waldur.list_response(
                payment_profiles.profiles(),
                payment_profiles.search_domain(),
                payment_profiles.search_order(),
                payment_profiles.render,
            )
        common.check_billing_rights()
        profile = payment_profiles.profiles().create(payment_profiles.parse())
        url = waldur.detail_url("payment-profiles", profile)
        return common.json_response(
            payment_profiles.render(profile), status=201, headers={"Location": url}
        )

    @waldur.route("/api/payment-profiles/<string:profile_uuid>/")
    def payment_profile_detail(self, profile_uuid, **_params):
        verb = common.method("GET", "PUT", "PATCH", "DELETE")
        if verb != "GET":
            common.check_billing_rights()
        profile = self._profile(profile_uuid)
        if verb == "DELETE":
            profile.unlink()
            return common.json_response(None, status=204)
        if verb in ("PUT", "PATCH"):
            profile.write(payment_profiles.parse(partial=verb == "PATCH"))
        return common.json_response(payment_profiles.render(profile))

    @waldur.route("/api/payment-profiles/<string:profile_uuid>/enable/")
    def payment_profile_enable(self, profile_uuid, **_params):
        common.method("POST")
        common.check_billing_rights()
        self._profile(profile_uuid).action_activate()
        return common.json_response({"detail": "Payment profile has been enabled."})

    def _profile(self, profile_uuid):
        return common.find_by_uuid(
            request.env["billing.payment.profile"], profile_uuid, payment_profiles.LABEL
        )


class WaldurInvoiceController(http.Controller):
    @waldur.route("/api/invoices/")
    def invoice_collection(self, **_params):
        common.method("GET")
        fields = invoices.requested_fields()
        return waldur.list_response(
            invoices.invoices(),
            invoices.search_domain(),
            invoices.search_order(),
            render_page=lambda page: invoices.render_invoices(page, fields),
        )

    @waldur.route("/api/invoices/growth/")
    def invoice_growth(self, **_params):
        common.method("GET")
        customers_count, untaxed = invoices.growth_params()
        growth = invoices.invoices()._billing_growth(customers_count, untaxed)
        return common.json_response(invoices.render_growth(growth))

    @waldur.route("/api/invoices/<string:invoice_uuid>/")
    def invoice_detail(self, invoice_uuid, **_params):
        common.method("GET")
        invoice = invoices.find(invoice_uuid)
        return common.json_response(invoices.render_invoice(invoice))

    @waldur.route("/api/invoices/<string:invoice_uuid>/items/")
    def invoice_items(self, invoice_uuid, **_params):
        common.method("GET")
        invoice = invoices.find(invoice_uuid)
        return common.json_response(invoices.render_items(invoice))

    @waldur.route("/api/invoices/<string:invoice_uuid>/stats/")
    def invoice_stats(self, invoice_uuid, format=None, **_params):  # pylint: disable=redefined-builtin
        common.method("GET")
        invoice = invoices.find(invoice_uuid)
        if format == "xlsx":
            filename, content = invoice._billing_stats_xlsx()
            return xlsx_response(filename, content)
        stats = invoice._billing_offering_stats(invoices.provider_filter())
        page = common.SequencePage(stats)
        return common.json_response(
            [invoices.render_stats_row(row) for row in page.rows],
            headers=page.headers(),
        )

    @waldur.route("/api/invoices/<string:invoice_uuid>/paid/")
    def invoice_paid(self, invoice_uuid, **_params):
        common.method("POST")
        common.check_billing_rights()
        invoice = invoices.find(invoice_uuid)
        invoice._billing_check_created()  # 409 before any body error, as Waldur
        payment_date, proof = invoices.parse_paid()
        invoice._billing_register_payment(payment_date, proof)
        return common.json_response(invoices.render_invoice(invoice))

    @waldur.route("/api/invoices/<string:invoice_uuid>/send_notification/")
    def invoice_send_notification(self, invoice_uuid, **_params):
        common.method("POST")
        common.check_billing_rights()
        invoices.find(invoice_uuid)._billing_queue_notification()
        return common.json_response(
            {"detail": "Invoice notification sending has been successfully scheduled."}
        )

    @waldur.route(
        "/api/invoices/<string:invoice_uuid>/"
        "set_<any(backend_id,payment_url,reference_number):name>/"
    )
    def invoice_set_field(self, invoice_uuid, name, **_params):
        common.method("POST")
        common.check_billing_rights()
        invoice = invoices.find(invoice_uuid)
        values = invoices.parse_set_field(name)
        if values:
            invoice.write(values)
        return common.json_response(None)


class WaldurCustomerController(http.Controller):
    """Read-only customers and invoice items, so that every link resolves."""

    @waldur.route("/api/customers/<string:customer_uuid>/")
    def customer_detail(self, customer_uuid, **_params):
        common.method("GET")
        partner = invoices.find_customer(customer_uuid)
        return common.json_response(invoices.render_customer(partner))

    @waldur.route("/api/invoice-items/<string:item_uuid>/")
    def invoice_item_detail(self, item_uuid, **_params):
        common.method("GET")
        return common.json_response(invoices.render_item(invoices.find_line(item_uuid)))


class WaldurPaymentController(http.Controller):
    @waldur.route("/api/payments/")
    def payment_collection(self, **_params):
        if common.method("GET", "POST") == "GET":
            return waldur.list_response(
                payments.payments(),
                payments.search_domain(),
                payments.ORDER,
                payments.render,
            )
        common.check_billing_rights()
        profile, payment_date, amount, proof = payments.parse()
        payment = payments.payments()._billing_create_payment(
            profile, payment_date, amount or 0.0, proof
        )
        return common.json_response(
            payments.render(payment),
            status=201,
            headers={"Location": waldur.detail_url("payments", payment)},
        )

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
            profile, payment_date, amount, proof = payments.parse(
                partial=verb == "PATCH"
            )
            payment._billing_update(profile, payment_date, amount, proof)
        return common.json_response(payments.render(payment))

    @waldur.route("/api/payments/<string:payment_uuid>/link_to_invoice/")
    def payment_link(self, payment_uuid, **_params):
        common.method("POST")
        common.check_billing_rights()
        payment = payments.find(payment_uuid)
        payment._billing_check_unlinked()  # Waldur checks this before the body
        payment._billing_link_invoice(payments.parse_invoice_link())
        return common.json_response(
            {"detail": "An invoice has been linked to payment."}
        )

    @waldur.route("/api/payments/<string:payment_uuid>/unlink_from_invoice/")
    def payment_unlink(self, payment_uuid, **_params):
        common.method("POST")
        common.check_billing_rights()
        payments.find(payment_uuid)._billing_unlink_invoice()
        return common.json_response(
            {"detail": "An invoice has been unlinked from payment."}
        )

    @waldur.route("/api/payments/<string:payment_uuid>/proof/")
    def payment_proof(self, payment_uuid, **_params):
        common.method("GET")
        payment = payments.find(payment_uuid)
        content = payment._billing_proof_content()
        if not content:
            raise common.NotFound("proof")
        return request.make_response(
            content,
            headers=[
                ("Content-Type", payment.proof_mimetype),
                (
                    "Content-Disposition",
                    http.content_disposition(payment.proof_filename or "proof"),
                ),
            ],
        )
