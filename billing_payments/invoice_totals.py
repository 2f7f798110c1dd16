# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Kept totals of the billed customer invoices, per company, customer and
billing period: what invoice growth sums.

Growth (``account.move._billing_growth``) ranks the customers by their total
since a year ago and sums 13 months per major customer. Summed from
``account_move``, that reads every invoice of the window on every request:
linear in the invoices (7 ms at 10,000 invoices, 18 ms at 50,000, 81 ms at
200,000). Here a trigger on ``account_move`` appends, in the writing
transaction, a row of deltas to ``billing_invoice_total`` whenever a billed
customer invoice (pending, created or paid) appears, disappears or changes
company, customer, billing period or amounts; an hourly job folds the rows
into one per (company, customer, period). Growth then reads at most one row
per customer and month, however many invoices each has. Appending (never
updating a shared row) keeps concurrent writers from waiting for each other,
as ``kept_counts`` does.

Plain SQL on a cursor: this module knows tables, never models.
"""

from odoo.tools import SQL

TABLE = "billing_invoice_total"
FUNCTION = "billing_invoice_total_track"
TRIGGER = "billing_invoice_total_trigger"

# The billing states growth counts: cancelled invoices do not.
BILLED_STATES = ("pending", "created", "paid")
_BILLED = ", ".join(f"'{state}'" for state in BILLED_STATES)

_CREATE_TABLE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    company_id integer NOT NULL,
    partner_id integer,
    period_start date,
    invoices bigint NOT NULL,
    amount_total numeric NOT NULL,
    amount_untaxed numeric NOT NULL
)
"""
_CREATE_INDEX = f"""
CREATE INDEX IF NOT EXISTS {TABLE}_period_index
ON {TABLE} (period_start, partner_id, company_id)
INCLUDE (invoices, amount_total, amount_untaxed)
"""

# The old row's figures out, the new row's in; an UPDATE that leaves every
# column growth reads as it was appends nothing.
_CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.move_type IS NOT DISTINCT FROM NEW.move_type
       AND OLD.billing_state IS NOT DISTINCT FROM NEW.billing_state
       AND OLD.company_id IS NOT DISTINCT FROM NEW.company_id
       AND OLD.commercial_partner_id IS NOT DISTINCT FROM NEW.commercial_partner_id
       AND OLD.billing_period_start IS NOT DISTINCT FROM NEW.billing_period_start
       AND OLD.amount_total_signed IS NOT DISTINCT FROM NEW.amount_total_signed
       AND OLD.amount_untaxed_signed IS NOT DISTINCT FROM NEW.amount_untaxed_signed
    THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.move_type = 'out_invoice'
       AND OLD.billing_state IN ({_BILLED}) THEN
        INSERT INTO {TABLE} VALUES (
            OLD.company_id, OLD.commercial_partner_id, OLD.billing_period_start,
            -1, -coalesce(OLD.amount_total_signed, 0),
            -coalesce(OLD.amount_untaxed_signed, 0));
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.move_type = 'out_invoice'
       AND NEW.billing_state IN ({_BILLED}) THEN
        INSERT INTO {TABLE} VALUES (
            NEW.company_id, NEW.commercial_partner_id, NEW.billing_period_start,
            1, coalesce(NEW.amount_total_signed, 0),
            coalesce(NEW.amount_untaxed_signed, 0));
    END IF;
    RETURN NULL;
END
$$
"""

_CREATE_TRIGGER = f"""
CREATE TRIGGER {TRIGGER}
AFTER INSERT OR DELETE OR UPDATE OF move_type, billing_state, company_id,
    commercial_partner_id, billing_period_start, amount_total_signed,
    amount_untaxed_signed
ON account_move FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()
"""
_DROP_TRIGGER = f"DROP TRIGGER IF EXISTS {TRIGGER} ON account_move"

_GROUPS = "company_id, partner_id, period_start"
_SUMS = "sum(invoices), sum(amount_total), sum(amount_untaxed)"

# Folds every row this transaction sees into one per group (dropping the
# groups left without invoices); rows that concurrent transactions append
# meanwhile are not seen, so they stay.
_COMPACT = f"""
WITH folded AS (DELETE FROM {TABLE} RETURNING *)
INSERT INTO {TABLE}
SELECT {_GROUPS}, {_SUMS} FROM folded
GROUP BY {_GROUPS} HAVING sum(invoices) <> 0
"""
_RETOTAL = f"""
INSERT INTO {TABLE}
SELECT company_id, commercial_partner_id, billing_period_start, count(*),
       coalesce(sum(amount_total_signed), 0), coalesce(sum(amount_untaxed_signed), 0)
