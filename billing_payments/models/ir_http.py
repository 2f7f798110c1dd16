import logging
import re

from odoo import models
from odoo.http import request

from ..dialects import DIALECTS
from ..dialects.common import AuthenticationFailed

_AUTH_SCHEMES = ("token", "bearer")


def api_key_from_headers(headers):
    """The API key of an ``Authorization: Token|Bearer <key>`` header.

    Returns None when the header is absent or uses another scheme, and raises
    AuthenticationFailed when the scheme is ours but the key is malformed.
    """
    parts = headers.get("Authorization", "").split()
    if not parts or parts[0].lower() not in _AUTH_SCHEMES:
        return None
    if len(parts) == 1:
        raise AuthenticationFailed("Invalid token. No credentials provided.")
    if len(parts) > 2:
        raise AuthenticationFailed(
            "Invalid token. Token string should not contain spaces."
        )
    return parts[1]


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

        The request then runs as the key's owner, so access rights and record
        rules decide what the API shows and allows.
        """
        key = api_key_from_headers(request.httprequest.headers)
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
