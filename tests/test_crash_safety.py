"""Crash safety: the server is killed (SIGKILL) in the middle of a stream of
writes, several times, and restarted.

Two client threads stream Waldur payment creates (multipart, with a proof
file), ``link_to_invoice`` calls and Space Invoices payments against a
``--workers=2`` server on a database of its own. At seeded moments, while
requests are in flight, the master and its workers (the whole process
group) get SIGKILL; the server is restarted and the stream goes on.

Odoo answers only after its transaction has committed, so every
acknowledged request (a 2xx received) must be complete in the database, and
every other one either complete or absent: no draft payment or entry left
behind, no reconciliation without its posted payment, no attachment of a
payment that does not exist, no attachment whose file is missing or
different, every posted entry balanced and every residual consistent.

The test prints its figures (requests, acknowledgements, kills): run pytest
with ``-s`` (or ``-rP``) to see them.
"""

import hashlib
import json
import os
import random
import signal
import subprocess
import threading
import time
from collections import Counter
from decimal import Decimal

import pytest
import requests
from e2e import (
    REQUEST_TIMEOUT,
    dropdb,
    free_port,
    fresh_database,
    odoo_script,
    psql,
    server_command,
    wait_for_server,
)
from ledger import ledger_problems

pytestmark = pytest.mark.e2e  # Odoo processes of its own; not in `make test-fast`

DATABASE = (
    f"{os.environ.get('BILLING_E2E_DB_PREFIX', 'billing_e2e')}_crash_{os.getpid()}"
)
SEED = 20260412  # the kill moments and the stream are reproducible
KILLS = 4
CLIENTS = 2  # one per worker, so that a kill finds both busy
# Acknowledged requests between two kills (drawn in this range), and after
# the last restart before the stream stops.
ACKS_BETWEEN_KILLS = (25, 45)
ACKS_AFTER_LAST_KILL = 30
MAX_OPERATIONS_PER_CLIENT = 200  # a bound, should the kills never come
STREAM_DEADLINE = 600  # seconds; a bound for a very slow machine, not a timing
PAYMENT_DATE = "2026-04-01"
LINK_EXISTS = ["Link to an invoice exists."]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

SETUP = """
import json

company = env.company
if not env["account.account"].search_count([("company_ids", "in", company.ids)]):
    env["account.chart.template"].try_loading("generic_coa", company, False)
customer = env["res.partner"].create({"name": "Crash customer", "email": "c@x.test"})
product = env["product.product"].create({"name": "Crash offering", "lst_price": 1})
bank = env["account.journal"].search(
    [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
)
profile = env["billing.payment.profile"].create(
    {"name": "Crash profile", "partner_id": customer.id, "journal_id": bank.id}
)
# Large invoices: the stream never pays one in full, so that every link
# it makes must settle its whole payment.
invoices = env["account.move"].create(
    [
        {
            "move_type": "out_invoice",
            "partner_id": customer.id,
            "invoice_line_ids": [
                (0, 0, {"product_id": product.id, "price_unit": 100000})
            ],
        }
        for _ in range(4)
    ]
)
invoices.action_post()
key = env.ref("base.user_admin")._billing_new_api_key("crash")
print(json.dumps({
    "key": key,
    "profile": profile.uuid,
    "invoices": invoices.mapped("uuid"),
}))
"""


class Server:
    """An ``odoo --workers=2`` process group that can be killed and restarted."""

    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.starts = 0
        self.start_times = []  # seconds until each start answered

    def start(self):
        command = server_command(
            self.data_dir, DATABASE, self.port, data_dir=self.data_dir
        )
        with open(self.data_dir / "odoo.log", "ab") as log:
            # A session of its own: the master and the workers it forks share
            # one process group, which a single killpg hits all at once.
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.starts += 1
        started = time.monotonic()
        wait_for_server(self.base, self.process)
        self.start_times.append(time.monotonic() - started)

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.kill()


