"""Two Odoo servers on one database, serving the same API key at once
(issue 13, "Past one machine").

Two ``--workers=2`` servers (four worker processes) run on the same
database, as they would behind a load balancer. Nothing of the API lives in
a process: whatever server a request reaches, it reads and writes the same
rows under the same locks. So the same GET gets the same answer (body and
ETag) from both; a payment created on one is listed by the other at once;
a race split across the servers has one winner, as on one server; and a
revoked key is refused by every worker of both, although each remembers
the keys it has verified (``res_users_apikeys.py``).

Each test prints its figures: run pytest with ``-s`` (or ``-rP``) to see them.
"""

import json
import os
import time
from collections import Counter

import pytest
import requests
from e2e import (
    REQUEST_TIMEOUT,
    dropdb,
    fresh_database,
    odoo_script,
    psql,
    race_requests,
    start_server,
    stop_server,
)
from ledger import ledger_problems

pytestmark = pytest.mark.e2e  # Odoo processes of its own; not in `make test-fast`

DATABASE = (
    f"{os.environ.get('BILLING_E2E_DB_PREFIX', 'billing_e2e')}"
    f"_two_servers_{os.getpid()}"
)
RACE_SIZE = 20  # requests released at once, half on each server
WORKERS = 2  # per server (e2e.server_command)
ALREADY_PAID = "Valid states for operation: Created."
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

SETUP = """
import json

company = env.company
if not env["account.account"].search_count([("company_ids", "in", company.ids)]):
    env["account.chart.template"].try_loading("generic_coa", company, False)
customer = env["res.partner"].create({"name": "Two servers customer"})
product = env["product.product"].create({"name": "Two servers item", "lst_price": 100})
bank = env["account.journal"].search(
    [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
)
env["billing.payment.profile"].create(
    {"name": "Two servers profile", "partner_id": customer.id, "journal_id": bank.id}
)


def posted_invoice():
    invoice = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": customer.id,
            "invoice_line_ids": [(0, 0, {"product_id": product.id, "price_unit": 100})],
        }
    )
    invoice.action_post()
    return invoice


admin = env.ref("base.user_admin")
billing = env.ref("account.group_account_invoice")
clerk = env["res.users"].create(
    {
        "name": "Two servers clerk",
        "login": "two-servers-clerk",
        "groups_id": [(6, 0, [env.ref("base.group_user").id, billing.id])],
    }
)
print(json.dumps({
    "admin_id": admin.id,
    "clerk_id": clerk.id,
    "billing_group_id": billing.id,
    "clerk_key": clerk._billing_new_api_key("two servers clerk"),
    "key": admin._billing_new_api_key("two servers"),
    "revoked_key": admin._billing_new_api_key("two servers, revoked"),
    "invoice": posted_invoice().uuid,
    "race_invoice": posted_invoice().uuid,
    "company": company.uuid,
}))
"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """The setup's uuids and keys, and ``bases``: the URLs of two servers of
    the same database, each with its registry loaded in both workers."""
    processes = []
    try:
        fresh_database(DATABASE)
        setup = json.loads(odoo_script(DATABASE, SETUP).splitlines()[-1])
        directories = [tmp_path_factory.mktemp(f"server_{name}") for name in "ab"]
        # One filestore for both (on several machines: a shared volume, or
        # attachments in the database), as payment proofs are files.
        filestore = tmp_path_factory.mktemp("filestore")
        bases = []
        # One after the other: free_port names the first free port, the
        # same one for two servers starting at once.
        for directory in directories:
            process, base = start_server(directory, DATABASE, data_dir=filestore)
            processes.append(process)
            bases.append(base)
        for base in bases:
            warm = f"{base}/api/invoices/{setup['invoice']}/"
            for response in send_at_once([("GET", warm, None)] * 2 * WORKERS, setup):
                response.raise_for_status()
        yield {**setup, "bases": bases}
    finally:
        for process in processes:
            stop_server(process)
        dropdb(DATABASE)


def send_at_once(calls, setup, key=None):
    """``e2e.race_requests`` with the servers' key unless ``key`` is given."""
    return race_requests(calls, key or setup["key"])


def on_both(servers, method, path, body=None, count=1, key=None):
    """``count`` requests to each server, all at once: (A's, B's) responses."""
    calls = [
        (method, f"{base}{path}", body)
        for base in servers["bases"]
        for _ in range(count)
    ]
    responses = send_at_once(calls, servers, key=key)
    return responses[:count], responses[count:]


