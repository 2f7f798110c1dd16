"""Fuzzing both OpenAPI documents against a real server (schemathesis).

A database of its own gets demo-like data (a billing clerk with an API key,
customers with payment profiles, posted invoices with lines, payments made
through each API, a deleted one); a ``--workers=2`` server then answers
schemathesis' cases for every operation of ``/api/openapi.json`` (Waldur)
and ``/v1/openapi.json`` (Space Invoices): valid ones and, where the schema
can be broken, invalid ones. Path ids are mostly real ones, so that cases
reach records rather than 404s.

Every response must be no 5xx, have a documented status, content type,
headers and body, and an invalid input must never be accepted. A write
answered 4xx must have written nothing: the rows (and last write dates) of
the accounting and attachment tables are compared around it.

Seeded and bounded: ``BILLING_FUZZ_EXAMPLES`` cases in all (default 400),
spread over operations and both generation modes; ``BILLING_FUZZ_SEED``
picks another sequence. A long run:

    BILLING_FUZZ_EXAMPLES=5000 python3 -m pytest tests/test_schemathesis.py -s
"""

import json
import os
import time

import pytest
import requests
import schemathesis
from e2e import (
    REQUEST_TIMEOUT,
    dropdb,
    fresh_database,
    odoo_script,
    psql,
    start_server,
)
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.e2e  # Odoo processes of its own; not in `make test-fast`

DATABASE = f"billing_e2e_schemathesis_{os.getpid()}"
EXAMPLES = int(os.environ.get("BILLING_FUZZ_EXAMPLES") or 400)
SEED = int(os.environ.get("BILLING_FUZZ_SEED") or 20260412)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# An invalid input must never be accepted by a write. Reads follow DRF and
# django-filter, which ignore what they cannot use (an unknown parameter, an
# invalid page_size, a parameter serialised as an object): a read answering
# 200 to such a query writes nothing and is Waldur's own behaviour.
WRITE_CHECKS = [*CHECKS, negative_data_rejection]
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# What a write may change: rows and last write dates, compared around each
# write answered 4xx.
WRITTEN_TABLES = (
    "account_move",
    "account_move_line",
    "account_payment",
    "account_partial_reconcile",
    "billing_payment_profile",
    "ir_attachment",
    "mail_message",
)
SNAPSHOT = "SELECT " + ", ".join(
    f"(SELECT count(*) || '/' || coalesce(max(write_date)::text, '') FROM {table})"
    if table != "account_partial_reconcile"
    else f"(SELECT count(*) FROM {table})"
    for table in WRITTEN_TABLES
)
# How many failures the assertion message shows in full.
SHOWN_FAILURES = 15

