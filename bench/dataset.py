"""The datasets of the Waldur invoice benchmark, built in a database.

    generate(db)       build them (ORM where it matters, SQL clones for bulk)
    stored_dataset(db) their description when the database already holds them

(a) list: a customer with 100 posted invoices of 20 lines; (b) growth:
20,000 invoices of 50 customers over 13 months; (c) stats: one invoice of
50,000 lines over 200 products. Every generated value is checked, against
the ORM's own compute methods too. See bench/README.md.
"""

import datetime
import json
import os
import random
import time
import uuid

from common import expect, log, psql
from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry

MARKER = "bench_waldur.dataset"  # ir.config_parameter describing the data
DATASET_VERSION = 1
SEED = 20261121

# Dataset sizes.
LIST_INVOICES = 100
LIST_LINES = 20
# BENCH_GROWTH_INVOICES=50000 reproduces issue 13 (the list/growth at 50,000).
GROWTH_INVOICES = int(os.environ.get("BENCH_GROWTH_INVOICES", "20000"))
GROWTH_CUSTOMERS = 50
GROWTH_MONTHS = 13
GROWTH_TEMPLATE_LINES = 2
STATS_LINES = 50_000
STATS_PRODUCTS = 200
STATS_ORM_LINES = 1_000  # created through the ORM, then cloned in SQL
PROVIDERS = 8
CATEGORIES = (
    "Compute",
    "Storage",
    "Network",
    "Backup",
    "HPC",
    "Licences",
    "Support",
    "Object storage",
    "GPU",
    "Databases",
)
UNITS = ("month", "quarter", "half_month", "day", "hour", "quantity")
NO_TRACKING = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "mail_notify_force_send": False,
}
# A uuid as the billing.uuid.mixin stores it: 32 lowercase hex digits.
NEW_UUID = "replace(gen_random_uuid()::text, '-', '')"
# What check_with_orm recomputes of the invoices SQL wrote.
RECOMPUTED_MOVE_FIELDS = [
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "amount_residual",
    "amount_untaxed_signed",
    "amount_tax_signed",
    "amount_total_signed",
    "amount_residual_signed",
    "payment_state",
    "billing_state",
    "billing_year",
    "billing_month",
    "billing_period_start",
    "commercial_partner_id",
    "invoice_partner_display_name",
]


def stored_dataset(db):
    """The dataset description kept in the database, or None."""
    raw = psql(db, f"SELECT value FROM ir_config_parameter WHERE key = '{MARKER}'")
    if not raw:
        return None
    info = json.loads(raw)
    if info.get("version") != DATASET_VERSION:
        return None
    if info.get("month") != datetime.date.today().strftime("%Y-%m"):
        return None  # the growth window has moved on: regenerate
    if info.get("growth_invoices", 20_000) != GROWTH_INVOICES:
        return None  # another size was asked for
    return info


def month_day(month_start, n, today):
    """A day of the month ``month_start``, never after today."""
    limit = today.day if month_start == today.replace(day=1) else 28
    return month_start + datetime.timedelta(days=n % limit)


def line_vals(product, k, month_start, rng, price=None):
    """An invoice line with the usage fields Waldur items carry."""
    start = datetime.datetime.combine(month_start, datetime.time())
    end = start + relativedelta(months=1) - datetime.timedelta(seconds=1)
    project = k % 7
    resource_uuid = uuid.UUID(int=rng.getrandbits(128)).hex
    return {
        "product_id": product.id,
        "name": f"{product.name} for vm-{k:05d}",
        "quantity": rng.choice((1, 1, 2, 3, 10, 24, 720)),
        "price_unit": price if price is not None else round(rng.uniform(0.5, 90), 2),
        "billing_unit": UNITS[k % len(UNITS)],
        "billing_start": start,
        "billing_end": end,
        "billing_resource_name": f"vm-{k:05d}",
        "billing_resource_uuid": resource_uuid,
        "billing_project_name": f"Project {project}",
        "billing_project_uuid": uuid.UUID(int=project + 1).hex,
        "billing_details": {
            "plan_name": "Standard",
            "plan_uuid": uuid.UUID(int=1000 + project).hex,
            "resource_uuid": resource_uuid,
            "offering_type": "OpenStack.Tenant",
        },
    }