def api_json(method, url, key, body=None, status=None):
    response = requests.request(
        method,
        url,
        json=body,
        headers={"Authorization": f"Token {key}"},
        timeout=REQUEST_TIMEOUT,
    )
    if status is None:
        assert response.status_code < 300, response.text
    else:
        assert response.status_code == status, response.text
    return response


def test_both_servers_give_the_same_answers(servers):
    """The same GETs, sent to both servers at once with the same key, get
    the same bodies and the same ETags (a client may poll either)."""
    invoice = servers["invoice"]
    paths = (
        "/api/invoices/?page_size=100",
        f"/api/invoices/{invoice}/",
        "/api/invoices/growth/",
        "/api/payments/",
        "/api/payment-profiles/",
        f"/v1/organizations/{servers['company']}/payments",
    )
    for path in paths:
        on_a, on_b = on_both(servers, "GET", path, count=WORKERS)
        answers = {(r.status_code, r.content, r.headers["ETag"]) for r in on_a + on_b}
        assert len(answers) == 1, (path, answers)
        [(status, _body, _etag)] = answers
        assert status == 200, path


def test_paid_split_across_servers_pays_once(servers):
    invoice = servers["race_invoice"]
    started = time.monotonic()
    on_a, on_b = on_both(
        servers,
        "POST",
        f"/api/invoices/{invoice}/paid/",
        body={},
        count=RACE_SIZE // 2,
    )
    elapsed = time.monotonic() - started
    statuses = Counter(r.status_code for r in on_a + on_b)
    print(
        f"\n[two servers] {RACE_SIZE} paid on one invoice, half on each server,"
        f" in {elapsed:.1f} s: A {dict(Counter(r.status_code for r in on_a))},"
        f" B {dict(Counter(r.status_code for r in on_b))}"
    )
    assert statuses == {200: 1, 409: RACE_SIZE - 1}, [r.text for r in on_a + on_b]
    for response in on_a + on_b:
        if response.status_code == 409:
            assert response.json() == {"detail": ALREADY_PAID}, response.text
    invoice_id = f"(SELECT id FROM account_move WHERE uuid = '{invoice}')"
    assert psql(
        DATABASE,
        f"SELECT payment_state FROM account_move WHERE id = {invoice_id}",
    ) == [["paid"]]
    assert psql(
        DATABASE,
        "SELECT count(*) FROM account_move__account_payment"
        f" WHERE invoice_id = {invoice_id}",
    ) == [["1"]]
    assert psql(
        DATABASE,
        "SELECT count(*) FROM account_partial_reconcile WHERE debit_move_id IN"
        f" (SELECT id FROM account_move_line WHERE move_id = {invoice_id})",
    ) == [["1"]]
    # Both servers tell the same paid invoice.
    answers = {
        api_json("GET", f"{base}/api/invoices/{invoice}/", servers["key"]).content
        for base in servers["bases"]
    }
    assert len(answers) == 1
    assert json.loads(answers.pop())["state"] == "paid"
    assert ledger_problems(DATABASE) == {}


def test_a_write_on_one_server_is_read_on_the_other(servers):
    """Create on A, list on B; PATCH on B, read on A; link on A, the invoice
    on B; delete on B, gone on A. Each read is the next request after the
    write, and a client's ETag from before the write no longer matches."""
    server_a, server_b = servers["bases"]
    key = servers["key"]
    listed_before = api_json("GET", f"{server_b}/api/payments/", key)
    [profile] = [
        p
        for p in api_json("GET", f"{server_a}/api/payment-profiles/", key).json()
        if p["is_active"]
    ]
    created = api_json(
        "POST",
        f"{server_a}/api/payments/",
        key,
        {"profile": profile["url"], "date_of_payment": "2026-04-01", "sum": "30.00"},
        status=201,
    ).json()
    listed = requests.get(
        f"{server_b}/api/payments/",
        headers={
            "Authorization": f"Token {key}",
            "If-None-Match": listed_before.headers["ETag"],
        },
        timeout=REQUEST_TIMEOUT,
    )
    assert listed.status_code == 200, "B answered 304 to a list that changed"
    assert created["uuid"] in {p["uuid"] for p in listed.json()}
    assert created["uuid"] not in {p["uuid"] for p in listed_before.json()}

    path = f"/api/payments/{created['uuid']}/"
    patched = api_json("PATCH", f"{server_b}{path}", key, {"sum": "40.00"}).json()
    assert patched["sum"] == "40.00"
    assert api_json("GET", f"{server_a}{path}", key).json() == patched

    invoice_url = api_json(
        "GET", f"{server_b}/api/invoices/{servers['invoice']}/", key
    ).json()["url"]
    api_json("POST", f"{server_a}{path}link_to_invoice/", key, {"invoice": invoice_url})
    assert api_json("GET", f"{server_b}{path}", key).json()["invoice"] == invoice_url
    api_json("POST", f"{server_b}{path}unlink_from_invoice/", key)
    assert api_json("GET", f"{server_a}{path}", key).json()["invoice"] is None

    api_json("DELETE", f"{server_b}{path}", key, status=204)
    api_json("GET", f"{server_a}{path}", key, status=404)
    assert ledger_problems(DATABASE) == {}


