# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fill the stored billing fields of existing invoices in SQL at install.

The addon adds four stored computed fields to ``account.move``. When the ORM
creates the column of a stored computed field on a table that has rows, it
computes the field in Python for every row (``BaseModel._auto_init``: "Prepare
computation of ..."), which takes long and much memory on a database with
many invoices. ``Field.update_db`` only asks for that computation when it
creates the column itself: creating the columns here, before the addon's
models are loaded, and filling them with one UPDATE leaves the ORM nothing to
compute.

The SQL gives what ``AccountMove._compute_billing_state`` and
``AccountMove._compute_billing_period`` give; tests/test_install_upgrade.py
compares the two.
"""

from odoo import fields
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from . import invoice_totals, kept_counts
from .models.account_move import PAID_PAYMENT_STATES

TABLE = "account_move"
# column: (type, comment), as the ORM creates them (the comment is the label).
BILLING_COLUMNS = {
    "billing_state": ("varchar", "Billing State"),
    "billing_year": ("int4", "Billing Year"),
    "billing_month": ("int4", "Billing Month"),
    "billing_period_start": ("date", "Billing Period Start"),
}


def _billing_values(env):
    """column: the SQL expression of its value, mirroring the Python computes."""
    moves = env["account.move"]
    # _compute_billing_period: the invoice date, else the creation date (stored
    # in UTC, as create_date.date() reads it), else today.
    period = SQL(
        "COALESCE(invoice_date, create_date::date, %s)",
        fields.Date.context_today(moves),
    )
    return {
        # _compute_billing_state, branch by branch; a NULL payment_state
        # fails both payment_state tests, as False does in Python.
        "billing_state": SQL(
            """CASE
                WHEN move_type NOT IN %s THEN NULL
                WHEN state = 'draft' THEN 'pending'
                WHEN state = 'cancel' OR payment_state = 'reversed' THEN 'canceled'
                WHEN payment_state IN %s THEN 'paid'
                ELSE 'created'
            END""",
            # is_sale_document(include_receipts=True)
            tuple(moves.get_sale_types(include_receipts=True)),
            PAID_PAYMENT_STATES,
        ),
        "billing_year": SQL("extract(year FROM %s)::int", period),
        "billing_month": SQL("extract(month FROM %s)::int", period),
        "billing_period_start": SQL("date_trunc('month', %s)::date", period),
    }


def pre_init_hook(env):
    cr = env.cr
    created = []
    for column, (column_type, comment) in BILLING_COLUMNS.items():
        # A column that exists already is left alone, as the ORM leaves it.
        if not column_exists(cr, TABLE, column):
            create_column(cr, TABLE, column, column_type, comment)
            created.append(column)
    if not created:
        return
    values = _billing_values(env)
    # One UPDATE for all the columns: every row is rewritten once, not per field.
    cr.execute(
        SQL(
            "UPDATE %s SET %s",
            SQL.identifier(TABLE),
            SQL(", ").join(
                SQL("%s = %s", SQL.identifier(column), values[column])
                for column in created
            ),
        )
    )


def uninstall_hook(env):
    """What ``account.move.init()`` and ``account.payment.init()`` created
    outside the ORM: the lists' kept counts and growth's kept totals (their
    triggers, the triggers' functions and their tables)."""
    for kept in kept_counts.KEPT_COUNTS:
        kept.uninstall(env.cr)
    invoice_totals.uninstall(env.cr)
