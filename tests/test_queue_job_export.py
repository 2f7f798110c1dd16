"""Large XLSX exports through a real OCA queue_job (issue 13, "Past one machine").

A ``--workers=2`` server with queue_job installed and loaded server-wide
(``--load=base,web,queue_job``: its job runner runs in a process of the
server and starts jobs over HTTP), the synchronous row limit at 5 rows. An
accountant logs in as the web client does and clicks the invoice's
"Export statistics" button (``/web/dataset/call_button``): the answer is the
"being prepared" notification, not a download. The server's own job runner
then runs the job, as that user: the attachment is a valid workbook of every
offering row, readable by that user and not by another accountant, and the
user's Inbox holds the notification with it. A download URL opened directly
past the limit (a selection of two invoices) is queued the same way (202).

queue_job comes from scripts/extra_addons.sh (scripts/test.sh runs it),
which installs it into .cache/addons, on the addons path from then on.
"""

import io
import json
import os
import time

import openpyxl
import pytest
import requests
from e2e import (
    ADDONS_PATH,
    REQUEST_TIMEOUT,
    dropdb,
    fresh_database_with,
    odoo_script,
    psql,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.e2e  # Odoo processes of its own; not in `make test-fast`

DATABASE = (
    f"{os.environ.get('BILLING_E2E_DB_PREFIX', 'billing_e2e')}_queue_job_{os.getpid()}"
)
ROW_LIMIT = 5
OFFERINGS = 8  # table rows of one invoice's export: past ROW_LIMIT
# A bound for a loaded machine (a new worker loads the registry, the runner
# polls), not an expected time.
JOB_TIMEOUT = 300
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SETUP = f"""
import json

company = env.company
if not env["account.account"].search_count([("company_ids", "in", company.ids)]):
    env["account.chart.template"].try_loading("generic_coa", company, False)
env["ir.config_parameter"].set_param(
    "billing_payments.xlsx_sync_row_limit", "{ROW_LIMIT}"
)
customer = env["res.partner"].create({{"name": "Queue customer"}})
products = env["product.product"].create(
    [{{"name": f"QJ offering {{n}}", "lst_price": 10 + n}} for n in range({OFFERINGS})]
)


def invoice():
    move = env["account.move"].create(
        {{
            "move_type": "out_invoice",
            "partner_id": customer.id,
            "invoice_line_ids": [
                (0, 0, {{"product_id": product.id, "price_unit": product.lst_price}})
                for product in products
            ],
        }}
    )
    move.action_post()
    return move


groups = [
    env.ref("base.group_user").id,
    env.ref("account.group_account_invoice").id,
]
users = {{
    login: env["res.users"].create(
        {{
            "name": login.title(),
            "login": login,
            "password": login + "-password",
            "groups_id": [(6, 0, groups)],
            # Notifications in Odoo's Inbox rather than by e-mail.
            "notification_type": "inbox",
        }}
    )
    for login in ("accountant", "other_accountant")
}}
print(json.dumps({{
    "invoice": invoice().id,
    "selection": [invoice().id, invoice().id],
    "users": {{login: user.id for login, user in users.items()}},
    "partner": users["accountant"].partner_id.id,
    "other_partner": users["other_accountant"].partner_id.id,
}}))
"""


def wait_until(check, what, timeout=JOB_TIMEOUT):
    """``check()``'s first truthy value; any error until the deadline means
    "not yet", so that a slow machine only makes this wait longer."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = check()
            if value:
                return value
        except Exception as error:  # readiness: any error means "not yet"
            last_error = error
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{what}: not within {timeout} s (last error: {last_error!r})"
            )
        time.sleep(0.5)


class WebSession:
    """A browser's session of the web client: cookie, JSON-RPC calls."""

    def __init__(self, base, login):
        self.base = base
        self.http = requests.Session()
        result = self.rpc(
            "/web/session/authenticate",
            {"db": DATABASE, "login": login, "password": login + "-password"},
        )
        assert result["uid"], result

    def rpc(self, path, params):
        """The JSON-RPC answer's ``result``, or its ``error`` (a dict with
        the exception's name in data.name) when it has one."""
        response = self.http.post(
            self.base + path,
            json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params},
            timeout=REQUEST_TIMEOUT,
        )
        response.raise_for_status()
        body = response.json()
        return {"error": body["error"]} if "error" in body else body["result"]

    def call(self, model, method, *args, route="call_kw", **kwargs):
        return self.rpc(
            f"/web/dataset/{route}/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def get(self, path):
        return self.http.get(self.base + path, timeout=REQUEST_TIMEOUT)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    assert any(
        os.path.isfile(os.path.join(path, "queue_job", "__manifest__.py"))
        for path in ADDONS_PATH.split(",")
    ), (
        "queue_job is not on the addons path: run `bash scripts/extra_addons.sh`"
        " (scripts/test.sh does), which installs it into .cache/addons"
    )
    directory = tmp_path_factory.mktemp("queue_job")
    # queue_job reads its job runner's settings from the [queue_job] section.
    config = directory / "odoo.conf"
    config.write_text("[options]\n\n[queue_job]\nchannels = root:1\n")
    process = None
    try:
        fresh_database_with(DATABASE, ["queue_job"], f"--data-dir={directory}")
        setup = json.loads(odoo_script(DATABASE, SETUP).splitlines()[-1])
        process, base = start_server(
            directory,
            DATABASE,
            f"--config={config}",
            "--load=base,web,queue_job",
            data_dir=directory,
        )
        yield {**setup, "base": base, "log": directory / "odoo.log"}
    finally:
        if process is not None:
            stop_server(process)
        dropdb(DATABASE)


def export_jobs(export):
    """(state, exc_info, user_id) of the export jobs of ``export`` (the
    account.move method the job runs, its second argument; queue_job keeps
    the arguments as a JSON string in a jsonb column)."""
    return psql(
        DATABASE,
        "SELECT state, coalesce(exc_info, ''), user_id FROM queue_job"
        " WHERE method_name = '_billing_export_job'"
        f" AND position('{export}' in args::text) > 0",
    )


def finished_job(export):
    """(state, exc_info, user_id) of the one job of ``export`` once ended."""
    rows = export_jobs(export)
    if len(rows) == 1 and rows[0][0] in ("done", "failed"):
        return rows[0]
    return None


def offering_rows(content):
    """How many rows of the workbook's first sheet name one of our offerings."""
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    return sum(
        1
        for row in sheet.iter_rows(values_only=True)
        if any(isinstance(v, str) and v.startswith("QJ offering ") for v in row)
    )


def inbox_attachments(session, partner):
    """{attachment id: message} of the user's unread Inbox notifications."""
    messages = session.call(
        "mail.message",
        "search_read",
        [("needaction", "=", True), ("message_type", "=", "user_notification")],
        fields=["attachment_ids", "model", "res_id", "partner_ids", "subject"],
    )
    assert "error" not in messages, messages
    found = {}
    for message in messages:
        assert partner in message["partner_ids"], message
        for attachment in message["attachment_ids"]:
            found[attachment] = message
    return found


def assert_private_workbook(server, accountant, other, attachment_id, rows):
    """The attachment is the user's alone, and a workbook of ``rows`` rows."""
    [[create_uid, res_model, res_id, public, mimetype]] = psql(
        DATABASE,
        "SELECT create_uid, coalesce(res_model, ''), coalesce(res_id, 0),"
        " coalesce(public, false), mimetype FROM ir_attachment"
        f" WHERE id = {attachment_id}",
    )
    assert int(create_uid) == server["users"]["accountant"]
    # Not attached to a record: only its creator (and administrators) read it.
    assert (res_model, res_id, public) == ("", "0", "f")
    assert mimetype == XLSX
    download = accountant.get(f"/web/content/{attachment_id}?download=true")
    assert download.status_code == 200, download.text[:500]
    assert offering_rows(download.content) == rows
    refused = other.call("ir.attachment", "read", [attachment_id], fields=["name"])
    assert "AccessError" in refused["error"]["data"]["name"], refused
    denied = other.get(f"/web/content/{attachment_id}?download=true")
    assert denied.status_code in (403, 404), denied.status_code
    assert not denied.content.startswith(b"PK")  # no workbook either way


def test_button_past_the_limit_queues_and_the_runner_delivers(server):
    accountant = WebSession(server["base"], "accountant")
    other = WebSession(server["base"], "other_accountant")
    invoice = server["invoice"]

    answer = accountant.call(
        "account.move",
        "action_billing_export_stats",
        [invoice],
        route="call_button",
        context={"lang": "en_US"},
    )
    assert "error" not in answer, answer
    assert answer["type"] == "ir.actions.client", answer
    assert answer["tag"] == "display_notification"
    assert f"({OFFERINGS} rows)" in answer["params"]["message"]

    state, exc_info, job_user = wait_until(
        lambda: finished_job("_billing_stats_xlsx"),
        "the server's job runner ran the export job",
    )
    assert state == "done", exc_info
    assert int(job_user) == server["users"]["accountant"]  # run as the clicker

    inbox = wait_until(
        lambda: {
            key: message
            for key, message in inbox_attachments(accountant, server["partner"]).items()
            if message["model"] == "account.move"  # not the selection's (below)
        },
        "the notification in the accountant's Inbox",
    )
    [(attachment_id, message)] = inbox.items()
    assert (message["model"], message["res_id"]) == ("account.move", invoice)
    assert_private_workbook(server, accountant, other, attachment_id, OFFERINGS)
    assert inbox_attachments(other, server["other_partner"]) == {}


def test_download_url_past_the_limit_queues_too(server):
    accountant = WebSession(server["base"], "accountant")
    other = WebSession(server["base"], "other_accountant")
    selection = server["selection"]
    before = set(inbox_attachments(accountant, server["partner"]))

    ids = ",".join(map(str, selection))
    response = accountant.get(f"/billing_payments/invoices/stats.xlsx?ids={ids}")
    assert response.status_code == 202, response.text[:500]
    assert response.headers["Content-Type"].startswith("text/plain")
    assert f"({2 * OFFERINGS} rows) is being prepared" in response.text

    state, exc_info, _user = wait_until(
        lambda: finished_job("_billing_selection_stats_xlsx"),
        "the server's job runner ran the selection's export job",
    )
    assert state == "done", exc_info
    inbox = wait_until(
        lambda: {
            key: value
            for key, value in inbox_attachments(accountant, server["partner"]).items()
            if key not in before
        },
        "the selection's notification in the accountant's Inbox",
    )
    [(attachment_id, message)] = inbox.items()
    assert not message["model"]  # several invoices: a notification of no record
    assert_private_workbook(server, accountant, other, attachment_id, 2 * OFFERINGS)
