"""Reads on a streaming replica, writes on the primary (issue 13, "Past one
machine").

The test makes a hot standby of the tests' PostgreSQL server on this
machine (``pg_basebackup -R`` to a port and directory of its own, see
``e2e.streaming_replica``) and runs a ``--workers=2`` Odoo with
``--db_replica_host``/``--db_replica_port``. The API's safe verbs ask Odoo
for a read-only cursor (``dialects.common.api_route``), which Odoo opens on
the replica; every other verb gets a read/write cursor on the primary.

Where the queries ran is PostgreSQL's own account: the scan and row
counters of ``pg_stat_user_tables``, which each server keeps for the
queries it runs itself (a standby does not count the WAL it replays). A
backend flushes them as it exits, so each server is stopped, and its
connections gone, before the counters are compared: what they show does
not depend on how fast the machine is.

Each test prints its figures: run pytest with ``-s`` (or ``-rP``) to see them.
"""

import contextlib
import json
import os
import shutil
import time
from urllib.parse import urlsplit

import pytest
import requests
from e2e import (
    REQUEST_TIMEOUT,
    dropdb,
    fresh_database,
    odoo_script,
    psql,
    start_server,
    stop_server,
    streaming_replica,
    wait_for_odoo_disconnect,
)
from ledger import ledger_problems

pytestmark = pytest.mark.e2e  # Odoo processes of its own; not in `make test-fast`

DATABASE = (
    f"{os.environ.get('BILLING_E2E_DB_PREFIX', 'billing_e2e')}_replica_{os.getpid()}"
)
INVOICES = 6
# What the API's reads touch and Odoo's own bookkeeping of a request on the
# primary (registry signaling, routing) never does.
API_TABLES = (
    "account_move",
    "account_move_line",
    "account_payment",
    "res_users_apikeys",
)
REQUESTS_PER_ENDPOINT = 3
PROOF = b"\x89PNG\r\n\x1a\n a payment's proof, read through the replica"
# Odoo's messages when a read-only request falls back to the primary.
FALLBACKS = (
    "retrying with a read/write cursor",
    "Failed to open a readonly cursor",
)

