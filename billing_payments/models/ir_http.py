# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import re

from odoo import models
from odoo.http import request

from ..dialects import DIALECTS
from ..exceptions import AuthenticationFailed

_KEY_RE = re.compile(r"^[\x21-\x7e]{1,256}$")


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _authenticate(cls, endpoint):
        # Remember which API dialect answers this request, so that errors
        # raised anywhere below (authentication included) use its format.
        request.billing_dialect = endpoint.routing.get("billing_dialect")
        return super()._authenticate(endpoint)

    @classmethod
    def _auth_method_billing_api_key(cls):
        """Authenticate with an Odoo API key (``res.users.apikeys``, rpc scope).

        Each dialect says where its clients put the key (its ``api_key``).
        The request then runs as the key's owner, so access rights and record
        rules decide what the API shows and allows.
        """
        dialect = DIALECTS[request.billing_dialect]
        key = dialect.api_key(request.httprequest)
        if key is None:
            raise AuthenticationFailed("Authentication credentials were not provided.")
        uid = _KEY_RE.match(key) and request.env[
            "res.users.apikeys"
        ]._check_credentials(scope="rpc", key=key)
        if not uid:
            # Unknown, expired, or belonging to an archived user: the same
            # answer for all, so that keys cannot be probed.
            raise AuthenticationFailed("Invalid token.")
        request.update_env(user=uid)

    @classmethod
    def _handle_error(cls, exception):
        dialect = DIALECTS.get(getattr(request, "billing_dialect", None))
        if not dialect:
            return super()._handle_error(exception)
        response = dialect.error_response(exception)
        if response.status_code < 500:
            # A client's mistake, answered in its format: no warning in the
            # server log (odoo.http logs at the exception's own level).
            exception.loglevel = logging.INFO
        return response
