# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import hashlib
import logging

from odoo import api, fields, models
from odoo.tools import SQL, create_index

from ..exceptions import IdempotencyKeyInFlight, IdempotencyKeyReused

_logger = logging.getLogger(__name__)

# How long a stored response answers the retries of its request.
RETENTION = datetime.timedelta(hours=24)


def advisory_lock_id(user_id, key):
    """The bigint of the transaction-level advisory lock of one user's key.

    64 bits of a sha256, so that two keys share a lock (and one of them gets
    a needless 409) only by a collision of that size.
    """
    digest = hashlib.sha256(f"billing.idempotency.key:{user_id}:{key}".encode())
    return int.from_bytes(digest.digest()[:8], "big", signed=True)


class BillingIdempotencyKey(models.Model):
    """The response of a POST sent with an ``Idempotency-Key``, kept so that
    a retry of the same request gets it again instead of a second write.

    A technical table, not business data: no user has access rights on it
    (administrators may read it). ``ir.http`` reaches it only through the
    three methods below, which work in sudo on this model alone, always for
    the current user's own key (never a caller-supplied user or record id).
    The row is written in the same transaction as the request's own writes:
    both are committed, or neither.
    """

    _name = "billing.idempotency.key"
    _description = "Billing API Idempotency Key"
    _rec_name = "key"
    _order = "id desc"

    user_id = fields.Many2one(
        "res.users", required=True, ondelete="cascade", readonly=True
    )
    key = fields.Char(required=True, size=255, readonly=True)
    request_fingerprint = fields.Char(
        required=True,
        size=64,
        readonly=True,
        help="SHA-256 of the request's method, path, query and canonical body.",
    )
    response_status = fields.Integer(readonly=True)
    response_headers = fields.Json(readonly=True)
    response_body = fields.Text(readonly=True)

    _sql_constraints = [
        (
            "user_key_unique",
            "UNIQUE(user_id, key)",
            "An idempotency key is used once per user.",
        ),
    ]

    def init(self):
        # The purge deletes by age.
        create_index(
            self.env.cr,
            "billing_idempotency_key_create_date_index",
            self._table,
            ["create_date"],
        )

    def _billing_in_flight(self):
        """The 409 for a key another transaction is still answering."""
        return IdempotencyKeyInFlight(
            self.env._(
                "A request with this Idempotency-Key is still being "
                "processed; retry later."
            )
        )

    @api.model
    def _billing_claim(self, key, fingerprint):
        """Reserve ``key`` of the current user for this request, or find the
        response stored for it.

        Returns ``(claim, None)`` when the request must run (then call
        ``_billing_store_response`` on the claim with its response), or
        ``(None, stored)`` with the stored ``status``, ``headers`` and
        ``body`` to send again. Raises IdempotencyKeyInFlight (409) while
        another transaction holds the key, IdempotencyKeyReused (422) when
        the key answered another request.

        Odoo runs REPEATABLE READ: a key row committed by a concurrent request
        after this transaction's snapshot is invisible here. The INSERT ...
        ON CONFLICT DO NOTHING then raises a serialization failure, which
        Odoo's ``retrying`` replays in a new transaction that sees the stored
        response. A plain INSERT would raise a unique violation instead,
        which Odoo does not retry.
        """
        uid = self.env.uid
        cr = self.env.cr
        cr.execute(
            SQL("SELECT pg_try_advisory_xact_lock(%s)", advisory_lock_id(uid, key))
        )
        if not cr.fetchone()[0]:
            raise self._billing_in_flight()
        cr.execute(
            SQL(
                "SELECT id, request_fingerprint, response_status, response_headers,"
                " response_body, create_date < (now() AT TIME ZONE 'UTC') - %s"
                " FROM billing_idempotency_key WHERE user_id = %s AND key = %s",
                RETENTION,
                uid,
                key,
            )
        )
        row = cr.fetchone()
        if row and row[5]:  # expired, not purged yet: as if it were not there
            self.sudo().browse(row[0]).unlink()
            row = None
        if row:
            if row[1] != fingerprint:
                raise IdempotencyKeyReused(
                    self.env._(
                        "This Idempotency-Key was already used for a different "
                        "request (method, path, query or body). Send a new key "
                        "with a new request."
                    )
                )
            return None, {"status": row[2], "headers": row[3] or [], "body": row[4]}
        cr.execute(
            SQL(
                "INSERT INTO billing_idempotency_key (user_id, key,"
                " request_fingerprint, create_uid, create_date, write_uid, write_date)"
                " VALUES (%s, %s, %s, %s, now() AT TIME ZONE 'UTC', %s,"
                " now() AT TIME ZONE 'UTC')"
                " ON CONFLICT (user_id, key) DO NOTHING RETURNING id",
                uid,
                key,
                fingerprint,
                uid,
                uid,
            )
        )
        row = cr.fetchone()
        if not row:
            # Unreachable under REPEATABLE READ (a conflict with a row this
            # transaction cannot see is a serialization failure, one it can
            # see was found above); a 409 rather than a second write.
            raise self._billing_in_flight()
        return self.browse(row[0]), None

    def _billing_store_response(self, status, headers, body):
        """Keep the response of the claimed request (``body`` as text).

        Only a success (2xx) is kept. Any other answer releases the key: the
        request wrote nothing (errors roll back), so the client may send it
        again, corrected, with the same key. ``body=None`` (a response that
        cannot be replayed) releases it too.
        """
        claim = self.sudo().filtered(lambda row: row.user_id.id == self.env.uid)
        claim.ensure_one()
        if 200 <= status < 300 and body is not None:
            claim.write(
                {
                    "response_status": status,
                    "response_headers": [list(pair) for pair in headers],
                    "response_body": body,
                }
            )
        else:
            claim.unlink()

    @api.model
    def _gc_expired_keys(self):
        """Delete the keys older than ``RETENTION`` (the daily cron).

        Lookups ignore an expired key already, so this only bounds the
        table's size.
        """
        self.env.cr.execute(
            SQL(
                "DELETE FROM billing_idempotency_key"
                " WHERE create_date < (now() AT TIME ZONE 'UTC') - %s",
                RETENTION,
            )
        )
        count = self.env.cr.rowcount
        self.invalidate_model()
        _logger.info("Purged %s expired idempotency keys", count)
        return count