class Stream:
    """What the clients sent, and which requests were acknowledged."""

    def __init__(self, server, setup):
        self.server = server
        self.setup = setup
        self.lock = threading.Lock()
        self.up = threading.Event()  # cleared by the killer before a kill
        self.stop = threading.Event()
        self.acks = 0
        self.in_flight = 0
        self.requests = Counter()  # kind -> sent
        self.acknowledged = Counter()  # kind -> 2xx received
        self.conflicts = Counter()  # kind -> 409 "try again" received
        self.creates = []  # {sum, sha1, size, uuid or None}
        self.links = []  # {payment, invoice, acked}
        self.si_payments = []  # {description, invoice, amount, id or None}
        self.errors = []

    def send(self, kind, method, url, **kwargs):
        """The response (2xx, or 409 when Odoo's retries ran out), or None
        when the server died before answering."""
        self.up.wait(timeout=STREAM_DEADLINE)
        with self.lock:
            self.requests[kind] += 1
            self.in_flight += 1
        try:
            response = requests.request(
                method,
                url,
                headers={"Authorization": f"Token {self.setup['key']}"},
                timeout=REQUEST_TIMEOUT,
                **kwargs,
            )
        except requests.RequestException:
            return None
        finally:
            with self.lock:
                self.in_flight -= 1
        if response.status_code == 409:
            # Odoo's retries ran out against the other client (both may pay
            # the same invoice): nothing may have been written.
            with self.lock:
                self.conflicts[kind] += 1
            return response
        if response.status_code >= 300:
            raise AssertionError(f"{kind}: {response.status_code} {response.text}")
        with self.lock:
            self.acks += 1
            self.acknowledged[kind] += 1
        return response

    def client(self, number):
        try:
            rng = random.Random(SEED * 10 + number)
            for operation in range(MAX_OPERATIONS_PER_CLIENT):
                if self.stop.is_set():
                    return
                # Each client pays invoices of its own: the two never wait
                # for each other (test_concurrency.py races them).
                invoice = rng.choice(self.setup["invoices"][number::CLIENTS])
                amount = Decimal(rng.randint(100, 2000)) / 100
                if rng.random() < 0.75:
                    self.create_and_link(rng, f"{number}-{operation}", invoice, amount)
                else:
                    self.space_invoices_payment(
                        f"crash-si-{number}-{operation}", invoice, amount
                    )
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.errors.append(error)

    def create_and_link(self, rng, tag, invoice, amount):
        base = self.server.base
        # A proof unique to this request: its checksum finds the payment
        # even when the answer never came.
        content = PNG_SIGNATURE + tag.encode() + rng.randbytes(rng.randint(64, 4096))
        create = {
            "sum": amount,
            "sha1": hashlib.sha1(content).hexdigest(),
            "size": len(content),
            "uuid": None,
            "refused": False,
        }
        self.creates.append(create)
        response = self.send(
            "create",
            "POST",
            f"{base}/api/payments/",
            data={
                "profile": f"{base}/api/payment-profiles/{self.setup['profile']}/",
                "date_of_payment": PAYMENT_DATE,
                "sum": str(amount),
            },
            files={"proof": (f"proof-{tag}.png", content, "image/png")},
        )
        if response is None:
            return
        if response.status_code == 409:
            create["refused"] = True
            return
        create["uuid"] = response.json()["uuid"]
        link = {"payment": create["uuid"], "invoice": invoice, "acked": False}
        self.links.append(link)
        response = self.send(
            "link",
            "POST",
            f"{base}/api/payments/{create['uuid']}/link_to_invoice/",
            json={"invoice": f"{base}/api/invoices/{invoice}/"},
        )
        link["acked"] = response is not None and response.status_code == 200

    def space_invoices_payment(self, description, invoice, amount):
        payment = {
            "description": description,
            "invoice": invoice,
            "amount": amount,
            "id": None,
            "refused": False,
        }
        self.si_payments.append(payment)
        response = self.send(
            "space invoices payment",
            "POST",
            f"{self.server.base}/v1/documents/{invoice}/payments",
            json={
                "type": "bank",
                "date": PAYMENT_DATE,
                "amount": float(amount),
                "description": description,
            },
        )
        if response is not None and response.status_code == 409:
            payment["refused"] = True
        elif response is not None:
            payment["id"] = response.json()["id"]

    def wait_for_acks(self, count, clients):
        """Until ``count`` requests in all were acknowledged (False if the
        clients stopped first)."""
        deadline = time.monotonic() + STREAM_DEADLINE
        while self.acks < count:
            if self.errors or not any(thread.is_alive() for thread in clients):
                return False
            assert time.monotonic() < deadline, "the stream stalled"
            time.sleep(0.05)
        return True


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """(setup uuids and key, data directory) of a new database."""
    data_dir = tmp_path_factory.mktemp("crash")
    try:
        fresh_database(DATABASE, f"--data-dir={data_dir}")
        setup = json.loads(odoo_script(DATABASE, SETUP).splitlines()[-1])
        yield setup, data_dir
    finally:
        dropdb(DATABASE)