def create_catalogue(env, rng):
    company = env.company
    company.partner_id.write(
        {
            "street": "1 Benchmark Street",
            "city": "Tallinn",
            "zip": "10111",
            "email": "billing@example.com",
            "phone": "+372 555 0100",
            "vat": "EE100000000",
        }
    )
    providers = env["res.partner"].create(
        [
            {"name": f"Provider {i + 1:02d}", "is_company": True}
            for i in range(PROVIDERS)
        ]
    )
    categories = env["product.category"].create([{"name": n} for n in CATEGORIES])
    products = env["product.product"].create(
        [
            {
                "name": f"Offering {i + 1:03d}",
                "default_code": f"OFF-{i + 1:03d}",
                "type": "service",
                "lst_price": round(rng.uniform(1, 100), 2),
                "categ_id": categories[i % len(categories)].id,
                # Every ninth product has no provider: the company's own.
                "service_provider_id": (
                    providers[i % 9].id if i % 9 < len(providers) else False
                ),
            }
            for i in range(STATS_PRODUCTS)
        ]
    )
    return products


def customer_vals(env, name, n):
    return {
        "name": name,
        "is_company": True,
        "email": f"customer{n}@example.com",
        "street": f"{n} Customer Road",
        "city": "Tartu",
        "zip": "50090",
        "country_id": env.ref("base.ee").id,
        "vat": f"EE{200000000 + n}",
    }


def create_customer(env, name, n):
    return env["res.partner"].create(customer_vals(env, name, n))


def create_invoices(env, vals_list, batch=50):
    """Create and post customer invoices in batches; return them."""
    moves = env["account.move"]
    for i in range(0, len(vals_list), batch):
        created = env["account.move"].create(vals_list[i : i + batch])
        created.filtered("invoice_date").action_post()
        moves |= created
        env.invalidate_all()  # keep memory flat
    return moves


def create_list_dataset(env, products, months, today, rng):
    """(a) A dedicated customer with 100 posted invoices of 20 lines."""
    customer = create_customer(env, "List customer", 0)
    vals_list = []
    for i in range(LIST_INVOICES):
        month = months[i % len(months)]
        vals_list.append(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": month_day(month, i, today),
                "invoice_line_ids": [
                    Command.create(
                        line_vals(
                            products[(i * 7 + j) % len(products)],
                            i * LIST_LINES + j,
                            month,
                            rng,
                        )
                    )
                    for j in range(LIST_LINES)
                ],
            }
        )
    create_invoices(env, vals_list, batch=25)
    return customer


def create_growth_templates(env, products, months, today, rng):
    """One invoice per customer and month through the ORM: the templates.

    Past months are posted (one in 23 then cancelled), the current month is
    left in draft, as Waldur's current invoice is pending.
    """
    customers = env["res.partner"]
    for n in range(GROWTH_CUSTOMERS):
        customers |= create_customer(env, f"Growth customer {n + 1:02d}", n + 1)
    current = today.replace(day=1)
    vals_list = []
    for c, customer in enumerate(customers):
        # Customers differ in size, so that the growth ranking means something.
        price = round(20 + 400 * (GROWTH_CUSTOMERS - c) / GROWTH_CUSTOMERS, 2)
        for m, month in enumerate(months):
            lines = [
                Command.create(
                    line_vals(
                        products[(c * 3 + m + j) % len(products)],
                        c * 100 + m * 10 + j,
                        month,
                        rng,
                        price=round(price * rng.uniform(0.8, 1.2), 2),
                    )
                )
                for j in range(GROWTH_TEMPLATE_LINES)
            ]
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": month_day(month, c, today),
                    "invoice_line_ids": lines,
                }
            )
    moves = env["account.move"]
    for i in range(0, len(vals_list), 130):
        created = env["account.move"].create(vals_list[i : i + 130])
        created.filtered(lambda m: m.invoice_date < current).action_post()
        moves |= created
    posted = moves.filtered(lambda m: m.state == "posted")
    cancelled = posted[::23]
    cancelled.button_draft()
    cancelled.button_cancel()
    env.flush_all()
    return customers, moves


