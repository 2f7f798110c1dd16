"""``Idempotency-Key`` against a real Odoo server with two worker processes.

Ten identical POSTs with one key arrive at the same moment: exactly one runs;
each of the others either waits for nothing and gets 409 (the key is still
in flight) or comes after and gets the stored response again. And the case
the advisory lock alone cannot settle, made deterministic with a table lock:
a retry whose REPEATABLE READ snapshot predates the commit of the stored
response cannot see it; its INSERT ... ON CONFLICT DO NOTHING is then a
serialization failure, and Odoo's retry of the request replays the response.
"""

import os
import threading
import time
import uuid
from collections import Counter

import psycopg2
import pytest
import requests
from e2e import (
    REQUEST_TIMEOUT,
    SERVER_START_TIMEOUT,
    dropdb,
    fresh_database,
    odoo_script,
    psql,
    start_server,
)

pytestmark = pytest.mark.e2e  # Odoo processes of its own; not in `make test-fast`

# Per process, so that runs side by side never drop each other's database.
DATABASE = f"billing_e2e_idempotency_{os.getpid()}"
RACE_SIZE = 10
IN_FLIGHT = "A request with this Idempotency-Key is still being processed; retry later."

SETUP = """
company = env.company
if not env["account.account"].search_count([("company_ids", "in", company.ids)]):
    env["account.chart.template"].try_loading("generic_coa", company, False)
customer = env["res.partner"].create({"name": "Retry customer", "email": "r@x.test"})
product = env["product.product"].create({"name": "Retry offering", "lst_price": 100})
bank = env["account.journal"].search(
    [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
)
profile = env["billing.payment.profile"].create(
    {"name": "Retry profile", "partner_id": customer.id, "journal_id": bank.id}
)
invoice = env["account.move"].create(
    {
        "move_type": "out_invoice",
        "partner_id": customer.id,
        "invoice_line_ids": [(0, 0, {"product_id": product.id, "price_unit": 100})],
    }
)
invoice.action_post()
key = env.ref("base.user_admin")._billing_new_api_key("retry")
print(profile.uuid, invoice.uuid, key)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A 2-worker server on a new database; its log keeps Odoo's retries."""
    log_path = tmp_path_factory.mktemp("idempotency") / "odoo.log"
    process = None
    try:
        fresh_database(DATABASE)
        profile_uuid, invoice_uuid, key = odoo_script(DATABASE, SETUP).split()
        process, base = start_server(
            log_path.parent,
            DATABASE,
            # The "SERIALIZATION_FAILURE, 4 tries left" lines of retrying.
            "--log-handler=odoo.service.model:INFO",
        )
        # Load the registry in both workers before the races.
        for _ in range(4):
            requests.get(
                f"{base}/api/invoices/{invoice_uuid}/",
                headers={"Authorization": f"Token {key}"},
                timeout=REQUEST_TIMEOUT,
            ).raise_for_status()
        yield {
            "base": base,
            "profile": profile_uuid,
            "invoice": invoice_uuid,
            "key": key,
            "log": log_path,
        }
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        dropdb(DATABASE)