def run_stream(server, setup):
    """Stream writes, killing and restarting the server ``KILLS`` times."""
    stream = Stream(server, setup)
    rng = random.Random(SEED)
    server.start()
    stream.up.set()
    clients = [
        threading.Thread(target=stream.client, args=(number,), daemon=True)
        for number in range(CLIENTS)
    ]
    for thread in clients:
        thread.start()
    killed_in_flight = []
    target = 0
    try:
        for _kill in range(KILLS):
            target += rng.randint(*ACKS_BETWEEN_KILLS)
            if not stream.wait_for_acks(target, clients):
                break
            # Somewhere inside a request: parsing, writing, committing or
            # answering.
            while stream.in_flight == 0 and not stream.errors:
                time.sleep(0.001)
            time.sleep(rng.uniform(0.0, 0.5))
            stream.up.clear()
            killed_in_flight.append(stream.in_flight)
            server.kill()
            server.start()
            stream.up.set()
        stream.wait_for_acks(target + ACKS_AFTER_LAST_KILL, clients)
    finally:
        stream.stop.set()
        stream.up.set()
        for thread in clients:
            thread.join(timeout=REQUEST_TIMEOUT)
    assert not stream.errors, stream.errors
    return stream, killed_in_flight


def retry_unacknowledged_links(server, stream):
    """Link again each acknowledged payment whose link was not acknowledged.

    The answer tells whether the first link committed before the kill
    (400, the link exists) or not (200, linked now); nothing else is right.
    Returns how many had committed.
    """
    committed = 0
    for link in stream.links:
        if link["acked"]:
            continue
        response = requests.post(
            f"{server.base}/api/payments/{link['payment']}/link_to_invoice/",
            json={"invoice": f"{server.base}/api/invoices/{link['invoice']}/"},
            headers={"Authorization": f"Token {stream.setup['key']}"},
            timeout=REQUEST_TIMEOUT,
        )
        if response.status_code == 400:
            assert response.json() == LINK_EXISTS, response.text
            committed += 1
        else:
            assert response.status_code == 200, response.text
        link["acked"] = True
    return committed


def payments_by_proof():
    """{proof checksum: [(payment uuid, amount, payment state, entry state)]}."""
    found = {}
    for checksum, uuid, amount, state, entry_state in psql(
        DATABASE,
        "SELECT attachment.checksum, payment.uuid, payment.amount, payment.state,"
        " move.state FROM ir_attachment attachment"
        " JOIN account_payment payment ON payment.id = attachment.res_id"
        " JOIN account_move move ON move.id = payment.move_id"
        " WHERE attachment.res_model = 'account.payment'"
        " AND attachment.res_field = 'proof'",
    ):
        found.setdefault(checksum, []).append(
            (uuid, Decimal(amount), state, entry_state)
        )
    return found


def attachment_files():
    """(id, res_model, res_id, res_field, file name, size, checksum) of every
    stored attachment of a payment or an invoice."""
    return psql(
        DATABASE,
        "SELECT id, res_model, res_id, coalesce(res_field, ''), store_fname,"
        " file_size, checksum FROM ir_attachment WHERE store_fname IS NOT NULL"
        " AND res_model IN ('account.payment', 'account.move')",
    )