SETUP = """
import datetime
import json

from dateutil.relativedelta import relativedelta

company = env.company
if not env["account.account"].search_count([("company_ids", "in", company.ids)]):
    env["account.chart.template"].try_loading("generic_coa", company, False)
estonia = env.ref("base.ee")
company.write(
    {
        "name": "Fuzz Hosting OÜ",
        "street": "Riia 1",
        "city": "Tartu",
        "zip": "50090",
        "country_id": estonia.id,
        "email": "billing@fuzz-hosting.example.com",
    }
)
clerk = env["res.users"].create(
    {
        "name": "Fuzz Billing Clerk",
        "login": "fuzz_clerk",
        "groups_id": [
            (
                6,
                0,
                [
                    env.ref("base.group_user").id,
                    env.ref("account.group_account_invoice").id,
                ],
            )
        ],
    }
)
key = clerk._billing_new_api_key("schemathesis")
bank = env["account.journal"].search(
    [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
)
provider = env["res.partner"].create({"name": "Cloud Provider Ltd", "is_company": True})
vm, storage = env["product.product"].create(
    [
        {
            "name": "Virtual machine",
            "default_code": "VM-S",
            "lst_price": 100.0,
            "service_provider_id": provider.id,
        },
        {"name": "Object storage", "default_code": "OBJ", "lst_price": 1.5},
    ]
)
customers = env["res.partner"].create(
    [
        {
            "name": name,
            "is_company": True,
            "email": f"billing@{slug}.example.com",
            "street": "Main Street 1",
            "city": "Tallinn",
            "country_id": estonia.id,
        }
        for name, slug in (
            ("Acme Cloud", "acme"),
            ("Beta Labs", "beta"),
            ("Gamma Research", "gamma"),
        )
    ]
)
profiles = env["billing.payment.profile"].create(
    [
        {
            "name": f"{customer.name} invoices",
            "partner_id": customer.id,
            "payment_type": "invoices",
            "journal_id": bank.id,
        }
        for customer in customers
    ]
)
today = datetime.date.today()
invoices = env["account.move"]
for index in range(9):
    customer = customers[index % 3]
    day = today.replace(day=1) - relativedelta(months=index // 3)
    invoice = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": customer.id,
            "invoice_date": day,
            "invoice_date_due": day + datetime.timedelta(days=30),
            "payment_reference": f"RF{index:04d}",
            "invoice_line_ids": [
                (0, 0, {"product_id": vm.id, "quantity": 2, "price_unit": 100.0}),
                (
                    0,
                    0,
                    {
                        "product_id": storage.id,
                        "quantity": 30 + index,
                        "price_unit": 1.5,
                        "billing_measured_unit": "GB",
                    },
                ),
            ],
        }
    )
    if index != 8:  # one invoice stays a draft (Waldur's "pending")
        invoice.action_post()
    invoices |= invoice
posted = invoices.filtered(lambda move: move.state == "posted")
payments = env["account.payment"]
for invoice, amount, channel, memo in (
    (posted[0], 50.0, "bank", "Wire 1"),
    (posted[0], 25.5, "card", None),
    (posted[1], 20.0, "cash", "Till"),
    (posted[2], 30.0, "online", None),
):
    payments |= invoice._billing_pay(
        amount=amount, payment_date=today, channel=channel, memo=memo
    )
posted[3]._billing_pay()  # paid in full
deleted = posted[4]._billing_pay(amount=10.0, channel="other")
deleted._billing_cancel()
# Waldur's payments: of the profiles, one of them linked to an invoice.
waldur_payments = env["account.payment"]
for profile, amount in zip(profiles, (75.0, 40.0, 12.5), strict=True):
    waldur_payments |= env["account.payment"]._billing_create_payment(
        profile, today, amount
    )
waldur_payments[1]._billing_link_invoice(posted[7])  # Beta Labs
print(
    json.dumps(
        {
            "key": key,
            "invoices": invoices.mapped("uuid"),
            "items": invoices.invoice_line_ids.filtered("product_id").mapped("uuid"),
            "payments": waldur_payments.mapped("uuid"),
            "si_payments": (payments | deleted).mapped("uuid"),
            "profiles": profiles.mapped("uuid"),
            "customers": customers.mapped("uuid"),
            "companies": company.mapped("uuid"),
        }
    )
)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(base URL, ids and key of the data) of a 2-worker server of its own."""
    server_dir = tmp_path_factory.mktemp("odoo")
    process = None
    try:
        fresh_database(DATABASE)
        data = json.loads(odoo_script(DATABASE, SETUP).strip().splitlines()[-1])
        process, base = start_server(server_dir, DATABASE)
        # web.base.url: the links of the Waldur API name this server.
        odoo_script(
            DATABASE,
            f'env["ir.config_parameter"].set_param("web.base.url", "{base}")',
        )
        # Load the registry in both workers before the cases run.
        for _ in range(4):
            requests.get(
                f"{base}/v1/organizations/{data['companies'][0]}/payments",
                headers={"Authorization": data["key"]},
                timeout=REQUEST_TIMEOUT,
            ).raise_for_status()
        yield base, data
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=60)
        dropdb(DATABASE)


# --- which real ids a path parameter takes ------------------------------------------

# The path segment before a parameter → the ids of the data it names.
ID_KINDS = {
    "documents": "invoices",
    "organizations": "companies",
    "invoices": "invoices",
    "invoice-items": "items",
    "payments": "payments",
    "payment-profiles": "profiles",
    "customers": "customers",
}


def real_ids(operation, data, dialect):
    """{parameter: [ids]} of the path parameters of ``operation``."""
    segments = operation.path.strip("/").split("/")
    ids = {}
    for before, segment in zip(segments, segments[1:], strict=False):
        if segment.startswith("{") and segment.endswith("}"):
            kind = ID_KINDS[before]
            if dialect == "spaceinvoices" and kind == "payments":
                kind = "si_payments"
            ids[segment[1:-1]] = data[kind]
    return ids