def race(url, headers, body, count=RACE_SIZE):
    """POST ``body`` to ``url`` from ``count`` threads released at one instant."""
    barrier = threading.Barrier(count)
    responses = [None] * count

    def post(index):
        barrier.wait()
        responses[index] = requests.post(
            url, json=body, headers=headers, timeout=REQUEST_TIMEOUT
        )

    threads = [threading.Thread(target=post, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def count_rows(query):
    [[count]] = psql(DATABASE, query)
    return int(count)


def payment_count():
    return count_rows("SELECT count(*) FROM account_payment")


def key_rows(key):
    return count_rows(
        f"SELECT count(*) FROM billing_idempotency_key WHERE key = '{key}'"
    )


def assert_one_answer(responses, success):
    """Every answer is the one stored success or a 409 "in flight"; no 5xx."""
    answers = Counter(
        "replayed" if "Idempotent-Replayed" in r.headers else r.status_code
        for r in responses
    )
    print(f"\n[idempotency] {len(responses)} identical POSTs: {dict(answers)}")
    successes = [r for r in responses if r.status_code == success]
    assert successes, [r.text for r in responses]
    for response in responses:
        assert response.status_code in (success, 409), response.text
        if response.status_code == 409:
            assert response.headers["Retry-After"] == "1"
    assert {r.content for r in successes} == {successes[0].content}
    # Only replays say so: exactly one answer ran the endpoint.
    assert sum(1 for r in successes if "Idempotent-Replayed" not in r.headers) == 1
    for response in successes:
        assert response.headers.get("Idempotent-Replayed") in (None, "true")
    return successes[0]


def test_ten_identical_waldur_payments_make_one(server):
    base, key = server["base"], server["key"]
    idempotency_key = f"race-{uuid.uuid4()}"
    headers = {"Authorization": f"Token {key}", "Idempotency-Key": idempotency_key}
    body = {
        "profile": f"{base}/api/payment-profiles/{server['profile']}/",
        "date_of_payment": "2026-04-01",
        "sum": "12.34",
    }
    before = payment_count()
    responses = race(f"{base}/api/payments/", headers, body)
    created = assert_one_answer(responses, 201)
    for response in responses:
        if response.status_code == 409:
            assert response.json() == {"detail": IN_FLIGHT}, response.text
    assert payment_count() == before + 1
    assert key_rows(idempotency_key) == 1
    # A retry after the race gets the same answer, and writes nothing.
    again = requests.post(
        f"{base}/api/payments/", json=body, headers=headers, timeout=REQUEST_TIMEOUT
    )
    assert again.status_code == 201, again.text
    assert again.content == created.content
    assert again.headers["Location"] == created.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert payment_count() == before + 1


def test_ten_identical_spaceinvoices_payments_make_one(server):
    base, key = server["base"], server["key"]
    idempotency_key = f"race-{uuid.uuid4()}"
    headers = {"Authorization": key, "Idempotency-Key": idempotency_key}
    body = {"type": "bank", "date": "2026-04-01", "amount": 10}
    url = f"{base}/v1/documents/{server['invoice']}/payments"
    before = payment_count()
    responses = race(url, headers, body)
    assert_one_answer(responses, 200)
    for response in responses:
        if response.status_code == 409:
            error = response.json()["error"]
            assert error["name"] == "ConflictError", response.text
            assert error["message"] == IN_FLIGHT
    assert payment_count() == before + 1
    assert key_rows(idempotency_key) == 1


def serialization_retries(log_path):
    return log_path.read_text(errors="replace").count("SERIALIZATION_FAILURE")


def test_a_retry_with_an_older_snapshot_replays_after_odoos_retry(server):
    """The stored response commits after the retry's snapshot was taken.

    A table lock holds the retry just before it looks the key up (its
    snapshot is taken by then, at authentication); the response is committed
    meanwhile (copied from a first real request, with a body of its own so
    that the answer tells where it comes from), and the lock released.
    """
    base, key = server["base"], server["key"]
    body = {
        "profile": f"{base}/api/payment-profiles/{server['profile']}/",
        "date_of_payment": "2026-04-02",
        "sum": "5.00",
    }
    first_key, late_key = f"first-{uuid.uuid4()}", f"late-{uuid.uuid4()}"

    def post(idempotency_key):
        return requests.post(
            f"{base}/api/payments/",
            json=body,
            headers={
                "Authorization": f"Token {key}",
                "Idempotency-Key": idempotency_key,
            },
            timeout=REQUEST_TIMEOUT,
        )

    assert post(first_key).status_code == 201
    before = payment_count()
    retries_before = serialization_retries(server["log"])
    holder = psycopg2.connect(dbname=DATABASE)
    answer = []
    try:
        with holder.cursor() as cr:
            cr.execute("LOCK TABLE billing_idempotency_key IN ACCESS EXCLUSIVE MODE")
            thread = threading.Thread(target=lambda: answer.append(post(late_key)))
            thread.start()
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            while True:
                cr.execute(
                    "SELECT count(*) FROM pg_locks"
                    " WHERE relation = 'billing_idempotency_key'::regclass"
                    " AND NOT granted"
                )
                if cr.fetchone()[0]:
                    break
                assert thread.is_alive(), answer and answer[0].text
                assert time.monotonic() < deadline, "the request never waited"
                time.sleep(0.1)
            cr.execute(
                "INSERT INTO billing_idempotency_key (user_id, key,"
                " request_fingerprint, response_status, response_headers,"
                " response_body, create_date, write_date)"
                " SELECT user_id, %s, request_fingerprint, response_status,"
                ' response_headers, \'{"stored": "meanwhile"}\','
                " now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'"
                " FROM billing_idempotency_key WHERE key = %s",
                [late_key, first_key],
            )
        holder.commit()
        thread.join(REQUEST_TIMEOUT)
    finally:
        holder.close()
    [response] = answer
    assert response.status_code == 201, response.text
    assert response.json() == {"stored": "meanwhile"}
    assert response.headers["Idempotent-Replayed"] == "true"
    assert payment_count() == before
    # It got there through Odoo's retry of a serialization failure.
    assert serialization_retries(server["log"]) > retries_before
