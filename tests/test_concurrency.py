"""Racing API requests against a real Odoo server with two worker processes.

Twenty requests are released at the same instant; the two workers take
them two at a time. The row locks (``billing.uuid.mixin._billing_lock``)
make the second of a pair wait; once the first commits, PostgreSQL aborts
the waiter (serialization failure) and Odoo retries it, and the retry sees
the committed result: the invoice already paid (409), the payment already
linked (400). When Odoo's five tries run out, the request is answered 409
("try again") and nothing of it is written. Never a 5xx, never a double
payment or reconciliation, and the books stay balanced: the outcome of a
race is one that the same accepted requests, sent one after another, give.

Each test prints its figures (wall time, answers by status): run pytest
with ``-s`` (or ``-rP``) to see them.
"""

import json
import os
import time
from collections import Counter
from decimal import Decimal

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
)
from ledger import ledger_problems

pytestmark = pytest.mark.e2e  # Odoo processes of its own; not in `make test-fast`

# Per process, so that runs side by side never drop each other's database;
# BILLING_E2E_DB_PREFIX lets machines shared by several runs keep theirs apart.
DATABASE = (
    f"{os.environ.get('BILLING_E2E_DB_PREFIX', 'billing_e2e')}"
    f"_concurrency_{os.getpid()}"
)
RACE_SIZE = 20  # requests released at once in each race (issue 12 §3)
ALREADY_PAID = "Valid states for operation: Created."
LINK_EXISTS = "Link to an invoice exists."
# ir.http._database_conflict's answer once Odoo's retries run out.
TRY_AGAIN = (
    "Another request changed the same records at the same time. Please try again."
)

SETUP = f"""
import json
from decimal import ROUND_DOWN, Decimal

company = env.company
if not env["account.account"].search_count([("company_ids", "in", company.ids)]):
    env["account.chart.template"].try_loading("generic_coa", company, False)
customer = env["res.partner"].create({{"name": "Race customer", "email": "r@x.test"}})
product = env["product.product"].create({{"name": "Race offering", "lst_price": 100}})
bank = env["account.journal"].search(
    [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
)
profile = env["billing.payment.profile"].create(
    {{"name": "Race profile", "partner_id": customer.id, "journal_id": bank.id}}
)
invoice = env["account.move"].create(
    {{
        "move_type": "out_invoice",
        "partner_id": customer.id,
        "invoice_line_ids": [(0, 0, {{"product_id": product.id, "price_unit": 100}})],
    }}
)
invoice.action_post()


def posted_copy():
    move = invoice.copy({{"invoice_date": invoice.invoice_date}})
    move.action_post()
    return move


second = posted_copy()
payment = env["account.payment"]._billing_create_payment(profile, second.date, 50.0)
total = Decimal(str(invoice.amount_total))
cent = Decimal("0.01")
# Link race: payments of 30 % of an invoice each, 20 for an invoice linked
# one after another (the reference) and 20 for one linked all at once.
share = (total * 3 / 10).quantize(cent, ROUND_DOWN)
link_payments = [
    env["account.payment"]._billing_create_payment(profile, second.date, float(share))
    for _ in range(2 * {RACE_SIZE})
]
key = env.ref("base.user_admin")._billing_new_api_key("race")
print(json.dumps({{
    "key": key,
    "total": str(total),
    "share": str(share),
    "paid_invoice": invoice.uuid,
    "second": second.uuid,
    "payment": payment.uuid,
    "paid_race_invoice": posted_copy().uuid,
    "sequential_invoice": posted_copy().uuid,
    "raced_invoice": posted_copy().uuid,
    "link_payments": [p.uuid for p in link_payments],
    "document": posted_copy().uuid,
    "company": company.uuid,
}}))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The setup's uuids and key, and ``base``: a 2-worker server's URL."""
    data_dir = tmp_path_factory.mktemp("concurrency")
    process = None
    try:
        fresh_database(DATABASE)
        setup = json.loads(odoo_script(DATABASE, SETUP).splitlines()[-1])
        process, base = start_server(
            data_dir,
            DATABASE,
            # Odoo's retries of serialization failures, for the figures.
            "--log-handler=odoo.service.model:INFO",
            data_dir=data_dir,
        )
        # Load the registry in both workers before the races.
        for _ in range(2):
            for response in race_requests(
                [("GET", f"{base}/api/invoices/{setup['paid_invoice']}/", None)] * 4,
                setup["key"],
            ):
                response.raise_for_status()
        yield {**setup, "base": base, "log": data_dir / "odoo.log"}
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=60)
        dropdb(DATABASE)


