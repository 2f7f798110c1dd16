"""Helpers for the end-to-end tests that drive Odoo as separate processes."""

import contextlib
import fcntl
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
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
    return free_port_in(ports, PORTS_VARIABLE)


def free_port_in(ports, variable):
    """A free TCP port of 127.0.0.1 in ``ports`` ("first-last", the value
    of the environment variable ``variable``)."""
    first, last = (int(port) for port in ports.split("-"))
    for port in range(first, last + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {variable}={ports}")


def gevent_port(http_port):
    """A free port other than ``http_port`` for the server's gevent process.

    Odoo's default (8072) is taken as soon as another prefork server runs on
    the machine; its gevent process then fails to bind, and the master
    respawns it again and again. In the ports of ``BILLING_TEST_HTTP_PORTS``
    when it is set, else one the system picks.
    """
    ports = os.environ.get(PORTS_VARIABLE)
    first, last = (int(p) for p in ports.split("-")) if ports else (0, 0)
    for lower, upper in ((http_port + 1, last), (first, http_port - 1)):
        if ports and lower <= upper:
            with contextlib.suppress(RuntimeError):
                return free_port_in(f"{lower}-{upper}", PORTS_VARIABLE)
    port = free_port() if not ports else None
    if not port or port == http_port:
        raise RuntimeError(f"no free gevent port besides {http_port}")
    return port


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
        # ``-d`` alone serves that one database. With ``--db-filter`` too,
        # Odoo connects to ``postgres`` to list the databases on every
        # request without a session cookie, as every API call is (3–6 ms).
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        f"--gevent-port={gevent_port(port)}",
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
    installed, no demo data; the caller drops it (``dropdb``) when done.

    The install (about 40 s) runs once per version of the addon's code and
    set of ``install_args``: later calls copy a template database and its
    filestore (about 1 s), as Odoo's own "duplicate database" does.
    ``--data-dir=`` in ``install_args`` says where the copy's filestore goes.
    """
    data_dirs = [arg for arg in install_args if arg.startswith("--data-dir=")]
    other_args = tuple(arg for arg in install_args if arg not in data_dirs)
    template = _template_database(other_args)
    dropdb(database)
    subprocess.run(["createdb", "-T", template, database], check=True)
    target = _filestore(data_dirs[-1].split("=", 1)[1] if data_dirs else None)
    source = _filestore(None) / template
    shutil.rmtree(target / database, ignore_errors=True)
    if source.is_dir():
        shutil.copytree(source, target / database)


TEMPLATE_PREFIX = "billing_e2e_template_"


def _code_version(*install_args):
    """A digest of the addon's files and ``install_args``: a template of
    another version of the code is never used."""
    digest = hashlib.sha256(repr(install_args).encode())
    for path in sorted((REPO_ROOT / ADDON).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(REPO_ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _template_database(install_args):
    """The template with the addon installed for ``install_args``, made if
    missing. A file lock keeps two test runs from building it at once
    (``createdb -T`` also refuses a template someone is connected to)."""
    template = TEMPLATE_PREFIX + _code_version(*install_args)
    lock_path = Path(tempfile.gettempdir()) / f"{template}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        exists = psql(
            "postgres", f"SELECT 1 FROM pg_database WHERE datname = '{template}'"
        )
        if not exists:
            building = template + "_building"
            dropdb(building)
            subprocess.run(["createdb", building], check=True)
            odoo_command(building, "-i", ADDON, "--without-demo=all", *install_args)
            # Renamed only once complete: an interrupted build is never used.
            psql("postgres", f'ALTER DATABASE "{building}" RENAME TO "{template}"')
            store = _filestore(None)
            if (store / building).is_dir():
                shutil.rmtree(store / template, ignore_errors=True)
                (store / building).rename(store / template)
    return template


def _filestore(data_dir):
    """The folder of the filestores under ``data_dir`` (Odoo's default one
    when None)."""
    if data_dir is None:
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "from odoo.tools import config; print(config['data_dir'])",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        data_dir = result.stdout.strip()
    return Path(data_dir) / "filestore"


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


# --- stopping a server ----------------------------------------------------------


def stop_server(process, timeout=60):
    """Stop a ``start_server`` server: SIGTERM (Odoo's graceful shutdown,
    which closes its database connections), SIGKILL if it has not exited
    within ``timeout`` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for_odoo_disconnect(database, env=None, timeout=SERVER_START_TIMEOUT):
    """Return once no Odoo process is connected to ``database`` (its
    ``application_name`` is ``odoo-<pid>``, sql_db.connection_info_for).

    A PostgreSQL backend flushes its statistics (pg_stat_user_tables) as it
    exits: once the connections of a stopped server are gone, the counters
    hold everything that server did, whatever the machine's speed.
    """
    deadline = time.monotonic() + timeout
    query = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND application_name LIKE 'odoo-%'"
    )
    while True:
        try:
            if psql(database, query, env=env) == [["0"]]:
                return
        except subprocess.CalledProcessError:
            pass
        if time.monotonic() > deadline:
            raise ServerNotReady(
                f"Odoo still connected to {database} after {timeout} s"
            )
        time.sleep(0.5)


