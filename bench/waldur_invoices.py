#!/usr/bin/env python3
"""Latency and query count of the Waldur invoice endpoints on large data.

    python3 bench/waldur_invoices.py [--db NAME] [--keep] [--repeat N]

Builds a database (default ``bench_waldur``) with billing_payments and three
datasets, serves it with a real Odoo HTTP server and times, for each endpoint,
N requests after 2 warm-ups (median and p90 wall time as a client sees it).
The same requests are then replayed in this process through Odoo's WSGI
application (``odoo.http.root``) to count their SQL queries exactly, and the
same records are read with plain ``search_read`` as a baseline. Results are
printed as a table and written to ``bench/results.json``. See bench/README.md.

This is a benchmark, not a test: nothing here is collected by pytest.
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import statistics
import threading
import time
import zipfile
from io import BytesIO

import requests
from common import (
    ADDONS_PATH,
    REPO_ROOT,
    check_postgres,
    create_database,
    db_exists,
    drop_database,
    expect,
    free_port,
    log,
    make_api_key,
    psql,
    start_server,
    stop_server,
)
from dataset import (
    GROWTH_INVOICES,
    GROWTH_MONTHS,
    LIST_INVOICES,
    LIST_LINES,
    STATS_PRODUCTS,
    generate,
    stored_dataset,
)
from dateutil.relativedelta import relativedelta
from werkzeug.test import Client

import odoo
import odoo.http
from odoo import api
from odoo.modules.registry import Registry

RESULTS_FILE = REPO_ROOT / "bench" / "results.json"
SERVER_LOG = REPO_ROOT / "bench" / "server.log"  # ignored by git (bench/*.log)
DB_PREFIX = "bench_"
DEFAULT_DB = "bench_waldur"
DEFAULT_REPEAT = 15
WARMUPS = 2
REQUEST_TIMEOUT = 600  # the 50,000-line invoice renders for seconds


def summary(samples):
    """Median, p90 (nearest rank), min and max of seconds, in milliseconds."""
    ordered = sorted(samples)
    p90 = ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p90_ms": round(p90 * 1000, 1),
        "min_ms": round(ordered[0] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "runs": len(ordered),
    }


def timed(call, repeat):
    """Run ``call`` WARMUPS + repeat times; (seconds of the timed runs, last)."""
    samples, result = [], None
    for i in range(WARMUPS + repeat):
        t = time.perf_counter()
        result = call()
        elapsed = time.perf_counter() - t
        if i >= WARMUPS:
            samples.append(elapsed)
    return samples, result


def check_ok(response):
    expect(
        response.status_code == 200,
        f"HTTP {response.status_code}: {response.text[:2000]}",
    )


def check_list(response):
    check_ok(response)
    body = response.json()
    expect(
        response.headers["X-Result-Count"] == str(LIST_INVOICES)
        and len(body) == LIST_INVOICES
        and all(len(invoice["items"]) == LIST_LINES for invoice in body),
        "the list page is not 100 invoices of 20 items",
    )


def check_growth(response):
    check_ok(response)
    body = response.json()
    expect(
        len(body["periods"]) == GROWTH_MONTHS and sum(body["total_periods"]) > 0,
        f"unexpected growth: {body}",
    )


def check_xlsx(response):
    check_ok(response)
    expect(response.content.startswith(b"PK"), f"not xlsx: {response.content[:200]}")
    with zipfile.ZipFile(BytesIO(response.content)) as workbook:
        expect("xl/workbook.xml" in workbook.namelist(), "no xl/workbook.xml")


def check_stats_json(response):
    check_ok(response)
    expect(
        response.headers["X-Result-Count"] == str(STATS_PRODUCTS)
        and len(response.json()) == 10,  # the default page size
        "the stats page is not 10 of 200 offerings",
    )


def endpoints(info):
    stats = f"/api/invoices/{info['stats_invoice_uuid']}/stats/"
    return [
        {
            "name": "list (100 invoices x 20 lines)",
            "path": "/api/invoices/?page_size=100&customer_uuid="
            + info["list_customer_uuid"],
            "check": check_list,
            "baseline": baseline_list,
        },
        {
            "name": f"growth ({GROWTH_INVOICES:,} invoices)",
            "path": "/api/invoices/growth/",
            "check": check_growth,
            "baseline": baseline_growth,
        },
        {
            "name": "stats xlsx (50,000 lines)",
            "path": stats + "?format=xlsx",
            "check": check_xlsx,
            "baseline": baseline_stats,
        },
        {
            "name": "stats json (50,000 lines)",
            "path": stats,
            "check": check_stats_json,
            "baseline": baseline_stats,
        },
    ]


def measure_http(base_url, key, endpoint, repeat):
    session = requests.Session()
    session.headers["Authorization"] = f"Token {key}"
    url = base_url + endpoint["path"]
    samples, response = timed(lambda: session.get(url, timeout=REQUEST_TIMEOUT), repeat)
    endpoint["check"](response)
    session.close()
    return summary(samples), len(response.content)


class InProcessResponse:
    """What the checks need of a response: status, headers, body."""

    def __init__(self, response):
        self.status_code = response.status_code
        self.headers = response.headers
        self.content = response.get_data()
        self.text = self.content.decode(errors="replace")

    def json(self):
        return json.loads(self.content)


def measure_in_process(client, key, endpoint, repeat):
    """Latency through odoo.http.root in this process, and queries per request."""
    counts = []

    def call():
        response = client.get(
            endpoint["path"],
            headers={"Authorization": f"Token {key}"},
            base_url="http://127.0.0.1/",
        )
        # odoo.http.root resets this counter at the start of every request.
        counts.append(getattr(threading.current_thread(), "query_count", None))
        return InProcessResponse(response)

    samples, response = timed(call, repeat)
    endpoint["check"](response)
    return summary(samples), counts[WARMUPS:]


def baseline_list(env, info):
    domain = [
        ("move_type", "=", "out_invoice"),
        ("commercial_partner_id", "=", info["list_customer_id"]),
    ]
    moves = env["account.move"].search_read(
        domain,
        [
            "name",
            "partner_id",
            "amount_untaxed",
            "amount_tax",
            "amount_total",
            "state",
            "invoice_date",
            "invoice_date_due",
            "invoice_line_ids",
        ],
        limit=LIST_INVOICES,
    )
    lines = env["account.move.line"].search_read(
        [("move_id", "in", [move["id"] for move in moves])],
        [
            "name",
            "quantity",
            "price_unit",
            "price_subtotal",
            "price_total",
            "product_id",
        ],
    )
    return len(moves) + len(lines)


def baseline_growth(env, info):
    first = datetime.date.today().replace(day=1) - relativedelta(
        months=GROWTH_MONTHS - 1
    )
    rows = env["account.move"].search_read(
        [
            ("move_type", "=", "out_invoice"),
            ("billing_state", "in", ("pending", "created", "paid")),
            ("billing_period_start", ">=", first),
        ],
        [
            "commercial_partner_id",
            "billing_year",
            "billing_month",
            "amount_total_signed",
        ],
    )
    return len(rows)


def baseline_stats(env, info):
    rows = env["account.move.line"].search_read(
        [
            ("move_id", "=", info["stats_invoice_id"]),
            ("display_type", "=", "product"),
            ("product_id", "!=", False),
        ],
        ["product_id", "price_subtotal", "price_total"],
    )
    return len(rows)


def measure_baseline(db, uid, info, baseline, repeat):
    """search_read of the same records as the API user, with a fresh cache."""
    counts = []
    with Registry(db).cursor() as cr:
        env = api.Environment(cr, uid, {})

        def call():
            env.invalidate_all()
            before = cr.sql_log_count
            size = baseline(env, info)
            counts.append(cr.sql_log_count - before)
            return size

        samples, size = timed(call, repeat)
        cr.rollback()
    return summary(samples), counts[WARMUPS:], size


def server_query_counts(paths):
    """Per path, the query counts the server logged (werkzeug request lines)."""
    found = {path: [] for path in paths}
    if not SERVER_LOG.exists():
        return found
    for line in SERVER_LOG.read_text(errors="replace").splitlines():
        if '"GET ' not in line:
            continue
        request_path = line.split('"GET ', 1)[1].split(" HTTP/", 1)[0]
        fields = line.rsplit(" ", 3)
        if request_path in found and len(fields) == 4 and fields[1].isdigit():
            found[request_path].append(int(fields[1]))
    return found


def stable(counts):
    """The query count when every run had the same, else 'min-max'."""
    if not counts:
        return None
    return counts[0] if min(counts) == max(counts) else f"{min(counts)}-{max(counts)}"


def run_measurements(db, key, uid, info, base_url, repeat):
    results = []
    client = Client(odoo.http.root)
    for endpoint in endpoints(info):
        log(f"measuring {endpoint['name']}")
        http, size = measure_http(base_url, key, endpoint, repeat)
        in_process, queries = measure_in_process(client, key, endpoint, repeat)
        base, base_queries, base_rows = measure_baseline(
            db, uid, info, endpoint["baseline"], repeat
        )
        results.append(
            {
                "endpoint": endpoint["name"],
                "request": f"GET {endpoint['path']}",
                "response_bytes": size,
                "http": http,
                "in_process": in_process,
                "queries_per_request": stable(queries),
                "search_read": {
                    **base,
                    "queries": stable(base_queries),
                    "rows": base_rows,
                },
                "ratio": round(http["median_ms"] / base["median_ms"], 2),
            }
        )
    logged = server_query_counts([endpoint["path"] for endpoint in endpoints(info)])
    for result, path in zip(results, logged, strict=True):
        # The first WARMUPS requests of each endpoint were warm-ups.
        result["server_logged_queries"] = stable(logged[path][WARMUPS:])
    return results


def print_table(results):
    header = (
        "endpoint",
        "median ms",
        "p90 ms",
        "queries/req",
        "in-proc ms",
        "search_read ms",
        "ratio",
    )
    rows = [
        (
            r["endpoint"],
            f"{r['http']['median_ms']:.1f}",
            f"{r['http']['p90_ms']:.1f}",
            str(r["queries_per_request"]),
            f"{r['in_process']['median_ms']:.1f}",
            f"{r['search_read']['median_ms']:.1f}",
            f"{r['ratio']:.2f}x",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    print()
    for i, row in enumerate([header, *rows]):
        cells = [
            cell.ljust(w) if j == 0 else cell.rjust(w)
            for j, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells))
        if i == 0:
            print(line)
    print()


def machine():
    pg = psql("postgres", "SHOW server_version")
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "odoo": odoo.release.version,
        "postgresql": pg,
        "platform": platform.platform(),
        # Other work on the machine skews the numbers: check this first.
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }


# --- main ----------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=DEFAULT_DB, help=f"default: {DEFAULT_DB}")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database afterwards, and reuse it when it already holds "
        "this month's dataset",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=DEFAULT_REPEAT,
        help=f"timed runs per request (default {DEFAULT_REPEAT})",
    )
    args = parser.parse_args()
    if not re.fullmatch(rf"{DB_PREFIX}\w+", args.db, re.ASCII):
        parser.error(f"the database name must be {DB_PREFIX!r} + letters/digits/_")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def prepare_database(db, keep):
    """The dataset description, building the database unless reusable."""
    info = stored_dataset(db) if keep and db_exists(db) else None
    if info:
        log(f"reusing {db} (generated in {info['generation_seconds']}s)")
        info["reused"] = True
        return info
    if db_exists(db):
        log(f"dropping the existing {db}")
        drop_database(db)
    t = time.perf_counter()
    create_database(db)
    install_seconds = round(time.perf_counter() - t, 1)
    log(f"installed in {install_seconds}s; generating data")
    info = generate(db)
    info["install_seconds"] = install_seconds
    info["reused"] = False
    log(f"data generated in {info['generation_seconds']}s: {info['billing_states']}")
    return info


def main():
    args = parse_args()
    check_postgres()
    addons_path = ADDONS_PATH
    odoo.tools.config.parse_config(
        [
            f"--addons-path={addons_path}",
            f"--db-filter=^{args.db}$",
            "--log-level=warn",
            "--max-cron-threads=0",
        ],
        setup_logging=True,
    )
    info = prepare_database(args.db, args.keep)
    server = None
    host = machine()  # the load before the measurements
    try:
        key, uid = make_api_key(args.db)
        port = free_port()
        server = start_server(args.db, port, SERVER_LOG, addons_path=addons_path)
        log(f"server up on port {port} (pid {server.pid})")
        results = run_measurements(
            args.db, key, uid, info, f"http://127.0.0.1:{port}", args.repeat
        )
    finally:
        if server is not None:
            stop_server(server)
        if not args.keep:
            log(f"dropping {args.db}")
            drop_database(args.db)
    print_table(results)
    output = {
        "date": datetime.date.today().isoformat(),
        "machine": host,
        "repeat": args.repeat,
        "warmups": WARMUPS,
        "dataset": {
            key: info[key]
            for key in (
                "generation_seconds",
                "generation_timings",
                "billing_states",
                "reused",
            )
            if key in info
        },
        "results": results,
    }
    RESULTS_FILE.write_text(json.dumps(output, indent=2) + "\n")
    log(f"results written to {RESULTS_FILE.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