def race(url, key, count=2, body=None):
    """POST ``body`` to ``url`` from ``count`` threads released at once."""
    return race_requests([("POST", url, body or {})] * count, key)


def retries(server):
    """How many times the server has retried a request so far (its log)."""
    return server["log"].read_text(errors="replace").count(" tries left, try again")


def timed_race(label, server, calls):
    """``race_requests``, printing the wall time, the answers by status and
    how many serialization failures Odoo retried meanwhile."""
    before = retries(server)
    started = time.monotonic()
    responses = race_requests(calls, server["key"])
    elapsed = time.monotonic() - started
    statuses = Counter(response.status_code for response in responses)
    print(
        f"\n[race] {label}: {len(calls)} requests in {elapsed:.1f} s, answers"
        f" {dict(sorted(statuses.items()))}, retried serialization failures"
        f" {retries(server) - before}"
    )
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


def move_id(uuid):
    return f"(SELECT id FROM account_move WHERE uuid = '{uuid}')"


def reconciliations(invoice_uuid):
    """How many partial reconciliations settle the invoice's receivable."""
    [[count]] = psql(
        DATABASE,
        "SELECT count(*) FROM account_partial_reconcile WHERE debit_move_id IN"
        f" (SELECT id FROM account_move_line WHERE move_id = {move_id(invoice_uuid)})",
    )
    return int(count)


def settled_by_payment(invoice_uuid):
    """{payment uuid: the amount it settles of the invoice} (Decimals)."""
    rows = psql(
        DATABASE,
        "SELECT payment.uuid, sum(partial.amount) FROM account_partial_reconcile"
        " partial JOIN account_move_line debit ON debit.id = partial.debit_move_id"
        " JOIN account_move_line credit ON credit.id = partial.credit_move_id"
        " JOIN account_payment payment ON payment.move_id = credit.move_id"
        f" WHERE debit.move_id = {move_id(invoice_uuid)} GROUP BY payment.uuid",
    )
    return {uuid: Decimal(amount) for uuid, amount in rows}


def linked_payments(invoice_uuid):
    """The uuids of the payments linked to the invoice (matched_payment_ids)."""
    return {
        uuid
        for [uuid] in psql(
            DATABASE,
            "SELECT payment.uuid FROM account_move__account_payment link"
            " JOIN account_payment payment ON payment.id = link.payment_id"
            f" WHERE link.invoice_id = {move_id(invoice_uuid)}",
        )
    }


def invoice_state(invoice_uuid):
    [[payment_state, residual]] = psql(
        DATABASE,
        "SELECT payment_state, amount_residual FROM account_move"
        f" WHERE id = {move_id(invoice_uuid)}",
    )
    return payment_state, Decimal(residual)


def assert_waldur_conflicts(responses):
    """Only 2xx, or 409 with a plain ``{"detail"}``; no PostgreSQL text."""
    for response in responses:
        assert response.status_code in (200, 201, 409), response.text
        assert "_idx" not in response.text and "psycopg2" not in response.text
        if response.status_code == 409:
            assert set(response.json()) == {"detail"}, response.text


def test_two_paid_calls_make_one_payment(server):
    responses = race(
        f"{server['base']}/api/invoices/{server['paid_invoice']}/paid/",
        server["key"],
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 409], [r.text for r in responses]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json() == {"detail": ALREADY_PAID}
    invoice_id = move_id(server["paid_invoice"])
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
    assert reconciliations(server["paid_invoice"]) == 1
    assert psql(
        DATABASE,
        f"SELECT count(*) FROM account_payment WHERE id IN (SELECT payment_id"
        f" FROM account_move__account_payment WHERE invoice_id = {invoice_id})",
    ) == [["1"]]


