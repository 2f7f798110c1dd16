#!/usr/bin/env python3
"""Latency and query count of Waldur's payment write path over real HTTP.

    python3 bench/write_path.py [--db bench_NAME] [--n N] [--keep] [--json PATH]

Builds a database (default ``bench_h8``) with billing_payments, one customer
with an active payment profile and 2 x (N + warm-ups) posted invoices, then
serves it with a real Odoo server (``--workers=2``) and sends, one at a time:

* ``POST /api/payments/`` with a JSON body, then
  ``POST /api/payments/{uuid}/link_to_invoice/`` for that payment;
* the same with a multipart body carrying a PDF proof.

It prints, per request kind, the median and p95 wall time as the client sees
it, and the SQL queries per request read from the server's request log line
(werkzeug at INFO: ``... <queries> <sql time> <other time>``; the log is
``/tmp/<db>_write_path.log``), and with ``--json`` writes them to a file. The first
``WARMUPS`` pairs of each kind warm the workers and are not counted. Each
response is checked (201/200, the invoice paid), so a broken write path
cannot produce figures.

This is a benchmark, not a test: nothing here is collected by pytest.
"""

import argparse
import datetime
import json
import math
import re
import statistics
import tempfile
import time
from pathlib import Path

import requests
from common import (
    BENCH_ADDONS_PATH,
    check_postgres,
    create_database,
    db_exists,
    drop_database,
    expect,
    free_port,
    log,
    make_api_key,
    start_server,
    stop_server,
)

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry

DB_PREFIX = "bench_"
DEFAULT_DB = "bench_h8"
DEFAULT_N = 30
WARMUPS = 3
WORKERS = 2
REQUEST_TIMEOUT = 120
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A werkzeug request line ends with: "<method> <path> HTTP/x" <status> - <queries>
# <sql seconds> <other seconds>.
REQUEST_LINE = re.compile(
    r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[0-9.]+" (?P<status>\d{3}) \S+ '
    r"(?P<queries>\d+) [0-9.]+ [0-9.]+"
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=DEFAULT_DB)
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="measured pairs")
    parser.add_argument(
        "--keep", action="store_true", help="keep the database afterwards"
    )
    parser.add_argument("--json", type=Path, help="write the figures there too")
    args = parser.parse_args()
    if not re.fullmatch(rf"{DB_PREFIX}\w+", args.db):
        parser.error(f"the database name must be {DB_PREFIX!r} + letters/digits/_")
    if args.n < 1:
        parser.error("--n must be at least 1")
    return args


def summary(samples):
    """Median and p95 (nearest rank) of seconds, in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "runs": len(ordered),
    }


def prepare_data(db, invoices):
    """(profile uuid, [invoice uuid]) of a customer with an active profile."""
    with Registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env.company
        journal = env["account.journal"].search(
            [
                *env["account.journal"]._check_company_domain(company),
                ("type", "=", "bank"),
            ],
            limit=1,
        )
        expect(journal, "the company has a bank journal")
        customer = env["res.partner"].create(
            {"name": "Write Path Customer", "is_company": True}
        )
        profile = env["billing.payment.profile"].create(
            {
                "name": "Bench profile",
                "partner_id": customer.id,
                "payment_type": "invoices",
                "journal_id": journal.id,
            }
        )
        product = env["product.product"].create(
            {"name": "Write path offering", "type": "service", "lst_price": 100.0}
        )
        today = datetime.date.today()
        moves = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": today,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": 1,
                                "price_unit": 100.0 + i,
                            }
                        )
                    ],
                }
                for i in range(invoices)
            ]
        )
        moves.action_post()
        result = (
            profile.uuid,
            [(move.uuid, str(move.amount_total)) for move in moves],
        )
        cr.commit()
        return result


def api_session(key):
    """A keep-alive session sending the API key on every request."""
    session = requests.Session()
    session.headers["Authorization"] = f"Token {key}"
    return session


def create_and_link(session, base_url, profile_uuid, invoice, multipart=False):
    """(create s, link s, link path) of one payment of ``invoice``.

    ``invoice`` is (uuid, total) of a created (unpaid) invoice of the
    profile's customer: ``POST /api/payments/`` for its total (JSON, or
    multipart with a PDF proof), then ``link_to_invoice``; both answers and
    the link itself are checked, so a broken write path gives no figure.
    """
    invoice_uuid, total = invoice
    fields = {
        "profile": f"{base_url}/api/payment-profiles/{profile_uuid}/",
        "date_of_payment": datetime.date.today().isoformat(),
        "sum": total,
    }
    kwargs = {"json": fields}
    if multipart:
        kwargs = {
            "data": fields,
            "files": {"proof": ("receipt.pdf", PDF, "application/pdf")},
        }
    started = time.perf_counter()
    response = session.post(
        f"{base_url}/api/payments/", timeout=REQUEST_TIMEOUT, **kwargs
    )
    create_elapsed = time.perf_counter() - started
    expect(response.status_code == 201, f"create: {response.text[:300]}")
    payment_uuid = response.json()["uuid"]
    link_path = f"/api/payments/{payment_uuid}/link_to_invoice/"
    started = time.perf_counter()
    linked = session.post(
        base_url + link_path,
        json={"invoice": f"{base_url}/api/invoices/{invoice_uuid}/"},
        timeout=REQUEST_TIMEOUT,
    )
    link_elapsed = time.perf_counter() - started
    expect(linked.status_code == 200, f"link: {linked.text[:300]}")
    detail = session.get(
        f"{base_url}/api/payments/{payment_uuid}/", timeout=REQUEST_TIMEOUT
    ).json()
    expect(detail["invoice_uuid"] == invoice_uuid, f"linked: {detail}")
    return create_elapsed, link_elapsed, link_path


def run(base_url, key, profile_uuid, invoices, n):
    """Per request kind, the wall times (s) and the paths sent, in order."""
    session = api_session(key)
    times = {"create_json": [], "create_multipart": [], "link": []}
    paths = {kind: [] for kind in times}
    pending = iter(invoices)
    for kind in ("create_json", "create_multipart"):
        for i in range(WARMUPS + n):
            elapsed, link_elapsed, link_path = create_and_link(
                session,
                base_url,
                profile_uuid,
                next(pending),
                multipart=kind == "create_multipart",
            )
            if i >= WARMUPS:
                times[kind].append(elapsed)
                times["link"].append(link_elapsed)
            paths[kind].append(("/api/payments/", i >= WARMUPS))
            paths["link"].append((link_path, i >= WARMUPS))
    return times, paths


def logged_queries(logfile):
    """[(method, path, status, queries)] of the server's request lines, in order."""
    found = []
    for line in logfile.read_text(errors="replace").splitlines():
        match = REQUEST_LINE.search(line)
        if match:
            found.append(
                (
                    match["method"],
                    match["path"],
                    int(match["status"]),
                    int(match["queries"]),
                )
            )
    return found