# --- a streaming replica of the PostgreSQL server the tests use ---------------------

# "first-last": the ports a test replica may take. The replica listens on a
# socket in its own directory only (no TCP), so the port just names it.
REPLICA_PORTS_VARIABLE = "BILLING_TEST_REPLICA_PORTS"
REPLICA_PORTS = "5440-5449"
# Physical replication slots of test replicas: this prefix, then the pid of
# the test process (a slot left by a killed run is dropped by the next one).
REPLICA_SLOT_PREFIX = "billing_e2e_replica_"
REPLICA_TIMEOUT = 300  # a bound for a loaded machine, not an expected time
# Settings a hot standby must have at least as high as its primary's.
_STANDBY_MINIMUMS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


def _as_cluster_owner(argv):
    """``argv`` run as the ``postgres`` OS user when the tests run as root
    (PostgreSQL refuses to run as root); as is otherwise."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return list(argv)


def _primary_setting(name):
    [[value]] = psql("postgres", f"SHOW {name}")
    return value


def postgresql_bindir():
    """The directory of the PostgreSQL server programs of the primary's major
    version (``BILLING_PG_BINDIR`` overrides it)."""
    if os.environ.get("BILLING_PG_BINDIR"):
        return Path(os.environ["BILLING_PG_BINDIR"])
    major = int(_primary_setting("server_version_num")) // 10000
    debian = Path(f"/usr/lib/postgresql/{major}/bin")
    if debian.is_dir():
        return debian
    result = subprocess.run(
        ["pg_config", "--bindir"], capture_output=True, text=True, check=True
    )
    return Path(result.stdout.strip())


def _free_replica_port():
    ports = os.environ.get(REPLICA_PORTS_VARIABLE, REPLICA_PORTS)
    return free_port_in(ports, REPLICA_PORTS_VARIABLE)


def _drop_stale_replica_slots():
    """Drop the inactive slots of test replicas whose test process is gone
    (a primary keeps the WAL a slot needs, for ever)."""
    rows = psql(
        "postgres",
        "SELECT slot_name FROM pg_replication_slots WHERE NOT active"
        f" AND slot_name LIKE '{REPLICA_SLOT_PREFIX}%'",
    )
    for [slot] in rows:
        pid = slot[len(REPLICA_SLOT_PREFIX) :].split("_")[0]
        if pid.isdigit() and not _process_exists(int(pid)):
            _drop_replica_slot(slot, timeout=10)


def _process_exists(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _drop_replica_slot(slot, timeout=REPLICA_TIMEOUT):
    """Drop ``slot``, waiting until its WAL sender has let it go."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            psql(
                "postgres",
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                f" WHERE slot_name = '{slot}'",
            )
            return
        except subprocess.CalledProcessError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


