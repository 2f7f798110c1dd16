"""Helpers for the end-to-end tests that drive Odoo as separate processes."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
ADDON = "billing_payments"
# A loaded 2-core machine may take minutes to start a server or to load a
# registry in a new worker: these bound waits, they are not expected times.
SERVER_START_TIMEOUT = 300
HEALTH_REQUEST_TIMEOUT = 10  # one readiness probe; a slow answer is retried
REQUEST_TIMEOUT = 300  # one API request of a test
HEALTH_PATH = "/web/health"
# "first-last": the HTTP ports the tests and benchmarks may use, for machines
# that share port ranges between jobs; unset, the system picks a free one.
PORTS_VARIABLE = "BILLING_TEST_HTTP_PORTS"

# scripts/addons_path.py is the one computation of the addons path (also run
# by scripts/lib.sh); scripts/ is not a package, so it is imported from there.
sys.path.insert(0, str(REPO_ROOT / "scripts"))
from addons_path import addons_path  # noqa: E402

ADDONS_PATH = addons_path()


def free_port():
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    ports = os.environ.get(PORTS_VARIABLE)
    if not ports:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]
    first, last = (int(port) for port in ports.split("-"))
    for port in range(first, last + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS_VARIABLE}={ports}")


# Odoo's prefork server starts its gevent process as `python <argv[0]>
# gevent`. Run as `python -m odoo`, argv[0] is odoo/__main__.py, which cannot
# run as a script: the master respawns it without end, logging hundreds of
# tracebacks a minute and taking the CPU the tests need. A launcher script
# makes argv[0] runnable.
_LAUNCHER = "from odoo.cli.command import main\n\nmain()\n"


def server_command(directory, database, port, *extra, data_dir=None):
    """The argv of an ``odoo --workers=2`` server of ``database`` on
    127.0.0.1:``port``, its launcher script in ``directory``; ``extra``
    options are appended. ``data_dir`` (filestore) defaults to Odoo's, the
    one ``odoo_command`` and ``odoo_script`` use."""
    launcher = Path(directory) / "odoo_server.py"
    launcher.write_text(_LAUNCHER)
    return [
        sys.executable,
        str(launcher),
        "-d",
        database,
        f"--addons-path={ADDONS_PATH}",
        *([f"--data-dir={data_dir}"] if data_dir else []),
        f"--db-filter=^{database}$",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        "--workers=2",
        "--max-cron-threads=0",
        "--log-level=warn",
        *extra,
    ]


def start_server(directory, database, *extra, data_dir=None):
    """(process, base URL) of a ready ``server_command`` server on a free
    port, logging to ``directory``/odoo.log."""
    port = free_port()
    with open(Path(directory) / "odoo.log", "ab") as log:
        process = subprocess.Popen(
            server_command(directory, database, port, *extra, data_dir=data_dir),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(base, process)
    except BaseException:
        process.kill()
        process.wait()
        raise
    return process, base


class ServerNotReady(RuntimeError):
    """The Odoo server exited, or did not answer in time."""


def wait_for_server(base_url, process=None, timeout=SERVER_START_TIMEOUT):
    """Return once ``base_url`` answers 200 on /web/health.

    Whatever goes wrong before that (refused connection, read timeout of a
    server still loading, an error status) means "not ready yet", so that a
    slow machine only makes this wait longer. Raises ServerNotReady when
    ``process`` (the server's Popen, if given) exits or ``timeout`` passes.
    """
    url = base_url.rstrip("/") + HEALTH_PATH
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise ServerNotReady(f"the Odoo server exited ({process.returncode})")
        try:
            if requests.get(url, timeout=HEALTH_REQUEST_TIMEOUT).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise ServerNotReady(f"{url} did not answer 200 within {timeout} s")
        time.sleep(0.5)


def odoo_command(database, *args, env=None, timeout=900):
    """Run ``python3 -m odoo`` on ``database`` with our addons path; check it."""
    command = [
        sys.executable,
        "-m",
        "odoo",
        "-d",
        database,
        f"--addons-path={ADDONS_PATH}",
        "--stop-after-init",
        "--log-level=warn",
        *args,
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env=env, check=False
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result


def fresh_database(database, *install_args):
    """Create ``database`` anew (dropping a leftover one) with the addon
    installed, no demo data; the caller drops it (``dropdb``) when done."""
    dropdb(database)
    subprocess.run(["createdb", database], check=True)
    odoo_command(database, "-i", ADDON, "--without-demo=all", *install_args)


def odoo_script(database, code, timeout=300):
    """Run ``code`` with ``env`` (superuser) bound on ``database``; its stdout."""
    program = f"""
import odoo
from odoo.modules.registry import Registry
odoo.tools.config.parse_config(
    ["-d", {database!r}, "--addons-path={ADDONS_PATH}", "--log-level=warn"]
)
with Registry({database!r}).cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {{}})
{_indent(code)}
    cr.commit()
"""
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout


def _indent(code):
    return "\n".join("    " + line for line in code.strip().splitlines())


def psql(database, query, env=None):
    """Rows of ``query`` as lists of strings (psql -At)."""
    result = subprocess.run(
        ["psql", "-X", "-At", "-F", "\t", "-d", database, "-c", query],
        capture_output=True,
        text=True,
        env=env or os.environ,
        check=True,
    )
    return [line.split("\t") for line in result.stdout.splitlines() if line]


def dropdb(database, env=None):
    subprocess.run(
        ["dropdb", "--if-exists", database], env=env or os.environ, check=False
    )
