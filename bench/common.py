"""Database, server and API-key helpers shared by the benchmarks.

Nothing here measures anything: the benchmark scripts import these to build
a database, serve it with a real Odoo server and authenticate against it.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

REPO_ROOT = Path(__file__).resolve().parent.parent
ADDON = "billing_payments"
API_KEY_NAME = "bench"
SERVER_STOP_TIMEOUT = 30  # seconds before a server that ignores SIGTERM is killed

# The addons path, the free port and the readiness wait are those of the
# end-to-end tests (tests/e2e.py); tests/ is not a package.
sys.path.insert(0, str(REPO_ROOT / "tests"))
from e2e import (  # noqa: E402
    ADDONS_PATH,
    ServerNotReady,
    free_port,
    odoo_command,
    server_command,
    wait_for_server,
)

__all__ = [
    "ADDON",
    "ADDONS_PATH",
    "REPO_ROOT",
    "check_postgres",
    "create_database",
    "db_exists",
    "drop_database",
    "expect",
    "free_port",
    "log",
    "make_api_key",
    "psql",
    "start_server",
    "stop_server",
]


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def expect(condition, message):
    """Stop the benchmark when ``condition`` is false (asserts vanish with -O)."""
    if not condition:
        raise SystemExit(f"benchmark check failed: {message}")


def psql(db, sql):
    """The output of ``sql`` on ``db`` (psql -At), or None when it fails."""
    result = subprocess.run(
        ["psql", "-X", "-At", "-d", db, "-c", sql],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() if result.returncode == 0 else None


def db_exists(db):
    return psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"


def check_postgres():
    if subprocess.run(["pg_isready", "-q"], check=False).returncode != 0:
        sys.exit(
            "PostgreSQL does not answer (pg_isready). Start it, e.g. "
            "`pg_ctlcluster 15 main start`, and retry."
        )


def drop_database(db):
    """Drop ``db``, its registry in this process and its filestore."""
    Registry.delete(db)
    odoo.sql_db.close_db(db)
    subprocess.run(["dropdb", "--if-exists", "--force", db], check=True)
    filestore = odoo.tools.config.filestore(db)
    if filestore.rstrip("/").endswith(f"/filestore/{db}") and os.path.isdir(filestore):
        shutil.rmtree(filestore)


def create_database(db):
    """Create ``db`` and install the addon in it, without demo data."""
    log(f"creating {db} and installing {ADDON} (no demo data)")
    subprocess.run(["createdb", db], check=True)
    odoo_command(db, "-i", ADDON, "--without-demo=all")
    state = psql(db, f"SELECT state FROM ir_module_module WHERE name = '{ADDON}'")
    if state != "installed":
        sys.exit(f"{ADDON} is not installed in {db} (state: {state})")


def make_api_key(db):
    """(a new API key of admin, admin's id); admin's previous bench keys go."""
    with Registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        key = admin._billing_new_api_key(API_KEY_NAME, replace=True)
        cr.commit()
        return key, admin.id


def start_server(db, port, logfile, workers=0, addons_path=ADDONS_PATH):
    """An Odoo HTTP server of ``db`` on 127.0.0.1:``port``, once it answers.

    Started with the end-to-end tests' ``server_command`` (its launcher
    script lets a prefork server spawn its gevent process instead of
    respawning it without end), with ``--workers=<workers>`` (0: threaded)
    and one log line per request (query count, SQL time, other time) in
    ``logfile``. ``addons_path`` replaces the tests' one when given.
    """
    launcher_dir = tempfile.mkdtemp(prefix="bench_server_")
    command = server_command(
        launcher_dir,
        db,
        port,
        f"--workers={workers}",
        f"--addons-path={addons_path}",
        # One line per request with its query count, SQL time and the rest.
        "--log-handler=werkzeug:INFO",
        f"--logfile={logfile}",
    )
    logfile.unlink(missing_ok=True)
    server = subprocess.Popen(command, cwd="/")
    server.launcher_dir = launcher_dir
    try:
        wait_for_server(f"http://127.0.0.1:{port}", server)
    except ServerNotReady as error:
        stop_server(server)
        sys.exit(f"{error}; see {logfile}")
    return server


def stop_server(server):
    server.terminate()
    try:
        server.wait(timeout=SERVER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    launcher_dir = getattr(server, "launcher_dir", None)
    if launcher_dir:
        shutil.rmtree(launcher_dir, ignore_errors=True)