def unreferenced_files(data_dir):
    """Filestore files no attachment names: written by a transaction that
    the kill cut before its commit."""
    filestore = data_dir / "filestore" / DATABASE
    referenced = {
        name
        for [name] in psql(
            DATABASE,
            "SELECT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL",
        )
    }
    return [
        path
        for path in filestore.rglob("*")
        if path.is_file()
        and str(path.relative_to(filestore)) not in referenced
        and "checklist" not in path.parts
    ]


def missing_or_damaged_files(data_dir):
    """Attachments whose filestore file is absent or not what was stored."""
    filestore = data_dir / "filestore" / DATABASE
    problems = []
    for row in attachment_files():
        *_, store_fname, size, checksum = row
        path = filestore / store_fname
        if not path.is_file():
            problems.append((*row, "missing"))
            continue
        content = path.read_bytes()
        if len(content) != int(size) or hashlib.sha1(content).hexdigest() != checksum:
            problems.append((*row, "damaged"))
    return problems


class Links:
    """The links and reconciliations of all payments, read at once."""

    def __init__(self):
        self.invoices = {}  # payment uuid -> [linked invoice uuids]
        for payment, invoice in psql(
            DATABASE,
            "SELECT payment.uuid, move.uuid FROM account_move__account_payment"
            " link JOIN account_move move ON move.id = link.invoice_id"
            " JOIN account_payment payment ON payment.id = link.payment_id",
        ):
            self.invoices.setdefault(payment, []).append(invoice)
        self.settled = {
            (payment, invoice): Decimal(amount)
            for payment, invoice, amount in psql(
                DATABASE,
                "SELECT payment.uuid, invoice.uuid, sum(partial.amount)"
                " FROM account_partial_reconcile partial"
                " JOIN account_move_line debit ON debit.id = partial.debit_move_id"
                " JOIN account_move invoice ON invoice.id = debit.move_id"
                " JOIN account_move_line credit"
                " ON credit.id = partial.credit_move_id"
                " JOIN account_payment payment ON payment.move_id = credit.move_id"
                " GROUP BY payment.uuid, invoice.uuid",
            )
        }

    def assert_settles(self, payment, invoice, amount):
        """The payment is linked to the invoice alone and settles ``amount``."""
        assert self.invoices.get(payment) == [invoice], (payment, invoice)
        assert self.settled.get((payment, invoice)) == amount, (payment, invoice)


POSTED = ("in_process", "paid")  # account.payment states of a posted payment


def check_waldur_payments(stream, by_proof, links):
    """Every acknowledged create complete and linked; the others complete or
    absent. Returns how many unacknowledged creates had committed."""
    committed = 0
    for create in stream.creates:
        found = by_proof.get(create["sha1"], [])
        assert len(found) <= 1, (create, found)
        if create["refused"]:
            assert not found, (create, found)  # a 409 writes nothing
            continue
        if create["uuid"] is None:
            if not found:
                continue
            committed += 1
        assert found, f"acknowledged payment {create['uuid']} is missing"
        [(uuid, amount, state, entry_state)] = found
        assert create["uuid"] in (None, uuid)
        assert (amount, entry_state) == (create["sum"], "posted") and state in POSTED
    for link in stream.links:
        [create] = [c for c in stream.creates if c["uuid"] == link["payment"]]
        links.assert_settles(link["payment"], link["invoice"], create["sum"])
    return committed


def check_space_invoices_payments(stream, links):
    """The same for the Space Invoices payments, found by their description."""
    committed = 0
    rows = psql(
        DATABASE,
        "SELECT payment.memo, payment.uuid, payment.amount, payment.state,"
        " move.state FROM account_payment payment JOIN account_move move"
        " ON move.id = payment.move_id WHERE payment.memo LIKE 'crash-si-%'",
    )
    found = {}
    for memo, uuid, amount, state, entry_state in rows:
        found.setdefault(memo, []).append((uuid, Decimal(amount), state, entry_state))
    for payment in stream.si_payments:
        matches = found.get(payment["description"], [])
        assert len(matches) <= 1, (payment, matches)
        if payment["refused"]:
            assert not matches, (payment, matches)  # a 409 writes nothing
            continue
        if payment["id"] is None:
            if not matches:
                continue
            committed += 1
        assert matches, f"acknowledged payment {payment['id']} is missing"
        [(uuid, amount, state, entry_state)] = matches
        assert payment["id"] in (None, uuid)
        assert (amount, entry_state) == (payment["amount"], "posted")
        assert state in POSTED
        links.assert_settles(uuid, payment["invoice"], payment["amount"])
    return committed