def table_columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name = %s"
        " ORDER BY ordinal_position",
        [table],
    )
    return [name for (name,) in cr.fetchall()]


def insert_select(cr, table, overrides, from_clause, params=None):
    """INSERT INTO table SELECT every column of ``s`` (source row) or override."""
    columns = table_columns(cr, table)
    exprs = [overrides.get(column, f's."{column}"') for column in columns]
    quoted = ", ".join(f'"{column}"' for column in columns)
    cr.execute(
        f"INSERT INTO {table} ({quoted}) SELECT {', '.join(exprs)} {from_clause}",
        params,
    )
    return cr.rowcount


def clone_lines_rels(cr):
    """Copy the taxes and tax tags of the lines listed in bench_line_map."""
    for table, column in (
        ("account_move_line_account_tax_rel", "account_tax_id"),
        ("account_account_tag_account_move_line_rel", "account_account_tag_id"),
    ):
        cr.execute(
            f"INSERT INTO {table} (account_move_line_id, {column})"
            f" SELECT lm.new_id, r.{column} FROM bench_line_map lm"
            f" JOIN {table} r ON r.account_move_line_id = lm.src_id"
        )


def clone_growth_invoices(cr, templates, copies, today):
    """Clone ``templates`` (with their lines) ``copies`` times in SQL.

    A clone keeps its template's customer, month, lines and amounts, and gets
    a new id, uuid, number and a day of the same month (so billing_year,
    billing_month and billing_period_start stay those of the template; they
    are set from the new invoice date anyway).
    """
    cr.execute(
        """
        CREATE TEMP TABLE bench_move_map ON COMMIT DROP AS
        SELECT t.id AS src_id,
               nextval('account_move_id_seq')::int AS new_id,
               t.invoice_date AS old_date,
               date_trunc('month', t.invoice_date)::date + mod(
                   g.n,
                   CASE WHEN date_trunc('month', t.invoice_date)
                             = date_trunc('month', %(today)s::date)
                        THEN extract(day FROM %(today)s::date)::int
                        ELSE 28 END
               ) AS new_date,
               NULL::int AS new_partner
          FROM generate_series(0, %(copies)s - 1) g(n)
          JOIN (SELECT id, invoice_date,
                       row_number() OVER (ORDER BY id) - 1 AS idx
                  FROM account_move WHERE id = ANY(%(ids)s)) t
            ON t.idx = mod(g.n, %(count)s)
        """,
        {"today": today, "copies": copies, "ids": templates, "count": len(templates)},
    )
    moves, lines = clone_moves(cr)
    cr.execute("DROP TABLE bench_line_map")
    cr.execute("DROP TABLE bench_move_map")
    return moves, lines


