"""Routes of the Waldur billing API: parse, call one model method, render."""

from odoo import http
from odoo.http import request

from ..dialects import common, waldur
from ..dialects.waldur import payment_profiles


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