def test_killed_server_leaves_complete_payments(database):
    setup, data_dir = database
    server = Server(data_dir)
    started = time.monotonic()
    try:
        stream, killed_in_flight = run_stream(server, setup)
        links_committed = retry_unacknowledged_links(server, stream)
    finally:
        server.stop()
    elapsed = time.monotonic() - started

    links = Links()
    creates_committed = check_waldur_payments(stream, payments_by_proof(), links)
    si_committed = check_space_invoices_payments(stream, links)
    orphan_files = unreferenced_files(data_dir)
    # Sequences are not transactional: ids taken by inserts that never
    # committed show that kills landed inside the writing transactions.
    [[rolled_back]] = psql(
        DATABASE,
        "SELECT (SELECT last_value FROM account_payment_id_seq)"
        " - (SELECT count(*) FROM account_payment)",
    )
    sent, acked = sum(stream.requests.values()), sum(stream.acknowledged.values())
    print(
        f"\n[crash] {sent} requests sent ({dict(stream.requests)}), {acked}"
        f" acknowledged, {sum(stream.conflicts.values())} answered 409,"
        f" {sent - acked - sum(stream.conflicts.values())} cut off by"
        f" {len(killed_in_flight)} kills"
        f" (requests in flight at each kill: {killed_in_flight});"
        f" of those cut off, committed anyway: {creates_committed} creates,"
        f" {links_committed} links, {si_committed} Space Invoices payments;"
        f" {rolled_back} payment inserts rolled back by the kills;"
        f" {len(orphan_files)} files of cut transactions left in the filestore"
        " (for Odoo's garbage collection);"
        f" {server.starts} server starts (ready after"
        f" {', '.join(f'{t:.1f}' for t in server.start_times)} s); {elapsed:.1f} s"
    )
    assert len(killed_in_flight) == KILLS, "the stream ended before the last kill"
    assert stream.acknowledged["create"] and stream.acknowledged["link"]

    # Every payment of the stream is one the clients sent: a Waldur one has
    # its proof, a Space Invoices one its description.
    assert (
        psql(
            DATABASE,
            "SELECT payment.uuid FROM account_payment payment WHERE"
            " coalesce(payment.memo, '') NOT LIKE 'crash-si-%' AND NOT EXISTS"
            " (SELECT 1 FROM ir_attachment proof WHERE proof.res_model ="
            " 'account.payment' AND proof.res_id = payment.id"
            " AND proof.res_field = 'proof')",
        )
        == []
    )
    # Each proof also in the payment's chatter (the note's copy).
    assert (
        psql(
            DATABASE,
            "SELECT proof.id FROM ir_attachment proof WHERE proof.res_model ="
            " 'account.payment' AND proof.res_field = 'proof' AND NOT EXISTS"
            " (SELECT 1 FROM ir_attachment copy WHERE copy.res_model ="
            " 'account.payment' AND copy.res_id = proof.res_id AND copy.res_field"
            " IS NULL AND copy.checksum = proof.checksum)",
        )
        == []
    )
    assert (
        psql(DATABASE, "SELECT uuid FROM account_payment WHERE state = 'draft'") == []
    )
    assert psql(DATABASE, "SELECT uuid FROM account_move WHERE state = 'draft'") == []
    assert (
        psql(
            DATABASE,
            "SELECT id, res_id FROM ir_attachment WHERE res_model = 'account.payment'"
            " AND res_id NOT IN (SELECT id FROM account_payment)",
        )
        == []
    )
    assert (
        psql(
            DATABASE,
            "SELECT id, res_id FROM ir_attachment WHERE res_model = 'account.move'"
            " AND res_id NOT IN (SELECT id FROM account_move)",
        )
        == []
    )
    assert missing_or_damaged_files(data_dir) == []
    assert ledger_problems(DATABASE) == {}
