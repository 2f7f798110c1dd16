"""Installing the addon on a database that already has accounting data.

The uuid columns are added to tables that already hold invoices, lines and
partners: every existing row must get its own uuid, and an upgrade must keep
them. The stored billing fields of the existing moves are filled in SQL by
the pre-init hook: they must be what the Python computes give.
"""

import ast
import json
import os
import re

import pytest
from e2e import ADDON, REPO_ROOT, dropdb, odoo_command, odoo_script, psql

pytestmark = pytest.mark.e2e  # Odoo processes of its own; not in `make test-fast`

HEX32 = re.compile(r"^[0-9a-f]{32}$")
TABLES = ("res_partner", "account_move", "account_move_line", "res_company")

CREATE_INVOICES = """
names = [f"Early customer {i}" for i in range(3)]
partners = env["res.partner"].create([{"name": name} for name in names])
for partner in partners:
    invoice = env["account.move"].create({
        "move_type": "out_invoice",
        "partner_id": partner.id,
        "invoice_line_ids": [
            (0, 0, {"name": "Service", "quantity": 2, "price_unit": 50}),
        ],
    })
    invoice.action_post()
print(len(partners))
"""

# Moves in every branch of _compute_billing_state and _compute_billing_period:
# drafts, posted, cancelled, paid, reversed, refunds, receipts, a vendor bill
# and an entry (no billing state), invoice dates and creation dates (the UTC
# date, near a month's end), a move with no date at all (today). The payment
# states Odoo cannot reach here are set in SQL, as the hook only reads them.
CREATE_MOVES_OF_EVERY_STATE = """
company = env.company
if not env["account.account"].search_count([("company_ids", "in", company.ids)]):
    env["account.chart.template"].try_loading("generic_coa", company, False)
partner = env["res.partner"].create({"name": "Every state"})

def move(move_type="out_invoice", post=True, **values):
    record = env["account.move"].create({
        "move_type": move_type,
        "partner_id": partner.id,
        "invoice_line_ids": [
            (0, 0, {"name": "Service", "quantity": 1, "price_unit": 100}),
        ],
        **values,
    })
    if post:
        record.action_post()
    return record

undated = move(post=False)
move(post=False, invoice_date="2024-02-29")
no_date = move(post=False)
move(invoice_date="2024-12-31")
move(post=False).button_cancel()
move("out_refund")
move("out_receipt")
move("out_receipt", post=False)
move("in_invoice", invoice_date="2024-03-01")
move("in_refund", post=False)
env["account.move"].create({"move_type": "entry"})
paid = move()
env["account.payment.register"].with_context(
    active_model="account.move", active_ids=paid.ids
).create({})._create_payments()
move()._reverse_moves(cancel=True)
for payment_state in ("paid", "in_payment", "invoicing_legacy", "reversed",
                      "partial", "not_paid"):
    for move_type in ("out_invoice", "in_invoice"):
        record = move(move_type, invoice_date="2024-06-15")
        cr.execute(
            "UPDATE account_move SET payment_state = %s WHERE id = %s",
            [payment_state, record.id],
        )
env.flush_all()
cr.execute(
    "UPDATE account_move SET create_date = '2023-05-31 23:30:00' WHERE id = %s",
    [undated.id],
)
cr.execute("UPDATE account_move SET create_date = NULL WHERE id = %s", [no_date.id])
print(env["account.move"].search_count([]))
"""

# The stored values against the Python computes run again (nothing saved).
COMPARE_WITH_COMPUTES = """
import json
names = ["billing_state", "billing_year", "billing_month", "billing_period_start"]
moves = env["account.move"].search([])
stored = {move.id: [move[name] for name in names] for move in moves}
env.invalidate_all()
moves = moves.browse(moves.ids)
for name in names:
    env.add_to_compute(moves._fields[name], moves)
moves._recompute_recordset(names)
computed = {move.id: [move[name] for name in names] for move in moves}
cr.rollback()
print(json.dumps({
    "differences": [
        [move_id, stored[move_id], computed[move_id]]
        for move_id in stored
        if stored[move_id] != computed[move_id]
    ],
    "states": sorted({str(values[0]) for values in stored.values()}),
}, default=str))
"""


@pytest.fixture()
def database():
    name = f"billing_e2e_install_{os.getpid()}"
    dropdb(name)
    yield name
    dropdb(name)


def uuids(database, table):
    return [row[0] for row in psql(database, f"SELECT uuid FROM {table}")]


def test_install_backfills_and_upgrade_keeps_uuids(database):
    odoo_command(database, "-i", "account", "--without-demo=all")
    assert odoo_script(database, CREATE_INVOICES).strip() == "3"

    odoo_command(database, "-i", ADDON, "--without-demo=all")
    before = {}
    for table in TABLES:
        values = uuids(database, table)
        assert values, table
        assert all(value and HEX32.match(value) for value in values), table
        assert len(set(values)) == len(values), f"{table}: uuids repeat"
        before[table] = sorted(values)
    states = psql(
        database,
        "SELECT billing_state, count(*) FROM account_move"
        " WHERE move_type = 'out_invoice' GROUP BY billing_state",
    )
    assert states == [["created", "3"]]

    # As a database installed at 18.0.1.2.0 was: a plain uuid index beside
    # each UNIQUE(uuid). The 18.0.1.3.0 migration drops them.
    for table in TABLES:
        psql(database, f"CREATE INDEX {table}__uuid_index ON {table} (uuid)")
    psql(
        database,
        "UPDATE ir_module_module SET latest_version = '18.0.1.2.0'"
        f" WHERE name = '{ADDON}'",
    )
    odoo_command(database, "-u", ADDON)
    for table in TABLES:
        assert sorted(uuids(database, table)) == before[table], table
        indexes = psql(
            database,
            "SELECT indexname FROM pg_indexes"
            f" WHERE tablename = '{table}' AND indexdef LIKE '%(uuid)'",
        )
        assert indexes == [[f"{table}_uuid_unique"]], (table, indexes)
    assert psql(
        database,
        f"SELECT state, latest_version FROM ir_module_module WHERE name = '{ADDON}'",
    ) == [["installed", manifest_version()]]


def test_install_fills_billing_fields_in_sql(database):
    odoo_command(database, "-i", "account", "--without-demo=all")
    count = int(odoo_script(database, CREATE_MOVES_OF_EVERY_STATE))

    # The ORM logs each stored field it computes for the existing rows.
    install = odoo_command(
        database, "-i", ADDON, "--without-demo=all", "--log-handler=odoo.models:INFO"
    )
    assert "Prepare computation of account.move.billing" not in install.stderr
    result = json.loads(odoo_script(database, COMPARE_WITH_COMPUTES))
    assert result["differences"] == []
    assert result["states"] == ["False", "canceled", "created", "paid", "pending"]
    # The undated draft's period is its creation date in UTC, not today's.
    assert psql(
        database,
        "SELECT billing_state, billing_year, billing_month, billing_period_start"
        " FROM account_move WHERE create_date = '2023-05-31 23:30:00'",
    ) == [["pending", "2023", "5", "2023-05-01"]]
    assert psql(
        database,
        "SELECT count(*), count(billing_period_start) FROM account_move",
    ) == [[str(count), str(count)]]


def manifest_version():
    manifest = ast.literal_eval((REPO_ROOT / ADDON / "__manifest__.py").read_text())
    return manifest["version"]
