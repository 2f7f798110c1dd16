# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import re

from psycopg2 import IntegrityError, errors
from werkzeug.exceptions import BadRequest

from odoo import models
from odoo.exceptions import ValidationError
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ..dialects import DIALECTS, common
from ..exceptions import AuthenticationFailed, ConcurrentUpdate

# What two requests changing the same records at once end in.
DATABASE_CONFLICTS = (
    errors.UniqueViolation,
    errors.ExclusionViolation,
    errors.ForeignKeyViolation,
    *PG_CONCURRENCY_EXCEPTIONS_TO_RETRY,
)

_KEY_RE = re.compile(r"^[\x21-\x7e]{1,256}$")


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _authenticate(cls, endpoint):
        # Remember which API dialect answers this request, so that errors
        # raised anywhere below (authentication included) use its format.
        request.billing_dialect = endpoint.routing.get("billing_dialect")
        if request.billing_dialect and not common.is_valid_host(
            request.httprequest.host
        ):
            raise BadRequest("Invalid Host header.")
        return super()._authenticate(endpoint)

    @classmethod
    def _pre_dispatch(cls, rule, args):
        result = super()._pre_dispatch(rule, args)  # sets the upload limits
        if getattr(request, "billing_dialect", None):
            # Before Odoo reads the parameters (and werkzeug silently parses
            # the form): read_body parses a multipart body again, strictly.
            common.keep_form_body(request.httprequest)
        return result

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
        # Odoo's check, without the password hash for a key this process
        # has verified before (res_users_apikeys.py says why that is safe).
        uid = _KEY_RE.match(key) and request.env[
            "res.users.apikeys"
        ]._billing_check_api_key(key)
        if not uid:
            # Unknown, expired, or belonging to an archived user: the same
            # answer for all, so that keys cannot be probed.
            raise AuthenticationFailed("Invalid token.")
        request.update_env(user=uid)

    @classmethod
    def _dispatch(cls, endpoint):
        """Run the endpoint; a POST with an ``Idempotency-Key`` runs it once.

        Here rather than in each route, so that no POST of either dialect can
        forget it: its first success (2xx) is stored with the request's own
        writes, in the same transaction, and its retries get that response
        again (``Idempotent-Replayed: true``) without calling the endpoint.
        """
        key = None
        if (
            getattr(request, "billing_dialect", None)
            and endpoint.routing.get("auth") == "billing_api_key"
        ):
            key = common.idempotency_key(request.httprequest)
        if key is None:
            return super()._dispatch(endpoint)
        claim, stored = request.env["billing.idempotency.key"]._billing_claim(
            key, common.request_fingerprint(request.httprequest)
        )
        if stored:
            return common.replayed_response(**stored)
        response = super()._dispatch(endpoint)
        claim._billing_store_response(*common.replayable_response(response))
        return response

    @classmethod
    def _post_dispatch(cls, response):
        result = super()._post_dispatch(response)
        if getattr(request, "billing_dialect", None):
            # Every GET of both dialects that a key authenticated: an ETag,
            # and a 304 when the client already holds this answer. Most
            # endpoints fingerprinted their answer before rendering it
            # (common.Validator); the others get a tag of the rendered body
            # here. The public documentation routes stay untagged, no-store.
            if request.env.uid:
                common.conditional_response(request.httprequest, response)
            common.protect_response(response)
        return result

    @classmethod
    def _handle_error(cls, exception):
        dialect = DIALECTS.get(getattr(request, "billing_dialect", None))
        if not dialect:
            return super()._handle_error(exception)
        response = dialect.error_response(
            _database_conflict(request.env, exception) or exception
        )
        if response.status_code < 500:
            # A client's mistake, answered in its format: no warning in the
            # server log (odoo.http logs at the exception's own level).
            exception.loglevel = logging.INFO
        return common.protect_response(response)


def _database_conflict(env, exception):
    """A plain-worded error for a database constraint or concurrency error.

    Odoo retries a request that hits a serialization failure, a deadlock or
    a lock timeout, and raises the last one once its tries run out; it turns
    an IntegrityError into a ValidationError quoting PostgreSQL (index
    names, ids). A unique, exclusion or foreign-key violation, like the
    concurrency errors, means that another request changed the same records
    at the same time: ConcurrentUpdate (409). Any other violation (a
    missing or out-of-range value the validation let through) is the
    request's fault: ValidationError (400). Never the database's own text.
    None when ``exception`` comes from neither.
    """
    cause, seen = exception, set()
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, DATABASE_CONFLICTS):
            error = ConcurrentUpdate(
                env._(
                    "Another request changed the same records at the same time. "
                    "Please try again."
                )
            )
        elif isinstance(cause, IntegrityError):
            error = ValidationError(
                env._("The request breaks a rule of the database and was not saved.")
            )
        else:
            cause = cause.__cause__
            continue
        error.loglevel = logging.INFO
        return error
    return None
