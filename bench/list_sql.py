#!/usr/bin/env python3
# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""SQL per request of the Waldur invoice list and growth on a kept database.

Run after ``waldur_invoices.py --keep`` (with ``BENCH_GROWTH_INVOICES=50000``
for issue 13): starts a server on the database, sends each request ``--repeat``
times after warm-ups, and prints the median query count, SQL ms and other ms
that the server logs per request (werkzeug line), then the ``EXPLAIN ANALYZE``
of the list's count and page queries, and the cost of one API-key check.
"""

import argparse
import json
import re
import statistics
import time
from pathlib import Path

import requests
from common import (
    BENCH_ADDONS_PATH,
    check_postgres,
    db_exists,
    log,
    make_api_key,
    psql,
    start_server,
    stop_server,
)
from dataset import MARKER
from e2e import free_port

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

REQUESTS = {
    "list page 100": "/api/invoices/?page_size=100",
    "list page 10": "/api/invoices/?page_size=10",
    "list sparse (uuid, total), page 100": (
        "/api/invoices/?page_size=100&field=uuid&field=total"
    ),
    "list state=pending, page 100": "/api/invoices/?page_size=100&state=pending",
    "growth": "/api/invoices/growth/",
}
CUSTOMER_LIST = "list customer_uuid=(growth customer), page 100"
WARMUPS = 2
# The list's SQL as the ORM sends it for admin (company rule), default order.
WHERE = "move_type = 'out_invoice' AND company_id IN (1)"
ORDER = "ORDER BY billing_year DESC, billing_month DESC, id DESC LIMIT 100"
EXPLAINS = {
    "count": f"SELECT COUNT(*) FROM account_move WHERE {WHERE}",
    "page 100": f"SELECT id FROM account_move WHERE {WHERE} {ORDER}",
    "count state=pending": f"SELECT COUNT(*) FROM account_move WHERE {WHERE}"
    " AND billing_state = 'pending'",
    "count of a customer": f"SELECT COUNT(*) FROM account_move WHERE {WHERE}"
    " AND commercial_partner_id = %(customer)s",
    "page 100 of a customer": f"SELECT id FROM account_move WHERE {WHERE}"
    " AND commercial_partner_id = %(customer)s " + ORDER,
}
LOG_LINE = re.compile(r'"GET (\S+) HTTP/[^"]*" \d+ - (\d+) ([\d.]+) ([\d.]+)$')


def logged(logfile):
    """Per path: [(queries, sql seconds, other seconds)] of the server log."""
    found = {}
    for line in logfile.read_text(errors="replace").splitlines():
        match = LOG_LINE.search(line)
        if match:
            path, queries, sql, other = match.groups()
            found.setdefault(path, []).append((int(queries), float(sql), float(other)))
    return found


def key_check_ms(db, key, repeat):
    """Median ms of one ``res.users.apikeys._check_credentials`` (passlib)."""
    samples = []
    with Registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        keys = env["res.users.apikeys"]
        for _ in range(repeat):
            t = time.perf_counter()
            keys._check_credentials(scope="rpc", key=key)
            samples.append(time.perf_counter() - t)
    return round(statistics.median(samples) * 1000, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    check_postgres()
    if not db_exists(args.db):
        raise SystemExit(f"{args.db} does not exist: run waldur_invoices.py --keep")
    odoo.tools.config.parse_config(
        [f"--addons-path={BENCH_ADDONS_PATH}", "--log-level=warn"], setup_logging=True
    )
    logfile = Path(f"/tmp/{args.db}_list_sql.log")
    key, _uid = make_api_key(args.db)
    info = json.loads(
        psql(args.db, f"SELECT value FROM ir_config_parameter WHERE key = '{MARKER}'")
    )
    customer = info["growth_customer_ids"][0]  # the largest growth customer
    uuid = psql(args.db, f"SELECT uuid FROM res_partner WHERE id = {customer}")
    REQUESTS[CUSTOMER_LIST] = f"/api/invoices/?page_size=100&customer_uuid={uuid}"
    port = free_port()
    server = start_server(args.db, port, logfile)
    base = f"http://127.0.0.1:{port}"
    try:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {key}"
        for path in REQUESTS.values():
            for _ in range(WARMUPS + args.repeat):
                response = session.get(base + path, timeout=600)
                response.raise_for_status()
        count = session.get(base + REQUESTS["list page 10"], timeout=600).headers[
            "X-Result-Count"
        ]
    finally:
        stop_server(server)
    lines = logged(logfile)
    print(f"\nX-Result-Count: {count}")
    print(f"{'request':40} {'queries':>7} {'SQL ms':>7} {'other ms':>8}")
    for name, path in REQUESTS.items():
        runs = lines.get(path, [])[WARMUPS:]
        if not runs:
            continue
        queries = statistics.median(r[0] for r in runs)
        sql = statistics.median(r[1] for r in runs) * 1000
        other = statistics.median(r[2] for r in runs) * 1000
        print(f"{name:40} {queries:>7.0f} {sql:>7.1f} {other:>8.1f}")
    print(f"\nAPI-key check (passlib), median: {key_check_ms(args.db, key, 10)} ms")
    for name, sql in EXPLAINS.items():
        sql = sql % {"customer": customer}
        plan = psql(args.db, f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        print(f"\nEXPLAIN ANALYZE {name}:\n{plan}")
    log("done")


if __name__ == "__main__":
    main()