SETUP = f"""
import json

company = env.company
if not env["account.account"].search_count([("company_ids", "in", company.ids)]):
    env["account.chart.template"].try_loading("generic_coa", company, False)
customer = env["res.partner"].create({{"name": "Replica customer"}})
product = env["product.product"].create({{"name": "Replica item", "lst_price": 100}})
bank = env["account.journal"].search(
    [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
)
profile = env["billing.payment.profile"].create(
    {{"name": "Replica profile", "partner_id": customer.id, "journal_id": bank.id}}
)
invoices = env["account.move"]
for _ in range({INVOICES}):
    invoice = env["account.move"].create(
        {{
            "move_type": "out_invoice",
            "partner_id": customer.id,
            "invoice_line_ids": [
                (0, 0, {{"product_id": product.id, "price_unit": 100, "quantity": 2}})
            ],
        }}
    )
    invoice.action_post()
    invoices |= invoice
# A payment that settles part of an invoice: Space Invoices shows it.
payment = env["account.payment"]._billing_create_payment(
    profile, invoices[0].date, 10.0, proof=("receipt.png", {PROOF!r})
)
payment._billing_link_invoice(invoices[0])
key = env.ref("base.user_admin")._billing_new_api_key("replica")
print(json.dumps({{
    "key": key,
    "invoices": invoices.mapped("uuid"),
    "total": str(invoices[0].amount_total),
    "company": company.uuid,
    "profile": profile.uuid,
    "payment": payment.uuid,
    "filestore": odoo.tools.config.filestore(env.cr.dbname),
}}))
"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """The setup's uuids and key, and ``replica``: a hot standby that has
    replayed the setup (made after it: pg_basebackup copies the cluster)."""
    setup = {}
    try:
        fresh_database(DATABASE)
        setup = json.loads(odoo_script(DATABASE, SETUP).splitlines()[-1])
        with streaming_replica() as replica:
            yield {**setup, "replica": replica, "tmp": tmp_path_factory}
    finally:
        dropdb(DATABASE)
        if setup:
            shutil.rmtree(setup["filestore"], ignore_errors=True)


@contextlib.contextmanager
def odoo_with_replica(cluster, name):
    """(base URL, log path) of a 2-worker Odoo whose read-only cursors go to
    the replica; on exit, stopped and disconnected from both servers."""
    replica = cluster["replica"]
    directory = cluster["tmp"].mktemp(name)
    # Odoo's default filestore, the one the setup stored the proof in.
    process, base = start_server(directory, DATABASE, *replica.odoo_options)
    try:
        yield base, directory / "odoo.log"
    finally:
        stop_server(process)
        wait_for_odoo_disconnect(DATABASE)
        wait_for_odoo_disconnect(DATABASE, env=replica.env)


def counters(run_psql):
    """{table: (scans, inserted rows)} of the API's tables on the server
    that ``run_psql`` (e2e.psql or StreamingReplica.psql) queries."""
    tables = ", ".join(f"'{table}'" for table in API_TABLES)
    rows = run_psql(
        DATABASE,
        "SELECT relname, seq_scan + coalesce(idx_scan, 0), n_tup_ins"
        f" FROM pg_stat_user_tables WHERE relname IN ({tables})",
    )
    return {name: (int(scans), int(inserted)) for name, scans, inserted in rows}


def primary_counters():
    return counters(psql)


def replica_counters(replica):
    return counters(replica.psql)


def scans(before, after):
    """{table: scans between the two counters}, the tables that had any."""
    return {
        table: after[table][0] - before[table][0]
        for table in API_TABLES
        if after[table][0] != before[table][0]
    }


def get(base, path, key, **headers):
    response = requests.get(
        f"{base}{path}",
        headers={"Authorization": f"Token {key}", **headers},
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code in (200, 304), response.text
    return response


def api_json(method, base, path, key, body=None):
    response = requests.request(
        method,
        f"{base}{path}",
        json=body,
        headers={"Authorization": f"Token {key}"},
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code < 300, response.text
    return response.json()


def fallbacks(log):
    text = log.read_text(errors="replace")
    return [line for line in text.splitlines() if any(f in line for f in FALLBACKS)]


def read_paths(base, key, setup):
    """The GET routes of both dialects, on the setup's records: the three
    of issue 13 (list, retrieve, growth) first, then every other one, so
    that a GET that writes (and so falls back to the primary) shows."""
    invoice, company, payment = (
        setup[name] for name in ("invoice", "company", "payment")
    )
    detail = get(base, f"/api/invoices/{invoice}/", key).json()
    return {
        "invoice list": "/api/invoices/?page_size=100",
        "invoice retrieve": f"/api/invoices/{invoice}/",
        "invoice growth": "/api/invoices/growth/",
        "invoice items": f"/api/invoices/{invoice}/items/",
        "invoice stats": f"/api/invoices/{invoice}/stats/",
        "invoice stats xlsx": f"/api/invoices/{invoice}/stats/?format=xlsx",
        "invoice item": urlsplit(detail["items"][0]["url"]).path,
        "customer": urlsplit(detail["customer"]).path,
        "payment profiles": "/api/payment-profiles/",
        "payment profile": f"/api/payment-profiles/{setup['profile']}/",
        "payment list": "/api/payments/",
        "payment retrieve": f"/api/payments/{payment}/",
        "payment proof": f"/api/payments/{payment}/proof/",
        "document payments (Space Invoices)": f"/v1/documents/{invoice}/payments",
        "document payment count (Space Invoices)": (
            f"/v1/documents/{invoice}/payments/count"
        ),
        "organization payments (Space Invoices)": (
            f"/v1/organizations/{company}/payments"
        ),
        "organization payment count (Space Invoices)": (
            f"/v1/organizations/{company}/payments/count"
        ),
        "payment (Space Invoices)": f"/v1/payments/{payment}",
    }


def test_reads_are_served_by_the_replica(cluster):
    """List, retrieve and growth, and every other GET of both dialects,
    scan the API's tables on the replica, and not once on the primary."""
    replica, key = cluster["replica"], cluster["key"]
    invoice = cluster["invoices"][0]
    primary_before = primary_counters()
    replica_before = replica_counters(replica)
    answers = {}
    with odoo_with_replica(cluster, "reads") as (base, log):
        paths = read_paths(base, key, {**cluster, "invoice": invoice})
        for label, path in paths.items():
            for _ in range(REQUESTS_PER_ENDPOINT):
                answers[label] = get(base, path, key)
                assert answers[label].status_code == 200, (label, answers[label].text)
    primary_after = primary_counters()
    replica_after = replica_counters(replica)
    on_primary = scans(primary_before, primary_after)
    on_replica = scans(replica_before, replica_after)
    print(
        f"\n[replica] {1 + REQUESTS_PER_ENDPOINT * len(paths)} GETs on"
        f" {len(paths)} routes: scans on the replica {on_replica}, on the"
        f" primary {on_primary}"
    )
    # What the answers hold is the replicated data.
    listed = answers["invoice list"]
    assert int(listed.headers["X-Result-Count"]) == INVOICES
    assert {item["uuid"] for item in listed.json()} == set(cluster["invoices"])
    assert answers["invoice retrieve"].json()["uuid"] == invoice
    assert answers["invoice growth"].json()["periods"], answers["invoice growth"].text
    assert answers["payment proof"].content == PROOF
    # PostgreSQL's account: the API's reads ran on the replica...
    for table in ("account_move", "account_move_line", "res_users_apikeys"):
        assert on_replica.get(table, 0) >= 3 * REQUESTS_PER_ENDPOINT, on_replica
    assert on_replica.get("account_payment", 0) >= REQUESTS_PER_ENDPOINT, on_replica
    # ...and none on the primary, which Odoo used only for its own
    # bookkeeping (registry signaling, routing).
    assert on_primary == {}, on_primary
    assert fallbacks(log) == []