def test_a_proof_stored_by_one_server_is_served_by_the_other(servers):
    server_a, server_b = servers["bases"]
    key = servers["key"]
    [profile] = [
        p
        for p in api_json("GET", f"{server_b}/api/payment-profiles/", key).json()
        if p["is_active"]
    ]
    content = PNG_SIGNATURE + os.urandom(2048)
    created = requests.post(
        f"{server_a}/api/payments/",
        data={
            "profile": profile["url"],
            "date_of_payment": "2026-04-01",
            "sum": "12.00",
        },
        files={"proof": ("receipt.png", content, "image/png")},
        headers={"Authorization": f"Token {key}"},
        timeout=REQUEST_TIMEOUT,
    )
    assert created.status_code == 201, created.text
    proof = api_json(
        "GET", f"{server_b}/api/payments/{created.json()['uuid']}/proof/", key
    )
    assert proof.headers["Content-Type"] == "image/png"
    assert proof.content == content


def test_a_revoked_key_is_refused_by_every_worker(servers):
    """Every worker of both servers has verified (and remembers) the key;
    deleted, it is refused by the next request to any of them."""
    key = servers["revoked_key"]
    path = f"/api/invoices/{servers['invoice']}/"
    # Several requests at once per server, so that both workers of each
    # take some (and remember the key).
    for responses in on_both(servers, "GET", path, count=2 * WORKERS, key=key):
        assert [r.status_code for r in responses] == [200] * 2 * WORKERS
    assert psql(
        DATABASE,
        "WITH revoked AS (DELETE FROM res_users_apikeys"
        " WHERE name = 'two servers, revoked' RETURNING 1)"
        " SELECT count(*) FROM revoked",
    ) == [["1"]]
    for responses in on_both(servers, "GET", path, count=2 * WORKERS, key=key):
        assert [r.status_code for r in responses] == [401] * 2 * WORKERS, [
            r.text for r in responses
        ]
        assert {r.json()["detail"] for r in responses} == {"Invalid token."}
    # The other key of the same user still works on both.
    for base in servers["bases"]:
        api_json("GET", f"{base}{path}", servers["key"])


def set_billing_group(servers, base, present):
    """Add or remove the clerk's Billing group through ``base``'s JSON-RPC
    (``execute_kw`` with the admin's key): an Odoo request, which signals
    the cache invalidation to the other processes when it commits."""
    command = 4 if present else 3
    response = requests.post(
        f"{base}/jsonrpc",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    DATABASE,
                    servers["admin_id"],
                    servers["key"],
                    "res.users",
                    "write",
                    [
                        [servers["clerk_id"]],
                        {"groups_id": [[command, servers["billing_group_id"]]]},
                    ],
                ],
            },
        },
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code == 200, response.text
    assert response.json().get("result") is True, response.text


def clerk_write_statuses(servers):
    """{server: statuses} of an empty payment POST by the clerk, sent to
    both workers of each server at once: 400 (a body error) while the clerk
    may write, 403 once not. Nothing is written either way."""
    on_a, on_b = on_both(
        servers,
        "POST",
        "/api/payments/",
        body={},
        count=2 * WORKERS,
        key=servers["clerk_key"],
    )
    return {
        "A": {r.status_code for r in on_a},
        "B": {r.status_code for r in on_b},
    }


def test_rights_changed_on_one_server_apply_on_the_other(servers):
    """Odoo caches a user's groups in each process; a change committed by
    one server invalidates them in every process of both (the registry's
    cache signaling, checked at the start of each request)."""
    server_a, server_b = servers["bases"]
    assert clerk_write_statuses(servers) == {"A": {400}, "B": {400}}
    set_billing_group(servers, server_a, present=False)
    assert clerk_write_statuses(servers) == {"A": {403}, "B": {403}}
    set_billing_group(servers, server_b, present=True)
    assert clerk_write_statuses(servers) == {"A": {400}, "B": {400}}