def test_twenty_paid_calls_make_one_payment(server):
    invoice_uuid = server["paid_race_invoice"]
    responses = timed_race(
        f"{RACE_SIZE} paid on one invoice",
        server,
        [("POST", f"{server['base']}/api/invoices/{invoice_uuid}/paid/", {})]
        * RACE_SIZE,
    )
    assert_waldur_conflicts(responses)
    statuses = Counter(response.status_code for response in responses)
    assert statuses == {200: 1, 409: RACE_SIZE - 1}, [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert response.json() == {"detail": ALREADY_PAID}, response.text
    assert len(linked_payments(invoice_uuid)) == 1
    assert reconciliations(invoice_uuid) == 1
    assert invoice_state(invoice_uuid) == ("paid", 0)
    assert ledger_problems(DATABASE) == {}


def test_two_links_of_one_payment_reconcile_once(server):
    base, invoice_uuid = server["base"], server["second"]
    responses = race(
        f"{base}/api/payments/{server['payment']}/link_to_invoice/",
        server["key"],
        body={"invoice": f"{base}/api/invoices/{invoice_uuid}/"},
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 400], [r.text for r in responses]
    loser = next(r for r in responses if r.status_code == 400)
    assert loser.json() == [LINK_EXISTS]
    assert reconciliations(invoice_uuid) == 1
    assert psql(
        DATABASE,
        f"SELECT payment_state FROM account_move WHERE id = {move_id(invoice_uuid)}",
    ) == [["partial"]]


def link_calls(base, payment_uuids, invoice_uuid):
    body = {"invoice": f"{base}/api/invoices/{invoice_uuid}/"}
    return [
        ("POST", f"{base}/api/payments/{uuid}/link_to_invoice/", body)
        for uuid in payment_uuids
    ]


def test_twenty_links_to_one_invoice_never_overpay(server):
    """Twenty payments of 30 % each, linked to one invoice at once.

    The reference is the same links one after another, on a twin invoice:
    three settle 30 % each, the fourth the last 10 % (the rest of it stays
    open as customer credit), and the sixteen others are linked to the paid
    invoice but settle nothing. The race must give the same for the links
    it accepted; a link answered 409 (retries exhausted) leaves nothing.
    """
    base, key = server["base"], server["key"]
    sequential_payments = server["link_payments"][:RACE_SIZE]
    raced_payments = server["link_payments"][RACE_SIZE:]
    sequential = []
    started = time.monotonic()
    for call in link_calls(base, sequential_payments, server["sequential_invoice"]):
        method, url, body = call
        sequential.append(
            requests.request(
                method,
                url,
                json=body,
                headers={"Authorization": f"Token {key}"},
                timeout=REQUEST_TIMEOUT,
            )
        )
    print(
        f"\n[sequential] {RACE_SIZE} links one after another in"
        f" {time.monotonic() - started:.1f} s, answers"
        f" {dict(Counter(r.status_code for r in sequential))}"
    )
    # What the code does one link after another: every link is accepted.
    assert [r.status_code for r in sequential] == [200] * RACE_SIZE, [
        r.text for r in sequential
    ]
    reference = settled_by_payment(server["sequential_invoice"])
    in_order = [reference.get(uuid, Decimal(0)) for uuid in sequential_payments]
    total, share = Decimal(server["total"]), Decimal(server["share"])
    assert sum(in_order) == total
    assert in_order[:3] == [share] * 3 and in_order[3] == total - 3 * share
    assert set(in_order[4:]) == {Decimal(0)}
    assert linked_payments(server["sequential_invoice"]) == set(sequential_payments)
    assert invoice_state(server["sequential_invoice"]) == ("paid", 0)

    invoice_uuid = server["raced_invoice"]
    responses = timed_race(
        f"{RACE_SIZE} links of different payments to one invoice",
        server,
        link_calls(base, raced_payments, invoice_uuid),
    )
    for response in responses:
        assert response.status_code in (200, 409), response.text
        if response.status_code == 409:
            assert response.json() == {"detail": TRY_AGAIN}, response.text
        else:
            assert response.json() == {
                "detail": "An invoice has been linked to payment."
            }
    accepted = [
        uuid
        for uuid, response in zip(raced_payments, responses, strict=True)
        if response.status_code == 200
    ]
    assert accepted
    # Only the accepted links exist, each settling what the n-th link of
    # the sequence settles, whatever order the race put them in.
    assert linked_payments(invoice_uuid) == set(accepted)
    settled = settled_by_payment(invoice_uuid)
    assert set(settled) <= set(accepted)
    assert sorted(settled.get(uuid, Decimal(0)) for uuid in accepted) == sorted(
        in_order[: len(accepted)]
    )
    payment_state, residual = invoice_state(invoice_uuid)
    assert residual == total - sum(in_order[: len(accepted)])
    assert payment_state == ("paid" if residual == 0 else "partial")
    assert ledger_problems(DATABASE) == {}


def test_twenty_patches_of_one_payment_never_fail(server):
    base, key = server["base"], server["key"]
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
    sums = [f"{10 + index}.00" for index in range(RACE_SIZE)]
    responses = timed_race(
        f"{RACE_SIZE} PATCHes of one payment",
        server,
        [("PATCH", url, {"sum": value}) for value in sums],
    )
    assert_waldur_conflicts(responses)
    accepted = {r.json()["sum"] for r in responses if r.status_code == 200}
    assert accepted, [r.text for r in responses]
    assert api_json("GET", url, key)["sum"] in accepted
    assert ledger_problems(DATABASE) == {}


def si_payment_calls(base, document, amounts):
    return [
        (
            "POST",
            f"{base}/v1/documents/{document}/payments",
            {"type": "bank", "date": "2026-04-01", "amount": json_amount(amount)},
        )
        for amount in amounts
    ]


def json_amount(amount):
    """A Decimal as the JSON number a Space Invoices client sends."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def document_paid(document):
    """(amount paid, amount due) of the invoice, from the ledger."""
    [[paid, due]] = psql(
        DATABASE,
        "SELECT amount_total - amount_residual, amount_residual FROM account_move"
        f" WHERE id = {move_id(document)}",
    )
    return Decimal(paid), Decimal(due)


def test_twenty_space_invoices_payments_on_one_document(server):
    """Twenty partial payments (5 % each) POSTed on one document at once.

    Every answer is 200, or 409 ``ConflictError`` (retries exhausted, nothing
    written); the document's paid total is the sum of the accepted ones.
    Then, as Space Invoices documents ("payments ... can also sum up to more
    than the invoice's total"), a payment beyond what is due is accepted:
    it settles the rest, the excess stays open as customer credit.
    """
    base, key, document = server["base"], server["key"], server["document"]
    total = Decimal(server["total"])
    part = (total / RACE_SIZE).quantize(Decimal("0.01"))
    assert part * RACE_SIZE <= total
    responses = timed_race(
        f"{RACE_SIZE} Space Invoices payments on one document",
        server,
        si_payment_calls(base, document, [part] * RACE_SIZE),
    )
    for response in responses:
        assert response.status_code in (200, 409), response.text
        if response.status_code == 409:
            error = response.json()["error"]
            assert (error["statusCode"], error["name"]) == (409, "ConflictError")
            assert error["message"] == TRY_AGAIN
    accepted = [r.json() for r in responses if r.status_code == 200]
    assert accepted
    assert {payment["documentId"] for payment in accepted} == {document}
    accepted_sum = sum(Decimal(str(payment["amount"])) for payment in accepted)
    assert accepted_sum == part * len(accepted)
    paid, due = document_paid(document)
    assert paid == accepted_sum and due == total - accepted_sum
    listed = api_json("GET", f"{base}/v1/documents/{document}/payments", key)
    assert sorted(p["id"] for p in listed) == sorted(p["id"] for p in accepted)
    assert sum(settled_by_payment(document).values()) == accepted_sum
    assert ledger_problems(DATABASE) == {}

    # One payment of more than is due: accepted, settles the rest only.
    over = due + part
    [response] = race_requests(si_payment_calls(base, document, [over]), key)
    assert response.status_code == 200, response.text
    assert document_paid(document) == (total, 0)
    settled = settled_by_payment(document)
    assert settled.get(response.json()["id"], 0) == due
    [[open_credit]] = psql(
        DATABASE,
        "SELECT -sum(line.amount_residual) FROM account_move_line line"
        " JOIN account_payment payment ON payment.move_id = line.move_id"
        " JOIN account_account account ON account.id = line.account_id"
        f" WHERE payment.uuid = '{response.json()['id']}'"
        " AND account.account_type = 'asset_receivable'",
    )
    assert Decimal(open_credit) == part
    # Without an amount, a paid document has nothing due: refused (422).
    refused = requests.post(
        f"{base}/v1/documents/{document}/payments",
        json={"type": "bank", "date": "2026-04-01"},
        headers={"Authorization": f"Token {key}"},
        timeout=REQUEST_TIMEOUT,
    )
    assert refused.status_code == 422, refused.text
    assert ledger_problems(DATABASE) == {}


def test_concurrent_enables_leave_one_active_profile(server):
    base, key = server["base"], server["key"]
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
    responses = race_requests(
        [
            ("POST", f"{base}/api/payment-profiles/{candidate['uuid']}/enable/", None)
            for candidate in candidates
        ],
        key,
    )
    assert_waldur_conflicts(responses)
    assert psql(
        DATABASE,
        "SELECT count(*) FROM billing_payment_profile WHERE is_active AND"
        f" partner_id = (SELECT partner_id FROM billing_payment_profile"
        f" WHERE uuid = '{active['uuid']}')",
    ) == [["1"]]
