"""The Waldur-size dataset of issue 13, built in a database.

    generate(db, params)       build it (ORM templates, SQL clones for volume)
    stored_dataset(db, params) its description when the database holds it

Defaults are the size Waldur's figures were recorded at: 2,000 customers,
50,000 invoices of 10 lines over 24 months, 40 % of them paid by 20,000
posted ``account.payment``s reconciled with their invoice. The ORM creates
templates (per month and kind: paid, open, cancelled, and the current
month's drafts) and pays the paid ones through the addon's own methods
(``_billing_create_payment`` + ``_billing_link_invoice``); SQL then clones
them, each clone with a customer and a day of its own, and clones for every
paid invoice its template's payment: the payment entry and its lines, the
partial and full reconciliation, the payment's invoice link, a new uuid per
row. The books are then checked (``tests/ledger.py``'s invariants, counts,
unique uuids, and the ORM's recomputation of a sample), then
``VACUUM ANALYZE``. See bench/README.md.
"""

import datetime
import json
import random
import subprocess
import time
from dataclasses import asdict, dataclass

from common import expect, log, psql
from dataset import (
    NEW_UUID,
    NO_TRACKING,
    RECOMPUTED_MOVE_FIELDS,
    clone_moves,
    create_catalogue,
    customer_vals,
    insert_select,
    line_vals,
    month_day,
    recompute_differences,
    sql_value,
)
from dateutil.relativedelta import relativedelta
from ledger import ledger_problems

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry

MARKER = "bench_waldur_size.dataset"  # ir.config_parameter describing the data
DATASET_VERSION = 1
SEED = 20261202
VARIANTS = 2  # ORM templates per month and kind, so that amounts differ
CANCELLED_SHARE = 1 / 23  # of the unpaid invoices of past months
ORM_BATCH = 40


@dataclass(frozen=True)
class Params:
    customers: int = 2_000
    invoices: int = 50_000
    lines: int = 10
    months: int = 24
    paid_share: float = 0.4

    @property
    def payments(self):
        return round(self.invoices * self.paid_share)

    def check(self):
        templates = VARIANTS * (3 * (self.months - 1) + 1)
        expect(self.months >= 2, "at least 2 months (one past, the current)")
        expect(self.customers >= 1 and self.lines >= 1, "customers, lines >= 1")
        expect(
            self.invoices >= max(templates, self.customers),
            f"at least {max(templates, self.customers)} invoices for these "
            f"parameters (the {templates} ORM templates, one per customer)",
        )
        expect(0 <= self.paid_share < 1, "paid share in [0, 1)")


def stored_dataset(db, params):
    """The description kept in ``db`` when it holds this dataset, else None."""
    raw = psql(db, f"SELECT value FROM ir_config_parameter WHERE key = '{MARKER}'")
    if not raw:
        return None
    info = json.loads(raw)
    if (
        info.get("version") != DATASET_VERSION
        or info.get("params") != asdict(params)
        # The dates are relative to today: a new month moves the windows.
        or info.get("month") != datetime.date.today().strftime("%Y-%m")
    ):
        return None
    return info


def create_customers(env, params):
    """The customers, each with an active payment profile on the bank journal."""
    bank = env["account.journal"].search(
        [*env["account.journal"]._check_company_domain(env.company)]
        + [("type", "=", "bank")],
        limit=1,
    )
    expect(bank, "the company has a bank journal")
    customers = env["res.partner"].create(
        [
            customer_vals(env, f"Customer {n + 1:05d}", n + 1)
            for n in range(params.customers)
        ]
    )
    profiles = env["billing.payment.profile"].create(
        [
            {
                "name": f"Invoices of {customer.name}",
                "partner_id": customer.id,
                "payment_type": "invoices",
                "journal_id": bank.id,
            }
            for customer in customers
        ]
    )
    return customers, profiles


def template_kinds(params):
    """[(month index, kind)] of the ORM templates, VARIANTS of each."""
    kinds = []
    for m in range(params.months - 1):
        kinds += [(m, kind) for kind in ("paid", "open", "cancel")] * VARIANTS
    return kinds + [(params.months - 1, "draft")] * VARIANTS