def clone_moves(cr, move_overrides=None, line_overrides=None):
    """Clone the moves listed in the temp table ``bench_move_map`` in SQL.

    ``bench_move_map`` has one row per clone: ``src_id`` (the move copied),
    ``new_id`` (from account_move_id_seq), ``old_date``/``new_date`` (the
    template's and the clone's date: every date shifts by their difference)
    and ``new_partner`` (NULL: the template's partner). A clone gets a new
    uuid and number (``BENCH/<id>``); its lines (new ids and uuids, listed
    in the temp table ``bench_line_map`` that this creates and leaves for the
    caller: ``src_id``, ``new_id``, ``new_move_id``, ``new_date``, ``delta``,
    ``new_partner``) keep their template's amounts, taxes and tax tags.
    ``move_overrides``/``line_overrides`` add column expressions over ``m``
    (the map row) and ``s`` (the template move) or ``lm`` and ``s`` (line).
    Returns (moves, lines) inserted.
    """
    numbered = "s.name IS NOT NULL AND s.name <> '/'"
    new_name = f"CASE WHEN {numbered} THEN 'BENCH/' || m.new_id ELSE s.name END"
    delta = "(m.new_date - m.old_date)"
    # Entries that are no invoices (payments) have no invoice date.
    invoice_date = "CASE WHEN s.invoice_date IS NULL THEN NULL ELSE m.new_date END"
    partner = "coalesce(m.new_partner, s.partner_id)"
    moves = insert_select(
        cr,
        "account_move",
        {
            "id": "m.new_id",
            "uuid": NEW_UUID,
            "name": new_name,
            "sequence_prefix": (
                f"CASE WHEN {numbered} THEN 'BENCH/' ELSE s.sequence_prefix END"
            ),
            "sequence_number": (
                f"CASE WHEN {numbered} THEN m.new_id ELSE s.sequence_number END"
            ),
            "payment_reference": (
                f"CASE WHEN s.payment_reference = s.name THEN {new_name}"
                " ELSE s.payment_reference END"
            ),
            "access_token": "NULL",
            "date": f"s.date + {delta}",
            "invoice_date": invoice_date,
            "invoice_date_due": f"s.invoice_date_due + {delta}",
            "billing_year": f"extract(year FROM {invoice_date})::int",
            "billing_month": f"extract(month FROM {invoice_date})::int",
            "billing_period_start": f"date_trunc('month', {invoice_date})::date",
            "partner_id": partner,
            "commercial_partner_id": (
                "CASE WHEN m.new_partner IS NULL THEN s.commercial_partner_id"
                " ELSE m.new_partner END"
            ),
            "partner_shipping_id": (
                "CASE WHEN m.new_partner IS NULL OR s.partner_shipping_id IS NULL"
                " THEN s.partner_shipping_id ELSE m.new_partner END"
            ),
            "invoice_partner_display_name": (
                "CASE WHEN m.new_partner IS NULL OR s.invoice_partner_display_name"
                " IS NULL THEN s.invoice_partner_display_name ELSE np.name END"
            ),
            **(move_overrides or {}),
        },
        "FROM bench_move_map m JOIN account_move s ON s.id = m.src_id"
        " LEFT JOIN res_partner np ON np.id = m.new_partner",
    )
    cr.execute(
        """
        CREATE TEMP TABLE bench_line_map ON COMMIT DROP AS
        SELECT l.id AS src_id,
               nextval('account_move_line_id_seq')::int AS new_id,
               m.new_id AS new_move_id,
               m.new_date,
               m.new_date - m.old_date AS delta,
               m.new_partner
          FROM bench_move_map m JOIN account_move_line l ON l.move_id = m.src_id
        """
    )
    lines = insert_select(
        cr,
        "account_move_line",
        {
            "id": "lm.new_id",
            "move_id": "lm.new_move_id",
            "uuid": NEW_UUID,
            "move_name": "nm.name",
            "date": "s.date + lm.delta",
            "invoice_date": (
                "CASE WHEN s.invoice_date IS NULL THEN NULL ELSE lm.new_date END"
            ),
            "date_maturity": "s.date_maturity + lm.delta",
            "partner_id": (
                "CASE WHEN lm.new_partner IS NULL OR s.partner_id IS NULL"
                " THEN s.partner_id ELSE lm.new_partner END"
            ),
            **(line_overrides or {}),
        },
        "FROM bench_line_map lm JOIN account_move_line s ON s.id = lm.src_id"
        " JOIN account_move nm ON nm.id = lm.new_move_id",
    )
    clone_lines_rels(cr)
    return moves, lines