FROM account_move
WHERE move_type = 'out_invoice' AND billing_state IN ({_BILLED})
GROUP BY company_id, commercial_partner_id, billing_period_start
"""

# The two amounts a growth can sum.
AMOUNTS = {"total": "amount_total", "untaxed": "amount_untaxed"}


def install(cr):
    """Create (or replace) the table, its index, the trigger and its
    function, and total again from ``account_move``: on install and on every
    update, so that the totals are right whatever happened while the
    trigger was absent. The invoices are locked against writes (SHARE)
    meanwhile."""
    cr.execute(_CREATE_TABLE)
    cr.execute(_CREATE_INDEX)
    cr.execute(_CREATE_FUNCTION)
    cr.execute(_DROP_TRIGGER)
    cr.execute(_CREATE_TRIGGER)
    cr.execute("LOCK TABLE account_move IN SHARE MODE")
    cr.execute(SQL("DELETE FROM %s", SQL.identifier(TABLE)))
    cr.execute(_RETOTAL)
    # Statistics for the planner from the start, not from autovacuum's
    # first visit.
    cr.execute(SQL("ANALYZE %s", SQL.identifier(TABLE)))


def uninstall(cr):
    """Drop the trigger, its function and the table."""
    cr.execute(_DROP_TRIGGER)
    cr.execute(SQL("DROP FUNCTION IF EXISTS %s()", SQL.identifier(FUNCTION)))
    cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(TABLE)))


def compact(cr):
    """Fold the appended rows into one per (company, customer, period)."""
    cr.execute(_COMPACT)


def _companies(company_ids):
    if company_ids is None:
        return SQL("TRUE")
    return SQL("totals.company_id = ANY(%s)", list(company_ids))


def growth(cr, company_ids, since, first, last, amount, limit, partner_order):
    """(major customer ids, series) of the invoices of ``company_ids``
    (every company: None), in one query.

    The majors: the ``limit`` customers with the largest tax-included total
    over the periods starting on or after ``since``, ties broken by
    ``partner_order``: (FROM clause over res.partner's table and whatever
    its order joins, ORDER BY), as ``_read_group`` orders. The series:
    (major id or None, year, month, sum of ``amount``, a key of ``AMOUNTS``)
    for the periods from ``first`` to ``last``, the majors' own and
    everybody else's summed under None: at most 13 × (majors + 1) rows.
    """
    partner_from, order = partner_order
    # The customers are joined (for their order) only at or above the cut,
    # the limit-th largest total.
    cr.execute(
        SQL(
            """
            WITH ranked AS (
                SELECT totals.partner_id, sum(totals.amount_total) AS total
                  FROM %(table)s totals
                 WHERE totals.period_start >= %(since)s
                   AND totals.partner_id IS NOT NULL AND %(companies)s
              GROUP BY totals.partner_id
                HAVING sum(totals.invoices) > 0
            ), majors AS (
                SELECT res_partner.id
                  FROM ranked
                  JOIN %(partner_from)s ON res_partner.id = ranked.partner_id
                 WHERE ranked.total >= (
                       SELECT min(top.total) FROM (
                           SELECT total FROM ranked
                           ORDER BY total DESC LIMIT %(limit)s
                       ) top)
              ORDER BY ranked.total DESC, %(order)s
                 LIMIT %(limit)s
            )
            SELECT TRUE, id, NULL, NULL, NULL FROM majors
            UNION ALL
            SELECT FALSE,
                   CASE WHEN totals.partner_id IN (SELECT id FROM majors)
                        THEN totals.partner_id END,
                   extract(year FROM totals.period_start)::integer,
                   extract(month FROM totals.period_start)::integer,
                   sum(%(column)s)
              FROM %(table)s totals
             WHERE totals.period_start BETWEEN %(first)s AND %(last)s
               AND %(companies)s
          GROUP BY 2, 3, 4
            HAVING sum(totals.invoices) > 0
            """,
            table=SQL.identifier(TABLE),
            since=since,
            companies=_companies(company_ids),
            partner_from=partner_from,
            order=order,
            limit=limit,
            column=SQL.identifier("totals", AMOUNTS[amount]),
            first=first,
            last=last,
        )
    )
    rows = cr.fetchall()
    majors = [row[1] for row in rows if row[0]]
    return majors, [row[1:] for row in rows if not row[0]]