def create_templates(env, params, products, months, customers, profiles, rng):
    """{(month, kind): [invoice ids]} through the ORM; paid ones are paid.

    Template ``j`` belongs to customer ``j`` (modulo their number), so that
    templates are ordinary invoices of the dataset.
    """
    today = datetime.date.today()
    kinds = template_kinds(params)
    vals_list = []
    for j, (m, _kind) in enumerate(kinds):
        month = months[m]
        vals_list.append(
            {
                "move_type": "out_invoice",
                "partner_id": customers[j % len(customers)].id,
                "invoice_date": month_day(month, j, today),
                "invoice_line_ids": [
                    Command.create(
                        line_vals(
                            products[(j * 7 + k) % len(products)],
                            j * params.lines + k,
                            month,
                            rng,
                        )
                    )
                    for k in range(params.lines)
                ],
            }
        )
    moves = env["account.move"]
    for i in range(0, len(vals_list), ORM_BATCH):
        moves |= env["account.move"].create(vals_list[i : i + ORM_BATCH])
    by_kind = {}
    payments = env["account.payment"]
    for j, (move, (m, kind)) in enumerate(zip(moves, kinds, strict=True)):
        by_kind.setdefault((m, kind), []).append(move.id)
        if kind == "draft":
            continue
        move.action_post()
        if kind == "cancel":
            move.button_draft()
            move.button_cancel()
        elif kind == "paid":
            profile = profiles[j % len(profiles)]
            payment = payments._billing_create_payment(
                profile, move.invoice_date, move.amount_total
            )
            payment._billing_link_invoice(move)
            expect(move.payment_state in ("paid", "in_payment"), "template paid")
    env.flush_all()
    return by_kind, len(moves)


def clone_plan(params, months, templates, template_count, customers, rng):
    """(template id, customer id, date) of every clone, and the paid count.

    Clones get a random customer, month and day; in past months exactly as
    many are paid as the paid share asks for (minus the paid templates), one
    in 23 of the others is cancelled; the current month's are drafts.
    """
    today = datetime.date.today()
    clones = params.invoices - template_count
    month_of = [rng.randrange(params.months) for _ in range(clones)]
    past = [i for i in range(clones) if month_of[i] < params.months - 1]
    paid_templates = sum(len(v) for (_m, k), v in templates.items() if k == "paid")
    to_pay = params.payments - paid_templates
    expect(
        0 <= to_pay <= len(past),
        f"{params.payments} payments do not fit {len(past)} past-month invoices",
    )
    paid = set(rng.sample(past, to_pay))
    kinds = []
    for i in range(clones):
        if month_of[i] == params.months - 1:
            kinds.append("draft")
        elif i in paid:
            kinds.append("paid")
        elif rng.random() < CANCELLED_SHARE:
            kinds.append("cancel")
        else:
            kinds.append("open")
    plan = ([], [], [])
    for i in range(clones):
        variants = templates[(month_of[i], kinds[i])]
        plan[0].append(variants[i % len(variants)])
        plan[1].append(customers[rng.randrange(len(customers))].id)
        plan[2].append(month_day(months[month_of[i]], rng.randrange(28), today))
    return plan, paid_templates + to_pay


def clone_invoices(cr, plan):
    """Clone the invoices of ``plan`` in SQL; keep their maps for payments."""
    cr.execute(
        """
        CREATE TEMP TABLE bench_move_map ON COMMIT DROP AS
        SELECT p.src_id,
               nextval('account_move_id_seq')::int AS new_id,
               t.invoice_date AS old_date,
               p.new_date,
               p.new_partner
          FROM unnest(%s::int[], %s::int[], %s::date[])
               WITH ORDINALITY p(src_id, new_partner, new_date, n)
          JOIN account_move t ON t.id = p.src_id
         ORDER BY p.n
        """,
        list(plan),
    )
    moves, lines = clone_moves(cr)
    cr.execute("ALTER TABLE bench_move_map RENAME TO bench_invoice_map")
    cr.execute("ALTER TABLE bench_line_map RENAME TO bench_invoice_line_map")
    return moves, lines


