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
# The benchmark-only addon of the no-op API route (the fixed cost of a
# request). Only the benchmark's servers have bench/addons on their addons
# path: it is not part of what ships.
FLOOR_ADDON = "billing_bench_floor"
BENCH_ADDONS_DIR = REPO_ROOT / "bench" / "addons"
# The ir.config_parameter holding the version of the addon's code a kept
# benchmark database was installed or last updated with.
CODE_VERSION_KEY = "bench.addon_code_version"
API_KEY_NAME = "bench"
SERVER_STOP_TIMEOUT = 30  # seconds before a server that ignores SIGTERM is killed

# The addons path, the free port and the readiness wait are those of the
# end-to-end tests (tests/e2e.py); tests/ is not a package.
sys.path.insert(0, str(REPO_ROOT / "tests"))
from e2e import (  # noqa: E402
    ADDONS_PATH,
    ServerNotReady,
    _code_version,  # the digest of the addon's files its templates are keyed by
    free_port,
    fresh_database,
    odoo_command,
    server_command,
    wait_for_server,
)

BENCH_ADDONS_PATH = f"{ADDONS_PATH},{BENCH_ADDONS_DIR}"

__all__ = [
    "ADDON",
    "ADDONS_PATH",
    "BENCH_ADDONS_PATH",
    "FLOOR_ADDON",
    "REPO_ROOT",
    "check_postgres",
    "clone_database",
    "create_database",
    "db_exists",
    "drop_database",
    "expect",
    "free_port",
    "install_floor_addon",
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


def module_state(db, module):
    return psql(db, f"SELECT state FROM ir_module_module WHERE name = '{module}'")


def create_database(db):
    """Create ``db`` with the addon installed, without demo data.

    A copy of the end-to-end tests' template of this version of the addon
    (``tests/e2e.fresh_database``): about 1 s, or one install (about 40 s)
    when the addon's code changed since the template was made.
    """
    log(f"creating {db} with {ADDON} installed (no demo data)")
    fresh_database(db)
    state = module_state(db, ADDON)
    if state != "installed":
        sys.exit(f"{ADDON} is not installed in {db} (state: {state})")
    mark_code_version(db)


def mark_code_version(db):
    """Record in ``db`` the version of the addon's code it now runs."""
    psql(
        db,
        "INSERT INTO ir_config_parameter (key, value) VALUES"
        f" ('{CODE_VERSION_KEY}', '{_code_version()}')"
        " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
    )


def install_floor_addon(db):
    """Make a kept database ready to serve this code: the no-op route's
    addon installed, and ``billing_payments`` updated (``-u``) when its code
    changed since the database last ran it (new fields, indexes)."""
    args = []
    stored = psql(
        db, f"SELECT value FROM ir_config_parameter WHERE key = '{CODE_VERSION_KEY}'"
    )
    if stored != _code_version():
        args += ["-u", ADDON]
    if module_state(db, FLOOR_ADDON) != "installed":
        args += ["-i", FLOOR_ADDON]
    if args:
        log(f"{db}: odoo {' '.join(args)}")
        odoo_command(db, f"--addons-path={BENCH_ADDONS_PATH}", *args)
        mark_code_version(db)
    expect(module_state(db, FLOOR_ADDON) == "installed", f"{FLOOR_ADDON} installed")


def clone_database(source, target):
    """``target`` as a copy of ``source`` (``createdb -T``) with its filestore.

    Nothing may be connected to ``source``: this process's connections to it
    are closed first; stop its servers before.
    """
    if db_exists(target):
        drop_database(target)
    Registry.delete(source)
    odoo.sql_db.close_db(source)
    subprocess.run(["createdb", "-T", source, target], check=True)
    filestore = Path(odoo.tools.config.filestore(source))
    if filestore.is_dir():
        shutil.copytree(filestore, odoo.tools.config.filestore(target))


def make_api_key(db):
    """(a new API key of admin, admin's id); admin's previous bench keys go."""
    with Registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        key = admin._billing_new_api_key(API_KEY_NAME, replace=True)
        cr.commit()
        return key, admin.id


def start_server(db, port, logfile, workers=0, addons_path=BENCH_ADDONS_PATH):
    """An Odoo HTTP server of ``db`` on 127.0.0.1:``port``, once it answers.

    Started with the end-to-end tests' ``server_command`` (its launcher
    script lets a prefork server spawn its gevent process instead of
    respawning it without end), with ``--workers=<workers>`` (0: threaded)
    and one log line per request (query count, SQL time, other time) in
    ``logfile``. The addons path is the tests' one plus bench/addons (the
    no-op route's addon) unless ``addons_path`` says otherwise.
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