def create_stats_invoice(env, products, months, today, rng):
    """(c) One posted invoice of 50,000 lines over 200 products.

    The ORM creates and posts 1,000 lines; SQL then clones those product
    lines 49 times and multiplies the tax line, the receivable line and the
    invoice's amounts by 50, so that every line keeps its own price_subtotal
    and price_total and the invoice stays balanced with matching totals.
    """
    customer = create_customer(env, "Stats customer", 999)
    month = months[-2]
    invoice = create_invoices(
        env,
        [
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": month_day(month, 4, today),
                "invoice_line_ids": [
                    Command.create(
                        line_vals(products[k % len(products)], k, month, rng)
                    )
                    for k in range(STATS_ORM_LINES)
                ],
            }
        ],
    )
    env.flush_all()
    factor = STATS_LINES // STATS_ORM_LINES
    cr = env.cr
    cr.execute(
        """
        CREATE TEMP TABLE bench_line_map ON COMMIT DROP AS
        SELECT l.id AS src_id,
               nextval('account_move_line_id_seq')::int AS new_id,
               g.n
          FROM account_move_line l CROSS JOIN generate_series(1, %s) g(n)
         WHERE l.move_id = %s AND l.display_type = 'product'
         ORDER BY g.n, l.sequence, l.id
        """,
        [factor - 1, invoice.id],
    )
    insert_select(
        cr,
        "account_move_line",
        {"id": "lm.new_id", "uuid": NEW_UUID},
        "FROM bench_line_map lm JOIN account_move_line s ON s.id = lm.src_id",
    )
    clone_lines_rels(cr)
    cr.execute("DROP TABLE bench_line_map")
    scaled = [
        "balance",
        "debit",
        "credit",
        "amount_currency",
        "amount_residual",
        "amount_residual_currency",
        "tax_base_amount",
    ]
    cr.execute(
        "UPDATE account_move_line SET "
        + ", ".join(f"{name} = {name} * %(f)s" for name in scaled)
        + " WHERE move_id = %(id)s AND display_type IN ('tax', 'payment_term')",
        {"f": factor, "id": invoice.id},
    )
    amounts = [
        name for name in table_columns(cr, "account_move") if name.startswith("amount_")
    ]
    cr.execute(
        "UPDATE account_move SET "
        + ", ".join(f"{name} = {name} * %(f)s" for name in amounts)
        + " WHERE id = %(id)s",
        {"f": factor, "id": invoice.id},
    )
    env.invalidate_all()
    return invoice


def sql_value(cr, query, params=None):
    cr.execute(query, params)
    return cr.fetchone()[0]


def check_dataset(cr, info):
    """Fail loudly when the generated data is not what the benchmark needs."""
    growth = sql_value(
        cr,
        "SELECT count(*) FROM account_move"
        " WHERE move_type = 'out_invoice' AND commercial_partner_id = ANY(%s)",
        [info["growth_customer_ids"]],
    )
    expect(growth == GROWTH_INVOICES, f"{growth} growth invoices")
    lines = sql_value(
        cr,
        "SELECT count(*) FROM account_move_line"
        " WHERE move_id = %s AND display_type = 'product'",
        [info["stats_invoice_id"]],
    )
    expect(lines == STATS_LINES, f"{lines} lines on the stats invoice")
    unbalanced = sql_value(
        cr,
        "SELECT count(*) FROM (SELECT move_id FROM account_move_line"
        " GROUP BY move_id HAVING sum(balance) <> 0) unbalanced",
    )
    expect(unbalanced == 0, f"{unbalanced} unbalanced moves")
    # Stored billing fields agree with the invoice dates.
    wrong = sql_value(
        cr,
        """
        SELECT count(*) FROM account_move
         WHERE move_type = 'out_invoice' AND (
               billing_year <> extract(year FROM invoice_date)
            OR billing_month <> extract(month FROM invoice_date)
            OR billing_period_start <> date_trunc('month', invoice_date)::date
            OR commercial_partner_id <> partner_id
            OR billing_state IS NULL)
        """,
    )
    expect(wrong == 0, f"{wrong} invoices with wrong billing fields")
    cr.execute(
        "SELECT billing_state, count(*) FROM account_move"
        " WHERE move_type = 'out_invoice' GROUP BY 1 ORDER BY 1"
    )
    return dict(cr.fetchall())