class StreamingReplica:
    """A hot standby of the tests' PostgreSQL server, on this machine.

    ``directory`` holds its data directory (``data``), its log
    (``replica.log``) and its Unix socket: Odoo reaches it with
    ``--db_replica_host=<directory> --db_replica_port=<port>``.
    """

    def __init__(self, directory, port, slot):
        self.directory = Path(directory)
        self.port = port
        self.slot = slot
        self.data = self.directory / "data"
        self.log = self.directory / "replica.log"
        self.bindir = postgresql_bindir()

    @property
    def env(self):
        """The environment in which ``psql`` and ``dropdb`` reach the replica."""
        return {**os.environ, "PGHOST": str(self.directory), "PGPORT": str(self.port)}

    @property
    def odoo_options(self):
        """Odoo's options that send read-only cursors to this replica."""
        return (
            f"--db_replica_host={self.directory}",
            f"--db_replica_port={self.port}",
        )

    def psql(self, database, query):
        return psql(database, query, env=self.env)

    def start(self):
        """pg_basebackup of the primary (``-R``: standby.signal and
        primary_conninfo, streaming from a slot of its own), then start."""
        _drop_stale_replica_slots()
        primary = {}
        if not os.environ.get("PGHOST"):
            # Debian's peer authentication: the cluster owner through the
            # primary's socket.
            socket_dir = _primary_setting("unix_socket_directories").split(",")[0]
            primary = {"-h": socket_dir.strip(), "-p": _primary_setting("port")}
        self._run(
            self.bindir / "pg_basebackup",
            "-D",
            str(self.data),
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",
            "-C",
            "-S",
            self.slot,
            *(item for pair in primary.items() for item in pair),
        )
        # Debian keeps postgresql.conf and pg_hba.conf in /etc, outside the
        # data directory that pg_basebackup copied: the replica's own.
        settings = {
            "port": str(self.port),
            "listen_addresses": "''",
            "unix_socket_directories": f"'{self.directory}'",
            "hot_standby": "on",
            "shared_buffers": "'32MB'",
            "log_line_prefix": "'%m [%p] %a@%d '",
        }
        for name in _STANDBY_MINIMUMS:
            settings[name] = _primary_setting(name)
        self._write(
            "postgresql.conf",
            "".join(f"{name} = {value}\n" for name, value in settings.items()),
        )
        # Only the cluster owner and root can enter the socket's directory.
        self._write("pg_hba.conf", "local all all peer\n")
        self._write("pg_ident.conf", "")
        self._run(
            self.bindir / "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            str(REPLICA_TIMEOUT),
            "start",
        )

    def _write(self, name, text):
        path = self.data / name
        path.write_text(text)
        shutil.chown(path, *self._owner())

    def _owner(self):
        info = self.directory.stat()
        return info.st_uid, info.st_gid

    def _run(self, *argv, check=True):
        return subprocess.run(
            _as_cluster_owner([str(arg) for arg in argv]),
            capture_output=True,
            text=True,
            cwd=self.directory,
            timeout=REPLICA_TIMEOUT + 60,
            check=check,
        )

    def wait_for_replay(self, timeout=REPLICA_TIMEOUT):
        """Return once the replica has replayed everything the primary had
        written when called (pg_current_wal_lsn vs pg_last_wal_replay_lsn);
        errors of a replica still starting only make it wait longer."""
        [[target]] = psql("postgres", "SELECT pg_current_wal_lsn()")
        query = f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.psql("postgres", query) == [["t"]]:
                    return
            except subprocess.CalledProcessError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"the replica did not replay {target} in {timeout} s"
                )
            time.sleep(0.2)

    def stop(self):
        """Stop the replica, drop its slot on the primary, remove its files."""
        try:
            if (self.data / "postmaster.pid").exists():
                stopped = self._run(
                    self.bindir / "pg_ctl",
                    "-D",
                    str(self.data),
                    "-m",
                    "fast",
                    "-w",
                    "-t",
                    "120",
                    "stop",
                    check=False,
                )
                if stopped.returncode:
                    self._run(
                        self.bindir / "pg_ctl",
                        "-D",
                        str(self.data),
                        "-m",
                        "immediate",
                        "stop",
                        check=False,
                    )
        finally:
            try:
                _drop_replica_slot(self.slot)
            finally:
                shutil.rmtree(self.directory, ignore_errors=True)


@contextlib.contextmanager
def streaming_replica():
    """A started ``StreamingReplica`` that has replayed the primary's latest
    WAL; stopped, its slot dropped and its directory removed on exit, even
    when the test fails. Its directory is under the system's temporary one
    (a pytest tmp dir is private to the test's user, which the cluster
    owner cannot enter)."""
    directory = Path(tempfile.mkdtemp(prefix="billing_replica_"))
    port = _free_replica_port()
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    replica = StreamingReplica(
        directory, port, f"{REPLICA_SLOT_PREFIX}{os.getpid()}_{port}"
    )
    try:
        replica.start()
        replica.wait_for_replay()
        yield replica
    finally:
        replica.stop()


# --- concurrent requests -------------------------------------------------------


def race_requests(calls, key):
    """Send each ``(method, url, json body)`` of ``calls`` from its own
    thread, all released at the same instant; their responses, in order."""
    barrier = threading.Barrier(len(calls))
    responses = [None] * len(calls)

    def send(index):
        method, url, body = calls[index]
        barrier.wait()
        responses[index] = requests.request(
            method,
            url,
            json=body,
            headers={"Authorization": f"Token {key}"},
            timeout=REQUEST_TIMEOUT,
        )

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def fresh_database_with(database, modules, *install_args):
    """``fresh_database`` with the addons ``modules`` (on the addons path,
    such as queue_job of scripts/extra_addons.sh) installed too, from a
    template of their own. Odoo keeps the last ``-i`` of its command line."""
    return fresh_database(database, "-i", ",".join([ADDON, *modules]), *install_args)
