"""Installing the addon on a database that already has accounting data.

The uuid columns are added to tables that already hold invoices, lines and
partners: every existing row must get its own uuid, and an upgrade must keep
them.
"""

import ast
import os
import re

import pytest
from e2e import ADDON, REPO_ROOT, dropdb, odoo_command, odoo_script, psql

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

    odoo_command(database, "-u", ADDON)
    for table in TABLES:
        assert sorted(uuids(database, table)) == before[table], table
    assert psql(
        database,
        f"SELECT state, latest_version FROM ir_module_module WHERE name = '{ADDON}'",
    ) == [["installed", manifest_version()]]


def manifest_version():
    manifest = ast.literal_eval((REPO_ROOT / ADDON / "__manifest__.py").read_text())
    return manifest["version"]
