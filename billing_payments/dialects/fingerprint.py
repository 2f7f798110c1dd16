# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What an answer is made of, as one SQL query: the fingerprint of a GET.

A conditional GET must answer 304 without rendering, so its validator
cannot be a hash of the rendered body. It is a hash of every table row the
renderer reads instead, taken by one query from the ids the endpoint's own
(rule-checked) search found: each row counts by its id and ``xmin``, the id
of the transaction that wrote its current version. PostgreSQL gives every
committed change of a row a new ``xmin``, ORM writes, recomputations of
stored fields and plain SQL updates alike, so the fingerprint changes
whenever a row the answer shows does; a deleted or added row changes the
set of ids. (``write_date`` alone would not do: Odoo stores the
transaction's start, at second precision, so two writes in one second
could share it, and plain SQL updates leave it alone.)

Each ``Rows`` is a chain of CTEs from the root ids to every row the
renderers of a resource read; this module knows tables, never models.
"""

from odoo.tools import SQL


class Rows:
    """The rows an answer depends on, as CTEs over the root ids.

    ``steps`` are (name, SELECT) pairs; each SELECT yields ``sig`` (the row's
    identity and version, as text), ``write_date`` and ``id`` first, then
    the columns later steps join on; ``{roots}`` is the root ids' array
    (used directly where an index on the column serves it).
    """

    def __init__(self, *steps):
        self.steps = steps

    def query(self, ids, uid):
        """One query: the md5 of all the rows' signatures and the latest
        ``write_date`` among them (the answer's Last-Modified)."""
        ctes = SQL(", ").join(
            SQL("%s AS (%s)", SQL.identifier(name), SQL(select.format(roots="%s"), ids))
            if "{roots}" in select
            else SQL("%s AS (%s)", SQL.identifier(name), SQL(select))
            for name, select in (*self.steps, *_user_steps(uid))
        )
        names = [name for name, _select in self.steps] + [
            name for name, _select in _USER_STEPS
        ]
        signatures = SQL(", ").join(
            SQL(
                # coalesce: an empty step keeps its place in the list.
                "coalesce((SELECT string_agg(sig, ',' ORDER BY sig) FROM %s), '')",
                SQL.identifier(name),
            )
            for name in names
        )
        latest = SQL(", ").join(
            SQL("(SELECT max(write_date) FROM %s)", SQL.identifier(name))
            for name, _select in self.steps
        )
        return SQL(
            "WITH %s SELECT md5(concat_ws('|', %s)), greatest(%s)",
            ctes,
            signatures,
            latest,
        )


# Steps find the rows of a previous step with ``id = ANY(ARRAY(SELECT …))``
# rather than ``id IN (SELECT …)``: the planner then looks each id up in the
# primary key, where it would hash-join a sequential scan of every partner
# and profile (3.3 → 2.2 ms for a page of 100 payments of 2,000 customers).
def _sig(table, *join_columns, where):
    columns = "".join(f", {column}" for column in join_columns)
    return (
        f"SELECT concat(id, ':', xmin) AS sig, write_date, id{columns} "
        f"FROM {table} WHERE {where}"
    )


# The user's rights and settings: groups (implied ones included, as Odoo
# stores them), companies, the record rules, the user row (company) and its
# partner (language).
_USER_STEPS = (
    (
        "user_groups",
        "SELECT concat('g', gid) AS sig FROM res_groups_users_rel WHERE uid = {uid}",
    ),
    (
        "user_companies",
        "SELECT concat('c', cid) AS sig FROM res_company_users_rel "
        "WHERE user_id = {uid}",
    ),
    ("user_row", "SELECT concat(id, ':', xmin) AS sig FROM res_users WHERE id = {uid}"),
    # Record rules decide which related records the user may read; the
    # table is small, and a changed rule changes every tag.
    ("record_rules", "SELECT concat('r', id, ':', xmin) AS sig FROM ir_rule"),
    (
        "user_partner",
        "SELECT concat('p', id, ':', xmin) AS sig FROM res_partner "
        "WHERE id = (SELECT partner_id FROM res_users WHERE id = {uid})",
    ),
)


def _user_steps(uid):
    return [
        (name, select.replace("{uid}", str(int(uid)))) for name, select in _USER_STEPS
    ]


# Partners as the details blocks show them: their banks, banks' banks and
# countries (and states, for Space Invoices organizations).
_PARTNER_DETAILS = (
    (
        "partner_banks",
        _sig(
            "res_partner_bank",
            "bank_id",
            where="partner_id IN (SELECT id FROM partners)",
        ),
    ),
    (
        "banks",
        _sig("res_bank", where="id = ANY(ARRAY(SELECT bank_id FROM partner_banks))"),
    ),
    (
        "countries",
        _sig("res_country", where="id = ANY(ARRAY(SELECT country_id FROM partners))"),
    ),
    (
        "country_states",
        _sig(
            "res_country_state", where="id = ANY(ARRAY(SELECT state_id FROM partners))"
        ),
    ),
)

# Waldur invoices (roots: account.move ids), as the invoice, its items and
# an invoice item render them: every line of the invoices, their products,
# templates and units, the customers, the companies and their partners, the
# products' service providers.
INVOICES = Rows(
    (
        "moves",
        _sig(
            "account_move",
            "commercial_partner_id",
            "company_id",
            "currency_id",
            where="id = ANY({roots})",
        ),
    ),
    (
        "lines",
        _sig(
            "account_move_line",
            "product_id",
            "product_uom_id",
            "company_id",
            where="move_id = ANY({roots})",
        ),
    ),
    (
        "products",
        _sig(
            "product_product",
            "product_tmpl_id",
            where="id = ANY(ARRAY(SELECT product_id FROM lines))",
        ),
    ),
    (
        "templates",
        _sig(
            "product_template",
            "service_provider_id",
            where="id = ANY(ARRAY(SELECT product_tmpl_id FROM products))",
        ),
    ),
    (
        "units",
        _sig("uom_uom", where="id = ANY(ARRAY(SELECT product_uom_id FROM lines))"),
    ),
    (
        "companies",
        _sig(
            "res_company",
            "partner_id",
            where="id = ANY(ARRAY(SELECT company_id FROM moves "
            "UNION SELECT company_id FROM lines))",
        ),
    ),
    (
        "partners",
        _sig(
            "res_partner",
            "country_id",
            "state_id",
            where="id = ANY(ARRAY(SELECT commercial_partner_id FROM moves "
            "UNION SELECT partner_id FROM companies "
            "UNION SELECT service_provider_id FROM templates))",
        ),
    ),
    *_PARTNER_DETAILS,
)

# Waldur invoices rendered from their own columns only (a sparse field set
# such as ``?field=uuid&field=state``): the invoice rows alone.
INVOICE_COLUMNS = Rows(
    (
        "moves",
        _sig("account_move", where="id = ANY({roots})"),
    ),
)

# Payments of both dialects (roots: account.payment ids): their links to
# invoices (the rows of the many2many ``invoice_ids``, so that unlinking
# shows even when the payment row stays), the invoices, profiles,
# companies, partners, currencies and the proof's attachment.
PAYMENTS = Rows(
    (
        "payments",
        _sig(
            "account_payment",
            "payment_profile_id",
            "company_id",
            "currency_id",
            where="id = ANY({roots})",
        ),
    ),
    (
        "invoice_links",
        "SELECT concat(payment_id, '-', invoice_id, ':', xmin) AS sig, "
        "NULL::timestamp AS write_date, invoice_id FROM account_move__account_payment "
        "WHERE payment_id = ANY({roots})",
    ),
    (
        "moves",
        _sig(
            "account_move",
            "company_id",
            "currency_id",
            where="id = ANY(ARRAY(SELECT invoice_id FROM invoice_links))",
        ),
    ),
    (
        "profiles",
        _sig(
            "billing_payment_profile",
            "partner_id",
            where="id = ANY(ARRAY(SELECT payment_profile_id FROM payments))",
        ),
    ),
    (
        "companies",
        _sig(
            "res_company",
            "partner_id",
            where="id = ANY(ARRAY(SELECT company_id FROM payments "
            "UNION SELECT company_id FROM moves))",
        ),
    ),
    (
        "partners",
        _sig(
            "res_partner",
            "country_id",
            "state_id",
            where="id = ANY(ARRAY(SELECT partner_id FROM profiles "
            "UNION SELECT partner_id FROM companies))",
        ),
    ),
    (
        "currencies",
        _sig(
            "res_currency",
            where="id = ANY(ARRAY(SELECT currency_id FROM payments "
            "UNION SELECT currency_id FROM moves))",
        ),
    ),
    (
        "proofs",
        _sig(
            "ir_attachment",
            where="res_model = 'account.payment' AND res_field = 'proof' "
            "AND res_id = ANY({roots})",
        ),
    ),
    *_PARTNER_DETAILS,
)

# The first steps of every payment answer: the payments, their links to
# invoices and the invoices.
_PAYMENT_STEPS = dict(PAYMENTS.steps)
_PAYMENT_ROWS = tuple(
    (name, _PAYMENT_STEPS[name]) for name in ("payments", "invoice_links", "moves")
)

# Waldur payments (roots: account.payment ids) as Waldur renders them: the
# payments, their invoices (uuid and period), profiles, the profiles'
# customers (uuid) and the proofs; no company, currency or partner details
# (1.9 → 1.2 ms for a page of 100 payments of 2,000 customers).
WALDUR_PAYMENTS = Rows(
    *_PAYMENT_ROWS,
    (
        "profiles",
        _sig(
            "billing_payment_profile",
            "partner_id",
            where="id = ANY(ARRAY(SELECT payment_profile_id FROM payments))",
        ),
    ),
    (
        "partners",
        _sig("res_partner", where="id = ANY(ARRAY(SELECT partner_id FROM profiles))"),
    ),
    ("proofs", _PAYMENT_STEPS["proofs"]),
)

# Space Invoices payments (roots: account.payment ids) without ``include``:
# the payments, their invoices (uuid), companies (uuid) and currencies
# (decimal places). With ``include``, ``PAYMENTS``.
SI_PAYMENTS = Rows(
    *_PAYMENT_ROWS,
    (
        "companies",
        _sig("res_company", where="id = ANY(ARRAY(SELECT company_id FROM payments))"),
    ),
    (
        "currencies",
        _sig("res_currency", where="id = ANY(ARRAY(SELECT currency_id FROM payments))"),
    ),
)

# Waldur payment profiles (roots: billing.payment.profile ids) and their
# customers.
PROFILES = Rows(
    (
        "profiles",
        _sig("billing_payment_profile", "partner_id", where="id = ANY({roots})"),
    ),
    (
        "partners",
        _sig(
            "res_partner",
            "country_id",
            "state_id",
            where="id = ANY(ARRAY(SELECT partner_id FROM profiles))",
        ),
    ),
)

# Waldur customers (roots: res.partner ids) with their banks and countries.
PARTNERS = Rows(
    (
        "partners",
        _sig("res_partner", "country_id", "state_id", where="id = ANY({roots})"),
    ),
    *_PARTNER_DETAILS,
)


def rows_digest(cr, rows, ids, uid):
    """(md5 hex, latest write_date or None) of ``rows`` from root ``ids``."""
    cr.execute(rows.query(list(ids), uid))
    return cr.fetchone()
