"""``make run`` as a newcomer runs it: PostgreSQL installed but stopped.

A throw-away Debian cluster is created stopped and without a role for the
current user, so the run command must start it and create the role itself,
install the addon with its demo data, print a working API key and serve the
API on its port. A second run re-uses the database (update path) and replaces
the key.
"""

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests
from e2e import REPO_ROOT, REQUEST_TIMEOUT, ServerNotReady, psql, wait_for_server

pytestmark = pytest.mark.e2e  # Odoo processes of its own; not in `make test-fast`

PG_VERSION = (
    subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=False
    ).stdout.split()[0]
    if shutil.which("pg_lsclusters")
    else "15"
)
CLUSTER = "billing_e2e"
PORT = "5499"
HTTP_PORT = 18069
DATABASE = "billing_e2e_run"
KEY_RE = re.compile(r"Authorization: Token ([0-9a-f]+)")


def cluster_env():
    env = dict(os.environ, PGPORT=PORT, BILLING_DB=DATABASE)
    env["BILLING_HTTP_PORT"] = str(HTTP_PORT)
    env.pop("PGHOST", None)
    return env


@pytest.fixture()
def stopped_cluster():
    subprocess.run(
        ["pg_dropcluster", "--stop", PG_VERSION, CLUSTER],
        capture_output=True,
        check=False,
    )
    subprocess.run(
        ["pg_createcluster", PG_VERSION, CLUSTER, "--port", PORT],
        capture_output=True,
        check=True,
    )
    status = subprocess.run(
        ["pg_ctlcluster", PG_VERSION, CLUSTER, "status"],
        capture_output=True,
        check=False,
    )
    assert status.returncode != 0, "the new cluster must start stopped"
    yield
    subprocess.run(
        ["pg_dropcluster", "--stop", PG_VERSION, CLUSTER],
        capture_output=True,
        check=False,
    )
    shutil.rmtree(
        Path.home() / ".local/share/Odoo/filestore" / DATABASE, ignore_errors=True
    )


class RunningServer:
    """``make run`` in its own process group, its output kept in a file."""

    def __init__(self, log_path):
        self.log_path = log_path
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            ["make", "run"],
            cwd=REPO_ROOT,
            env=cluster_env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def output(self):
        return Path(self.log_path).read_text()

    def wait_for_key(self, timeout=600):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = KEY_RE.search(self.output())
            if match:
                return match.group(1)
            assert self.process.poll() is None, self.output()[-4000:]
            time.sleep(1)
        raise AssertionError("no API key printed:\n" + self.output()[-4000:])

    def get(self, path, key):
        base = f"http://127.0.0.1:{HTTP_PORT}"
        try:
            # The key is printed before the server starts listening.
            wait_for_server(base, self.process)
        except ServerNotReady as error:
            raise AssertionError(f"{error}:\n{self.output()[-4000:]}") from error
        return requests.get(
            base + path,
            headers={"Authorization": f"Token {key}"},
            timeout=REQUEST_TIMEOUT,
        )

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def test_make_run_from_a_stopped_postgresql(stopped_cluster, tmp_path):
    first = RunningServer(tmp_path / "first.log")
    try:
        key = first.wait_for_key()
        assert (
            f'curl -H "Authorization: Token {key}" http://127.0.0.1:{HTTP_PORT}/api/payment-profiles/'
            in first.output()
        )
        response = first.get("/api/payment-profiles/", key)
        assert response.status_code == 200, response.text
        profiles = response.json()
        assert any(p["is_active"] and p["payment_type"] == "invoices" for p in profiles)
        assert "session_id" not in response.cookies
    finally:
        first.stop()

    env = cluster_env()
    assert psql(DATABASE, "SELECT 1", env=env) == [["1"]]
    # The demo: invoices in every billing state.
    states = {
        row[0]
        for row in psql(
            DATABASE,
            "SELECT DISTINCT billing_state FROM account_move"
            " WHERE move_type = 'out_invoice'",
            env=env,
        )
    }
    assert states == {"pending", "created", "paid", "canceled"}

    second = RunningServer(tmp_path / "second.log")
    try:
        new_key = second.wait_for_key()
        assert "Updating billing_payments" in second.output()
        assert new_key != key
        assert second.get("/api/payment-profiles/", new_key).status_code == 200
        assert second.get("/api/payment-profiles/", key).status_code == 401
    finally:
        second.stop()