def clone_payments(cr):
    """For every cloned invoice of a paid template, a clone of its payment.

    The payment entry and its lines are cloned like invoices (dates shifted
    as the invoice's, the invoice's customer), then the payment itself (its
    customer's active profile, a new uuid), its invoice link, and the
    template's full and partial reconciliation between the two receivable
    lines; the reconciled lines point to the new full reconciliation.
    """
    cr.execute(
        """
        CREATE TEMP TABLE bench_payment_map ON COMMIT DROP AS
        SELECT m.new_id AS invoice_id,
               m.new_partner,
               m.new_date - m.old_date AS delta,
               tp.id AS src_payment_id,
               tp.move_id AS src_move_id,
               nextval('account_payment_id_seq')::int AS new_payment_id,
               nextval('account_move_id_seq')::int AS new_move_id,
               fr.full_reconcile_id AS src_full_id,
               nextval('account_full_reconcile_id_seq')::int AS new_full_id
          FROM bench_invoice_map m
          JOIN account_move__account_payment rel ON rel.invoice_id = m.src_id
          JOIN account_payment tp ON tp.id = rel.payment_id
          JOIN LATERAL (SELECT DISTINCT l.full_reconcile_id FROM account_move_line l
                         WHERE l.move_id = m.src_id
                           AND l.full_reconcile_id IS NOT NULL) fr ON true
         ORDER BY m.new_id
        """
    )
    cr.execute(
        """
        CREATE TEMP TABLE bench_move_map ON COMMIT DROP AS
        SELECT p.src_move_id AS src_id, p.new_move_id AS new_id,
               pm.date AS old_date, pm.date + p.delta AS new_date, p.new_partner
          FROM bench_payment_map p JOIN account_move pm ON pm.id = p.src_move_id
        """
    )
    # The entry points to its payment (origin_payment_id) and the payment to
    # its entry: the entry first, without it, then the payment, then the link.
    clone_moves(cr, move_overrides={"origin_payment_id": "NULL"})
    payments = insert_select(
        cr,
        "account_payment",
        {
            "id": "p.new_payment_id",
            "uuid": NEW_UUID,
            "move_id": "p.new_move_id",
            "partner_id": "p.new_partner",
            "payment_profile_id": "profile.id",
            "date": "s.date + p.delta",
            "name": "nm.name",
            "message_main_attachment_id": "NULL",
        },
        "FROM bench_payment_map p JOIN account_payment s ON s.id = p.src_payment_id"
        " JOIN account_move nm ON nm.id = p.new_move_id"
        " JOIN billing_payment_profile profile"
        " ON profile.partner_id = p.new_partner AND profile.is_active",
    )
    cr.execute(
        "UPDATE account_move m SET origin_payment_id = p.new_payment_id"
        " FROM bench_payment_map p WHERE m.id = p.new_move_id"
    )
    cr.execute(
        "INSERT INTO account_move__account_payment (invoice_id, payment_id)"
        " SELECT invoice_id, new_payment_id FROM bench_payment_map"
    )
    insert_select(
        cr,
        "account_full_reconcile",
        {"id": "p.new_full_id", "exchange_move_id": "NULL"},
        "FROM bench_payment_map p"
        " JOIN account_full_reconcile s ON s.id = p.src_full_id",
    )
    insert_select(
        cr,
        "account_partial_reconcile",
        {
            "id": "nextval('account_partial_reconcile_id_seq')",
            "debit_move_id": "debit.new_id",
            "credit_move_id": "credit.new_id",
            "full_reconcile_id": "p.new_full_id",
            "exchange_move_id": "NULL",
            "max_date": "s.max_date + p.delta",
        },
        "FROM bench_payment_map p"
        " JOIN account_partial_reconcile s ON s.full_reconcile_id = p.src_full_id"
        " JOIN bench_invoice_line_map debit"
        " ON debit.src_id = s.debit_move_id AND debit.new_move_id = p.invoice_id"
        " JOIN bench_line_map credit"
        " ON credit.src_id = s.credit_move_id AND credit.new_move_id = p.new_move_id",
    )
    for move_column in ("invoice_id", "new_move_id"):
        cr.execute(
            f"""
            UPDATE account_move_line l
               SET full_reconcile_id = p.new_full_id,
                   matching_number = p.new_full_id::text
              FROM bench_payment_map p
             WHERE l.move_id = p.{move_column} AND l.full_reconcile_id IS NOT NULL
            """
        )
    for table in (
        "bench_line_map",
        "bench_move_map",
        "bench_payment_map",
        "bench_invoice_line_map",
        "bench_invoice_map",
    ):
        cr.execute(f"DROP TABLE {table}")
    return payments


def check_books(db, cr, params):
    """Counts, unique uuids, tests/ledger.py's invariants: stop on any doubt."""
    counts = {
        "invoices": sql_value(
            cr, "SELECT count(*) FROM account_move WHERE move_type = 'out_invoice'"
        ),
        "invoice_lines": sql_value(
            cr,
            "SELECT count(*) FROM account_move_line l JOIN account_move m"
            " ON m.id = l.move_id WHERE m.move_type = 'out_invoice'"
            " AND l.display_type = 'product'",
        ),
        "payments": sql_value(
            cr,
            "SELECT count(*) FROM account_payment"
            " WHERE payment_profile_id IS NOT NULL AND state != 'canceled'",
        ),
        "paid_invoices": sql_value(
            cr,
            "SELECT count(*) FROM account_move WHERE move_type = 'out_invoice'"
            " AND billing_state = 'paid'",
        ),
        "customers": sql_value(
            cr,
            "SELECT count(DISTINCT commercial_partner_id) FROM account_move"
            " WHERE move_type = 'out_invoice'",
        ),
    }
    expected = {
        "invoices": params.invoices,
        "invoice_lines": params.invoices * params.lines,
        "payments": params.payments,
        "paid_invoices": params.payments,
    }
    for name, value in expected.items():
        expect(counts[name] == value, f"{counts[name]} {name}, not {value}")
    for table in ("account_move", "account_move_line", "account_payment"):
        duplicates = sql_value(
            cr, f"SELECT count(*) - count(DISTINCT uuid) FROM {table}"
        )
        expect(duplicates == 0, f"{duplicates} duplicate uuids in {table}")
    cr.execute(
        "SELECT billing_state, count(*) FROM account_move"
        " WHERE move_type = 'out_invoice' GROUP BY 1 ORDER BY 1"
    )
    counts["billing_states"] = dict(cr.fetchall())
    problems = ledger_problems(db)
    expect(not problems, f"the books are not sound: {problems}")
    counts["ledger_problems"] = problems
    return counts


