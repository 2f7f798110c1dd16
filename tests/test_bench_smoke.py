"""The benchmark suite on a CI-sized dataset, so that its scripts never rot.

``bench/runner.py`` builds a tiny Waldur-shaped dataset (20 customers, 200
invoices of 3 lines over 6 months) with ``bench/waldur_dataset.py``, runs
every row of issue 13's table once or twice against its floor, the write
row on a copy of the database, and drops it all (``--drop``); then
``bench/write_path.py`` runs two payment pairs on its own database. Only
what the figures are made of is asserted (every row measured, positive
times, the query counts the server logged, the books balanced), never how
fast anything was: the machine may be loaded.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest
from e2e import REPO_ROOT, psql

pytestmark = pytest.mark.e2e  # Odoo processes of its own; not in `make test-fast`

DATABASE = f"bench_smoke_{os.getpid()}"
WRITE_DATABASE = f"{DATABASE}_write"
WRITE_PATH_DATABASE = f"{DATABASE}_wp"
CUSTOMERS, INVOICES, LINES, MONTHS = 20, 200, 3, 6
REPEAT, WRITE_N = 2, 2
BENCH_TIMEOUT = 900  # a bound for a loaded machine, not an expected time
# The rows of bench/runner.py measured one request at a time (--only's names).
READ_ROWS = set(
    "list page10 sparse retrieve growth stats payments si_payments noop".split()
)
SQL_FLOORS = {"growth", "stats"}  # floors without an HTTP request of their own


def bench(script, *args):
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / script), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=BENCH_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, (result.stdout[-3000:], result.stderr[-3000:])
    return result.stdout


def drop(database):
    """Drop ``database`` and its filestore, whatever state a failure left."""
    from odoo.tools import config

    subprocess.run(
        ["dropdb", "--if-exists", "--force", database],
        capture_output=True,
        check=False,
    )
    shutil.rmtree(config.filestore(database), ignore_errors=True)


def exists(database):
    return bool(
        psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{database}'")
    )


@pytest.fixture()
def bench_databases():
    databases = (DATABASE, WRITE_DATABASE, WRITE_PATH_DATABASE)
    for database in databases:
        drop(database)
    yield
    for database in databases:
        drop(database)


def test_runner_measures_every_row(bench_databases, tmp_path):
    output = tmp_path / "runner.json"
    table = bench(
        "runner.py",
        f"--db={DATABASE}",
        f"--customers={CUSTOMERS}",
        f"--invoices={INVOICES}",
        f"--lines={LINES}",
        f"--months={MONTHS}",
        f"--repeat={REPEAT}",
        "--c8-seconds=1",
        f"--write-n={WRITE_N}",
        f"--write-db={WRITE_DATABASE}",
        f"--json={output}",
        "--drop",
    )
    report = json.loads(output.read_text())

    books = report["dataset"]["books"]
    assert not books["ledger_problems"]
    assert books["invoices"] == INVOICES
    assert books["invoice_lines"] == INVOICES * LINES
    assert books["paid_invoices"] == books["payments"] > 0

    rows = {r["row"]: r for r in report["results"] if r.get("row") in READ_ROWS}
    assert set(rows) == READ_ROWS
    for name, measured in rows.items():
        for side in ("addon", "floor"):
            assert measured[side]["runs"] == REPEAT, name
            assert measured[side]["median_ms"] > 0, name
            assert measured[side]["p95_ms"] >= measured[side]["median_ms"], name
        assert measured["queries"] > 0, name
        if name not in SQL_FLOORS:
            assert measured["floor_queries"] > 0, name
        assert measured["records"] > 0 or name == "noop", name
    for name, page in (("list", 100), ("page10", 10), ("sparse", 100)):
        assert rows[name]["records"] == rows[name]["floor_records"] == page, name
    assert rows["retrieve"]["records"] == rows["retrieve"]["floor_records"] == LINES

    concurrent = [r for r in report["results"] if "addon_req_per_s" in r]
    assert len(concurrent) == 2
    for measured in concurrent:
        assert measured["addon_req_per_s"] > 0
        assert measured["floor_req_per_s"] > 0

    (write,) = [r for r in report["results"] if r.get("row") == "write"]
    for kind in ("create", "link"):
        assert write[kind]["runs"] == WRITE_N
        assert write[kind]["median_ms"] > 0
        assert write[f"{kind}_queries"] > 0

    assert report["peak_rss_mb"] and all(
        mb > 0 for mb in report["peak_rss_mb"].values()
    )
    assert "load average" in report["uptime_at_start"]
    assert "/api/bench-noop/" in table
    # The write row ran on a copy, and --drop dropped the dataset.
    assert not exists(WRITE_DATABASE)
    assert not exists(DATABASE)


def test_write_path_measures_creates_and_links(bench_databases, tmp_path):
    output = tmp_path / "write_path.json"
    bench("write_path.py", f"--db={WRITE_PATH_DATABASE}", "--n=2", f"--json={output}")
    figures = json.loads(output.read_text())
    assert set(figures) == {"create_json", "create_multipart", "link"}
    for kind, measured in figures.items():
        assert measured["runs"] == (4 if kind == "link" else 2), kind
        assert measured["median_ms"] > 0, kind
        assert measured["queries"] > 0, kind
    assert not exists(WRITE_PATH_DATABASE)


def test_the_noop_route_is_not_shipped():
    """The floor's route lives in bench/addons only, never in the addon."""
    shipped = REPO_ROOT / "billing_payments"
    assert not [
        path
        for path in shipped.rglob("*.py")
        if "bench-noop" in path.read_text(encoding="utf-8")
    ]
    manifest = (
        REPO_ROOT / "bench" / "addons" / "billing_bench_floor" / "__manifest__.py"
    )
    assert "billing_payments" in manifest.read_text(encoding="utf-8")