def recompute_differences(records, field_names):
    """(id, field, stored, recomputed) where the ORM disagrees with the SQL."""
    env = records.env
    stored = {r.id: {name: r[name] for name in field_names} for r in records}
    env.invalidate_all()
    records = records.browse(records.ids)
    for name in field_names:
        env.add_to_compute(records._fields[name], records)
    records._recompute_recordset(field_names)
    return [
        (record.id, name, stored[record.id][name], record[name])
        for record in records
        for name in field_names
        if record[name] != stored[record.id][name]
    ]


def check_with_orm(env, info):
    """Recompute what SQL wrote (a sample of clones, the big invoice's totals
    and 2,000 of its lines) with the ORM's compute methods; nothing is saved.
    """
    cr = env.cr
    cr.execute(
        "SELECT id FROM account_move"
        " WHERE move_type = 'out_invoice' AND commercial_partner_id = ANY(%s)"
        " ORDER BY random() LIMIT 300",
        [info["growth_customer_ids"]],
    )
    ids = [row[0] for row in cr.fetchall()] + [info["stats_invoice_id"]]
    moves = env["account.move"].browse(ids)
    diffs = recompute_differences(moves, RECOMPUTED_MOVE_FIELDS)
    lines = env["account.move.line"].search(
        [("move_id", "=", info["stats_invoice_id"]), ("display_type", "=", "product")],
        order="id desc",
        limit=2000,
    )
    diffs += recompute_differences(lines, ["price_subtotal", "price_total"])
    cr.rollback()
    expect(not diffs, f"stored values differ from the ORM's: {diffs[:5]}")


def generate(db):
    """Build the three datasets; return their description (also stored)."""
    started = time.perf_counter()
    rng = random.Random(SEED)
    today = datetime.date.today()
    months = [
        today.replace(day=1) - relativedelta(months=i)
        for i in range(GROWTH_MONTHS - 1, -1, -1)
    ]
    timings = {}
    with Registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, dict(NO_TRACKING))
        t = time.perf_counter()
        products = create_catalogue(env, rng)
        list_customer = create_list_dataset(env, products, months, today, rng)
        timings["list_orm"] = time.perf_counter() - t
        log(f"  (a) {LIST_INVOICES} x {LIST_LINES} lines: {timings['list_orm']:.1f}s")

        t = time.perf_counter()
        customers, templates = create_growth_templates(
            env, products, months, today, rng
        )
        timings["growth_orm"] = time.perf_counter() - t
        t = time.perf_counter()
        moves, lines = clone_growth_invoices(
            cr, templates.ids, GROWTH_INVOICES - len(templates), today
        )
        timings["growth_sql"] = time.perf_counter() - t
        log(
            f"  (b) {len(templates)} ORM invoices in {timings['growth_orm']:.1f}s,"
            f" {moves} clones ({lines} lines) in SQL in {timings['growth_sql']:.1f}s"
        )

        t = time.perf_counter()
        invoice = create_stats_invoice(env, products, months, today, rng)
        timings["stats"] = time.perf_counter() - t
        log(f"  (c) 1 invoice x {STATS_LINES} lines: {timings['stats']:.1f}s")

        info = {
            "version": DATASET_VERSION,
            "month": today.strftime("%Y-%m"),
            "growth_invoices": GROWTH_INVOICES,
            "list_customer_id": list_customer.id,
            "list_customer_uuid": list_customer.uuid,
            "growth_customer_ids": customers.ids,
            "stats_invoice_id": invoice.id,
            "stats_invoice_uuid": invoice.uuid,
        }
        env.flush_all()
        # Fold the invoice list's kept count (one row per cloned invoice).
        env["account.move"]._billing_compact_invoice_counts()
        cr.commit()
        info["billing_states"] = check_dataset(cr, info)
        check_with_orm(env, info)
        info["generation_seconds"] = round(time.perf_counter() - started, 1)
        info["generation_timings"] = {k: round(v, 1) for k, v in timings.items()}
        env["ir.config_parameter"].set_param(MARKER, json.dumps(info))
        cr.commit()
        cr.execute("ANALYZE")
    return info