def path_choices(ids):
    """Mostly real ids (each parameter its own), sometimes generated ones."""
    if not ids:
        return st.just({})
    real = st.fixed_dictionaries({name: st.sampled_from(v) for name, v in ids.items()})
    # Four cases in five on real records (Hypothesis favours small integers).
    return st.integers(0, 4).flatmap(lambda n: st.just({}) if n == 4 else real)


# --- one run ------------------------------------------------------------------------


def database_snapshot():
    return psql(DATABASE, SNAPSHOT)


class Run:
    """The cases of one document: counts, statuses and failures."""

    def __init__(self, base, data, dialect, auth):
        self.base, self.data, self.dialect = base, data, dialect
        self.headers = {"Authorization": auth}
        self.cases = 0
        self.statuses = {}
        self.failures = []

    def fuzz(self, operation, mode, examples):
        ids = real_ids(operation, self.data, self.dialect)
        label = f"{operation.method.upper()} {operation.path}"
        write = operation.method.upper() in WRITE_METHODS

        def cases(path_parameters):
            return operation.as_strategy(
                generation_mode=mode, path_parameters=path_parameters or None
            )

        @seed(SEED)
        @settings(
            max_examples=examples,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
            print_blob=False,
        )
        @given(case=path_choices(ids).flatmap(cases))
        def run(case):
            before = database_snapshot() if write else None
            response = case.call(
                base_url=self.base, headers=self.headers, timeout=REQUEST_TIMEOUT
            )
            self.cases += 1
            key = (label, mode.value, response.status_code)
            self.statuses[key] = self.statuses.get(key, 0) + 1
            try:
                case.validate_response(
                    response,
                    checks=WRITE_CHECKS if write else CHECKS,
                    headers=self.headers,
                )
            except FailureGroup as group:
                for failure in group.exceptions:
                    self.fail(case, response, failure)
            except Failure as failure:
                self.fail(case, response, failure)
            if write and 400 <= response.status_code < 500:
                after = database_snapshot()
                if after != before:
                    self.fail(
                        case,
                        response,
                        f"a write answered {response.status_code} changed the "
                        f"database: {before} -> {after}",
                    )

        try:
            run()
        except (schemathesis.errors.SchemathesisError, Unsatisfiable) as error:
            # E.g. no invalid value exists for any part of the operation.
            if mode != GenerationMode.NEGATIVE:
                raise
            print(f"{label}: no {mode.value} cases ({type(error).__name__})")

    def fail(self, case, response, error):
        self.failures.append(
            f"{case.operation.method.upper()} {case.operation.path} "
            f"[{case.meta.generation.mode.value if case.meta else '?'}] -> "
            f"{response.status_code}: {getattr(error, 'title', '')} "
            f"{str(error)[:1500]}\n"
            f"  {case.as_curl_command(headers=self.headers, base_url=self.base)}\n"
            f"  response: {response.text[:500]}"
        )


def fuzz_document(server, path, dialect, auth):
    base, data = server
    schema = schemathesis.openapi.from_url(base + path, timeout=REQUEST_TIMEOUT)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Deletes last, so that the other operations still find the records.
    operations.sort(key=lambda operation: operation.method.upper() == "DELETE")
    assert operations, path
    per_mode = max(1, EXAMPLES // (2 * len(operations) * 2))  # two documents
    run = Run(base, data, dialect, auth)
    started = time.monotonic()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run.fuzz(operation, mode, per_mode)
    summary = "\n".join(
        f"  {label} [{mode}] {status}: {count}"
        for (label, mode, status), count in sorted(run.statuses.items())
    )
    print(
        f"\n{path}: {run.cases} cases on {len(operations)} operations in "
        f"{time.monotonic() - started:.0f} s\n{summary}"
    )
    assert run.cases >= len(operations), summary
    shown = "\n\n".join(run.failures[:SHOWN_FAILURES])
    assert not run.failures, f"{len(run.failures)} failures:\n\n{shown}"
    return run


def test_space_invoices_document_holds_against_the_server(server):
    run = fuzz_document(server, "/v1/openapi.json", "spaceinvoices", server[1]["key"])
    # Cases reached real records, not only 404s.
    assert any(
        status == 200 and "{" in label for (label, _m, status) in run.statuses
    ), run.statuses


def test_waldur_document_holds_against_the_server(server):
    run = fuzz_document(
        server, "/api/openapi.json", "waldur", f"Token {server[1]['key']}"
    )
    assert any(
        status == 200 and "{" in label for (label, _m, status) in run.statuses
    ), run.statuses