def check_with_orm(env):
    """The ORM's own computes agree with what SQL wrote (300 random invoices,
    their payments); nothing is saved."""
    cr = env.cr
    cr.execute(
        "SELECT id FROM account_move WHERE move_type = 'out_invoice'"
        " ORDER BY random() LIMIT 300"
    )
    moves = env["account.move"].browse([row[0] for row in cr.fetchall()])
    diffs = recompute_differences(moves, RECOMPUTED_MOVE_FIELDS)
    payments = moves.matched_payment_ids
    diffs += recompute_differences(payments, ["is_reconciled", "is_matched", "state"])
    lines = moves.line_ids
    diffs += recompute_differences(lines, ["amount_residual", "reconciled"])
    cr.rollback()
    expect(not diffs, f"stored values differ from the ORM's: {diffs[:5]}")
    return len(moves), len(payments)


def generate(db, params):
    """Build the dataset in ``db`` (the addon installed); its description."""
    params.check()
    started = time.perf_counter()
    rng = random.Random(SEED)
    today = datetime.date.today()
    months = [
        today.replace(day=1) - relativedelta(months=i)
        for i in range(params.months - 1, -1, -1)
    ]
    timings = {}
    with Registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, dict(NO_TRACKING))
        t = time.perf_counter()
        products = create_catalogue(env, rng)
        customers, profiles = create_customers(env, params)
        templates, template_count = create_templates(
            env, params, products, months, customers, profiles, rng
        )
        timings["orm"] = time.perf_counter() - t
        log(
            f"  ORM: {len(customers)} customers and profiles, {template_count}"
            f" template invoices in {timings['orm']:.1f}s"
        )
        t = time.perf_counter()
        plan, payments = clone_plan(
            params, months, templates, template_count, customers, rng
        )
        moves, lines = clone_invoices(cr, plan)
        timings["invoices_sql"] = time.perf_counter() - t
        log(f"  SQL: {moves} invoices, {lines} lines in {timings['invoices_sql']:.1f}s")
        t = time.perf_counter()
        cloned = clone_payments(cr)
        timings["payments_sql"] = time.perf_counter() - t
        log(f"  SQL: {cloned} payments in {timings['payments_sql']:.1f}s")
        env.invalidate_all()
        # The invoice list's kept count got one row per cloned invoice (its
        # trigger): fold them, as the hourly job would.
        env["account.move"]._billing_compact_invoice_counts()
        # Statistics of the cloned rows before the checks: without them the
        # planner takes the new tables for small, and at 200,000 invoices
        # the ledger checks' per-invoice lookups ran for over 8 minutes.
        cr.execute("ANALYZE")
        cr.commit()
        t = time.perf_counter()
        books = check_books(db, cr, params)
        sampled = check_with_orm(env)
        timings["checks"] = time.perf_counter() - t
        log(f"  books verified in {timings['checks']:.1f}s: {books}")
        first_customer = customers[0]
        info = {
            "version": DATASET_VERSION,
            "params": asdict(params),
            "month": today.strftime("%Y-%m"),
            "books": books,
            "orm_checked_invoices_payments": list(sampled),
            "first_customer_uuid": first_customer.uuid,
            "expected_payments": payments,
        }
        cr.commit()
    t = time.perf_counter()
    subprocess.run(["psql", "-X", "-q", "-d", db, "-c", "VACUUM ANALYZE"], check=True)
    timings["vacuum_analyze"] = time.perf_counter() - t
    info["generation_seconds"] = round(time.perf_counter() - started, 1)
    info["generation_timings"] = {k: round(v, 1) for k, v in timings.items()}
    with Registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param(MARKER, json.dumps(info))
    return info