def query_counts(paths, logged):
    """Per kind, the logged query counts of its measured requests.

    The log lines of the POSTs come in the order they were sent (one request
    at a time); creates are told apart from links by path.
    """
    posts = [entry for entry in logged if entry[0] == "POST"]
    creates = [q for _m, path, _s, q in posts if path == "/api/payments/"]
    links = [q for _m, path, _s, q in posts if path.endswith("/link_to_invoice/")]
    counts = {}
    create_flags = paths["create_json"] + paths["create_multipart"]
    expect(len(creates) == len(create_flags), "one log line per create")
    expect(len(links) == len(paths["link"]), "one log line per link")
    json_n = len(paths["create_json"])
    counts["create_json"] = [
        q
        for q, (_p, measured) in zip(
            creates[:json_n], create_flags[:json_n], strict=True
        )
        if measured
    ]
    counts["create_multipart"] = [
        q
        for q, (_p, measured) in zip(
            creates[json_n:], create_flags[json_n:], strict=True
        )
        if measured
    ]
    counts["link"] = [
        q for q, (_p, measured) in zip(links, paths["link"], strict=True) if measured
    ]
    return counts


LABELS = {
    "create_json": "POST /api/payments/ (JSON)",
    "create_multipart": "POST /api/payments/ (multipart + PDF proof)",
    "link": "POST /api/payments/{uuid}/link_to_invoice/",
}


def figures(times, counts):
    """Per request kind: its summary and its queries (median, min, max)."""
    return {
        kind: {
            "request": label,
            **summary(times[kind]),
            "queries": statistics.median(counts[kind]),
            "queries_min": min(counts[kind]),
            "queries_max": max(counts[kind]),
        }
        for kind, label in LABELS.items()
    }


def print_table(times, found):
    rows = [("request", "median ms", "p95 ms", "runs", "queries (median, min-max)")]
    for kind in LABELS:
        stats = found[kind]
        rows.append(
            (
                stats["request"],
                str(stats["median_ms"]),
                str(stats["p95_ms"]),
                str(stats["runs"]),
                f"{stats['queries']:g}, {stats['queries_min']}-{stats['queries_max']}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(
                cell.ljust(width) for cell, width in zip(row, widths, strict=True)
            )
        )
    create = statistics.median(times["create_json"]) + statistics.median(times["link"])
    print(f"create (JSON) + link, medians summed: {create * 1000:.1f} ms")


def main():
    args = parse_args()
    check_postgres()
    odoo.tools.config.parse_config(
        [
            f"--addons-path={BENCH_ADDONS_PATH}",
            "--log-level=warn",
            "--max-cron-threads=0",
        ],
        setup_logging=True,
    )
    if db_exists(args.db):
        log(f"dropping the existing {args.db}")
        drop_database(args.db)
    create_database(args.db)
    server_log = Path(tempfile.gettempdir()) / f"{args.db}_write_path.log"
    server = None
    try:
        invoices = 2 * (WARMUPS + args.n)
        log(f"creating {invoices} posted invoices")
        profile_uuid, invoice_list = prepare_data(args.db, invoices)
        key, _uid = make_api_key(args.db)
        port = free_port()
        server = start_server(args.db, port, server_log, workers=WORKERS)
        log(f"server up on port {port} (pid {server.pid}, {WORKERS} workers)")
        times, paths = run(
            f"http://127.0.0.1:{port}", key, profile_uuid, invoice_list, args.n
        )
    finally:
        if server is not None:
            stop_server(server)
        if not args.keep:
            log(f"dropping {args.db}")
            drop_database(args.db)
    found = figures(times, query_counts(paths, logged_queries(server_log)))
    if args.json:
        args.json.write_text(json.dumps(found, indent=2) + "\n")
    print_table(times, found)


if __name__ == "__main__":
    main()
