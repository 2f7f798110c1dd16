# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import uuid

from odoo import api, fields, models
from odoo.tools import SQL

from ..utils import normalize_uuid


class BillingUuidMixin(models.AbstractModel):
    """A stable public identifier for records exposed by the billing APIs.

    Database ids leak volume and change between databases; API clients keep
    this uuid instead. It is assigned at create time and back-filled in SQL
    for the rows that exist when the column is added (see ``_init_column``).
    """

    _name = "billing.uuid.mixin"
    _description = "Billing API UUID"

    uuid = fields.Char(
        string="UUID",
        size=32,
        required=True,
        readonly=True,
        copy=False,
        # No index=True: the UNIQUE constraint below is already a btree index.
        default=lambda self: uuid.uuid4().hex,
        help="Public identifier used by the billing APIs (32 lowercase hex).",
    )

    _sql_constraints = [
        ("uuid_unique", "UNIQUE(uuid)", "The UUID must be unique."),
    ]

    def _init_column(self, column_name):
        if column_name != "uuid":
            return super()._init_column(column_name)
        # The ORM would write one default value into every existing row, which
        # breaks uniqueness: give each row its own random uuid instead.
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET uuid = replace(gen_random_uuid()::text, '-', '')"
                " WHERE uuid IS NULL",
                SQL.identifier(self._table),
            )
        )

    @api.model
    def _billing_search_uuid(self, value):
        """The record with this uuid (hyphenated or not) visible to the user.

        An unparseable value matches nothing, like an unknown one, and so does
        any value for a user who may not read the model at all.
        """
        hex_uuid = normalize_uuid(value)
        if not hex_uuid or not self.has_access("read"):
            return self.browse()
        return self.search([("uuid", "=", hex_uuid)], limit=1)

    def _billing_lock(self):
        """Lock these rows until the transaction ends.

        The billing APIs call this before they change an invoice or a payment.
        A concurrent request on the same row waits here; once this one commits,
        PostgreSQL aborts the waiter with a serialization failure, Odoo retries
        it, and the retry sees the committed result (e.g. the invoice already
        paid: 409). No double payment or reconciliation can come of a race.

        The cache is kept: Odoo's transactions are REPEATABLE READ, so once
        the lock is granted the row is the one this transaction's snapshot
        (and its cache) already holds; a row changed since then raises the
        serialization failure instead. Re-reading it would cost queries and
        could not see anything newer.
        """
        if not self:
            return
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s FOR UPDATE",
                SQL.identifier(self._table),
                tuple(self.ids),
            )
        )

    def _billing_log_note(self, body, files=()):
        """Log an internal note in this record's chatter, with ``files``
        ((name, bytes) pairs) attached.

        A logged note sends no e-mail, so it needs no e-mail address of the
        API user (integration users often have none). Only for models with a
        chatter (invoices, payments).
        """
        self.ensure_one()
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": name,
                    "raw": content,
                    "res_model": self._name,
                    "res_id": self.id,
                }
                for name, content in files
            ]
        )
        return self._message_log(body=body, attachment_ids=attachments.ids)
