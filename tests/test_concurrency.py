"""Racing API requests against a real Odoo server with two worker processes.

Two ``paid`` calls on one invoice, or two ``link_to_invoice`` calls of one
payment, arrive at the same moment, one per worker. The row locks
(``billing.uuid.mixin._billing_lock``) make one wait; PostgreSQL then aborts
it and Odoo retries it, and the retry sees the committed result (409 or 400).
Exactly one payment or reconciliation must exist afterwards.
"""

import os
import subprocess
import sys
import threading

import pytest
import requests
from e2e import (
    ADDON,
    ADDONS_PATH,
    REQUEST_TIMEOUT,
    dropdb,
    free_port,
    odoo_command,
    odoo_script,
    psql,
    wait_for_server,
)

pytestmark = pytest.mark.e2e  # Odoo processes of its own; not in `make test-fast`

# Per process, so that runs side by side never drop each other's database.
DATABASE = f"billing_e2e_concurrency_{os.getpid()}"

SETUP = """
company = env.company
if not env["account.account"].search_count([("company_ids", "in", company.ids)]):
    env["account.chart.template"].try_loading("generic_coa", company, False)
customer = env["res.partner"].create({"name": "Race customer", "email": "r@x.test"})
product = env["product.product"].create({"name": "Race offering", "lst_price": 100})
bank = env["account.journal"].search(
    [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
)
env["billing.payment.profile"].create(
    {"name": "Race profile", "partner_id": customer.id, "journal_id": bank.id}
)
invoice = env["account.move"].create(
    {
        "move_type": "out_invoice",
        "partner_id": customer.id,
        "invoice_line_ids": [(0, 0, {"product_id": product.id, "price_unit": 100})],
    }
)
invoice.action_post()
second = invoice.copy({"invoice_date": invoice.invoice_date})
second.action_post()
profile = env["billing.payment.profile"].search([("partner_id", "=", customer.id)])
payment = env["account.payment"]._billing_create_payment(profile, second.date, 50.0)
key = env.ref("base.user_admin")._billing_new_api_key("race")
print(invoice.uuid, key, second.uuid, payment.uuid)
"""


@pytest.fixture(scope="module")
def server():
    """(base URL, invoice uuid, API key) of a 2-worker server on a new database."""
    dropdb(DATABASE)
    subprocess.run(["createdb", DATABASE], check=True)
    process = None
    try:
        odoo_command(DATABASE, "-i", ADDON, "--without-demo=all")
        invoice_uuid, key, second_uuid, payment_uuid = odoo_script(
            DATABASE, SETUP
        ).split()
        port = free_port()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "odoo",
                "-d",
                DATABASE,
                f"--addons-path={ADDONS_PATH}",
                f"--db-filter=^{DATABASE}$",
                "--http-interface=127.0.0.1",
                f"--http-port={port}",
                "--workers=2",
                "--max-cron-threads=0",
                "--log-level=warn",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        wait_for_server(base, process)
        # Load the registry in both workers before the race.
        for _ in range(4):
            requests.get(
                f"{base}/api/invoices/{invoice_uuid}/",
                headers={"Authorization": f"Token {key}"},
                timeout=REQUEST_TIMEOUT,
            ).raise_for_status()
        yield base, invoice_uuid, key, second_uuid, payment_uuid
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        dropdb(DATABASE)