def test_writes_go_to_the_primary_and_reach_the_replica(cluster):
    """A payment created and linked (POSTs) is written on the primary; once
    replayed, the replica-served GETs show it, and a client's ETag of the
    invoice no longer matches."""
    replica, key = cluster["replica"], cluster["key"]
    invoice = cluster["invoices"][1]
    primary_before = primary_counters()
    replica_before = replica_counters(replica)
    with odoo_with_replica(cluster, "writes") as (base, log):
        before = get(base, f"/api/invoices/{invoice}/", key)
        assert before.json()["state"] != "paid", before.text
        etag = before.headers["ETag"]
        [profile] = [
            p
            for p in api_json("GET", base, "/api/payment-profiles/", key)
            if p["is_active"]
        ]
        payment = requests.post(
            f"{base}/api/payments/",
            json={
                "profile": profile["url"],
                "date_of_payment": "2026-04-01",
                "sum": cluster["total"],
            },
            headers={"Authorization": f"Token {key}"},
            timeout=REQUEST_TIMEOUT,
        )
        assert payment.status_code == 201, payment.text
        uuid = payment.json()["uuid"]
        linked = api_json(
            "POST",
            base,
            f"/api/payments/{uuid}/link_to_invoice/",
            key,
            {"invoice": before.json()["url"]},
        )
        assert linked == {"detail": "An invoice has been linked to payment."}
        # On the primary at once (the replica is read-only: it cannot be
        # anywhere else).
        [[payment_state]] = psql(
            DATABASE,
            "SELECT move.payment_state FROM account_move move"
            f" WHERE move.uuid = '{invoice}'",
        )
        assert payment_state == "paid"
        # Asynchronous replication: a GET right now may still read the
        # replica's older snapshot. Once the replica has replayed the
        # primary's WAL, the GETs show the write.
        waited = time.monotonic()
        replica.wait_for_replay()
        waited = time.monotonic() - waited
        after = get(base, f"/api/invoices/{invoice}/", key, **{"If-None-Match": etag})
        assert after.status_code == 200, "the ETag of the unpaid invoice still matched"
        assert after.json()["state"] == "paid", after.text
        assert after.headers["ETag"] != etag
        shown = api_json("GET", base, f"/api/payments/{uuid}/", key)
        assert shown["invoice"] == before.json()["url"]
        assert uuid in {p["uuid"] for p in api_json("GET", base, "/api/payments/", key)}
    primary_after = primary_counters()
    replica_after = replica_counters(replica)
    inserted_on_primary = (
        primary_after["account_payment"][1] - primary_before["account_payment"][1]
    )
    inserted_on_replica = (
        replica_after["account_payment"][1] - replica_before["account_payment"][1]
    )
    print(
        f"\n[replica] write: payments inserted on the primary {inserted_on_primary},"
        f" on the replica {inserted_on_replica}; replayed {waited:.2f} s after"
        f" the link's answer; scans on the replica"
        f" {scans(replica_before, replica_after)}"
    )
    assert inserted_on_primary == 1
    assert inserted_on_replica == 0
    # The GETs after the replay read the payment on the replica.
    assert scans(replica_before, replica_after).get("account_payment", 0) >= 2
    assert fallbacks(log) == []
    assert ledger_problems(DATABASE) == {}