def race(url, key, count=2, body=None):
    """POST ``url`` from ``count`` threads released at the same instant."""
    barrier = threading.Barrier(count)
    responses = [None] * count

    def post(index):
        barrier.wait()
        responses[index] = requests.post(
            url,
            json=body or {},
            headers={"Authorization": f"Token {key}"},
            timeout=REQUEST_TIMEOUT,
        )

    threads = [threading.Thread(target=post, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def reconciliations(invoice_uuid):
    """How many partial reconciliations settle the invoice's receivable."""
    [[count]] = psql(
        DATABASE,
        "SELECT count(*) FROM account_partial_reconcile WHERE debit_move_id IN"
        " (SELECT line.id FROM account_move_line line JOIN account_move move"
        f" ON move.id = line.move_id WHERE move.uuid = '{invoice_uuid}')",
    )
    return int(count)


def test_two_paid_calls_make_one_payment(server):
    base, invoice_uuid, key, _second, _payment = server
    responses = race(f"{base}/api/invoices/{invoice_uuid}/paid/", key)
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 409], [r.text for r in responses]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json() == {"detail": "Valid states for operation: Created."}
    invoice_id = f"(SELECT id FROM account_move WHERE uuid = '{invoice_uuid}')"
    assert psql(
        DATABASE,
        "SELECT payment_state, billing_state FROM account_move"
        f" WHERE id = {invoice_id}",
    ) == [["paid", "paid"]]
    assert psql(
        DATABASE,
        "SELECT count(*) FROM account_move__account_payment"
        f" WHERE invoice_id = {invoice_id}",
    ) == [["1"]]
    assert reconciliations(invoice_uuid) == 1
    assert psql(
        DATABASE,
        f"SELECT count(*) FROM account_payment WHERE id IN (SELECT payment_id"
        f" FROM account_move__account_payment WHERE invoice_id = {invoice_id})",
    ) == [["1"]]


def test_two_links_of_one_payment_reconcile_once(server):
    base, _invoice, key, invoice_uuid, payment_uuid = server
    responses = race(
        f"{base}/api/payments/{payment_uuid}/link_to_invoice/",
        key,
        body={"invoice": f"{base}/api/invoices/{invoice_uuid}/"},
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 400], [r.text for r in responses]
    loser = next(r for r in responses if r.status_code == 400)
    assert loser.json() == ["Link to an invoice exists."]
    invoice_id = f"(SELECT id FROM account_move WHERE uuid = '{invoice_uuid}')"
    assert reconciliations(invoice_uuid) == 1
    assert psql(
        DATABASE,
        f"SELECT payment_state FROM account_move WHERE id = {invoice_id}",
    ) == [["partial"]]


def race_requests(method, url, key, bodies):
    """``method url`` once per body, from threads released at the same instant."""
    barrier = threading.Barrier(len(bodies))
    responses = [None] * len(bodies)

    def send(index):
        barrier.wait()
        responses[index] = requests.request(
            method,
            url,
            json=bodies[index],
            headers={"Authorization": f"Token {key}"},
            timeout=REQUEST_TIMEOUT,
        )

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def api_json(method, url, key, body=None):
    response = requests.request(
        method,
        url,
        json=body,
        headers={"Authorization": f"Token {key}"},
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code < 300, response.text
    return response.json()


def assert_no_database_text(responses):
    """Only 200 or a plain 409; no PostgreSQL text in any body."""
    for response in responses:
        assert response.status_code in (200, 409), response.text
        assert "_idx" not in response.text and "psycopg2" not in response.text
        if response.status_code == 409:
            assert set(response.json()) == {"detail"}, response.text


def unbalanced_moves():
    return psql(
        DATABASE,
        "SELECT move_id FROM account_move_line GROUP BY move_id"
        " HAVING sum(debit) != sum(credit)",
    )


def test_twenty_patches_of_one_payment_never_fail(server):
    base, _invoice, key, _second, _payment = server
    [profile] = [
        p
        for p in api_json("GET", f"{base}/api/payment-profiles/", key)
        if p["is_active"]
    ]
    payment = api_json(
        "POST",
        f"{base}/api/payments/",
        key,
        {"profile": profile["url"], "date_of_payment": "2026-04-01", "sum": "5.00"},
    )
    # Links name this server as web.base.url says (not the test's port).
    url = f"{base}/api/payments/{payment['uuid']}/"
    sums = [f"{10 + index}.00" for index in range(20)]
    responses = race_requests("PATCH", url, key, [{"sum": value} for value in sums])
    assert_no_database_text(responses)
    accepted = {r.json()["sum"] for r in responses if r.status_code == 200}
    assert accepted, [r.text for r in responses]
    assert api_json("GET", url, key)["sum"] in accepted
    assert unbalanced_moves() == []


def test_concurrent_enables_leave_one_active_profile(server):
    base, _invoice, key, _second, _payment = server
    [active] = [
        p
        for p in api_json("GET", f"{base}/api/payment-profiles/", key)
        if p["is_active"]
    ]
    candidates = [
        api_json(
            "POST",
            f"{base}/api/payment-profiles/",
            key,
            {
                "name": f"Race candidate {index}",
                "organization": active["organization"],
                "payment_type": "invoices",
                "is_active": False,
            },
        )
        for index in range(2)
    ]
    barrier = threading.Barrier(len(candidates))
    responses = [None] * len(candidates)

    def enable(index):
        barrier.wait()
        responses[index] = requests.post(
            f"{base}/api/payment-profiles/{candidates[index]['uuid']}/enable/",
            headers={"Authorization": f"Token {key}"},
            timeout=REQUEST_TIMEOUT,
        )

    threads = [threading.Thread(target=enable, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert_no_database_text(responses)
    assert psql(
        DATABASE,
        "SELECT count(*) FROM billing_payment_profile WHERE is_active AND"
        f" partner_id = (SELECT partner_id FROM billing_payment_profile"
        f" WHERE uuid = '{active['uuid']}')",
    ) == [["1"]]
