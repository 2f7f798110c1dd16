#!/usr/bin/env python3
"""Issue 13's table on the Waldur-size dataset, against Odoo's floor.

    python3 bench/runner.py --db bench_NAME [--customers 2000 --invoices 50000
        --lines 10 --months 24 --paid-share 0.4] [--repeat 15] [--c8-seconds 10]

Builds (or reuses, when its marker matches the parameters) the dataset of
``waldur_dataset.py``, starts Odoo ``--workers=2`` on it and, from this
process, sends each request interleaved with its floor (request, floor,
request, floor...): JSON-RPC ``search_read`` of the same records over HTTP
with the same API key, or hand-written SQL over psycopg2 for the aggregates.
Per endpoint: median and p95 wall ms, queries per request (the server's
werkzeug log line), requests/s at concurrency 1; the list page 100 and the
payments page at concurrency 8 (threads); peak RSS of the server processes
(VmHWM). Writes a JSON file and prints a Markdown table.
"""

import argparse
import datetime
import json
import math
import os
import re
import statistics
import threading
import time
from pathlib import Path

import psycopg2
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
    start_server,
    stop_server,
)
from waldur_dataset import Params, generate, stored_dataset

import odoo

WARMUPS = 2
TIMEOUT = 600
LOG_LINE = re.compile(r'"([A-Z]+) (\S+) HTTP/[^"]*" (\d+) \S+ (\d+) ([\d.]+) ([\d.]+)')
INVOICE_FIELDS = [
    "uuid",
    "name",
    "partner_id",
    "billing_state",
    "billing_year",
    "billing_month",
    "invoice_date",
    "invoice_date_due",
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "invoice_line_ids",
]
LINE_FIELDS = [
    "uuid",
    "name",
    "quantity",
    "price_unit",
    "price_subtotal",
    "price_total",
    "product_id",
    "billing_unit",
    "billing_start",
    "billing_end",
    "billing_details",
    "billing_resource_name",
    "billing_project_name",
]
INVOICE_DOMAIN = [["move_type", "=", "out_invoice"]]
INVOICE_ORDER = "billing_year desc, billing_month desc, id desc"
PAYMENT_DOMAIN = [["payment_profile_id", "!=", False], ["state", "!=", "canceled"]]
PAYMENT_FIELDS = ["uuid", "date", "amount", "payment_profile_id", "invoice_ids"]


def summary(samples):
    ordered = sorted(samples)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "runs": len(ordered),
        "req_per_s_c1": round(len(ordered) / sum(ordered), 2),
    }


class Client:
    def __init__(self, base, key, uid, db):
        self.base, self.key, self.uid, self.db = base, key, uid, db
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {key}"

    def get(self, path):
        response = self.session.get(self.base + path, timeout=TIMEOUT)
        expect(response.status_code == 200, f"{path}: {response.status_code}")
        return response

    def rpc(self, model, method, *args, **kwargs):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.db,
                    self.uid,
                    self.key,
                    model,
                    method,
                    list(args),
                    kwargs,
                ],
            },
        }
        response = requests.post(self.base + "/jsonrpc", json=payload, timeout=TIMEOUT)
        body = response.json()
        expect("result" in body, f"jsonrpc {model}.{method}: {body.get('error')}")
        return body["result"]


def list_floor(client, limit, fields=None):
    moves = client.rpc(
        "account.move",
        "search_read",
        INVOICE_DOMAIN,
        fields=fields or INVOICE_FIELDS,
        limit=limit,
        order=INVOICE_ORDER,
    )
    if fields is None:
        ids = [line for move in moves for line in move["invoice_line_ids"]]
        client.rpc("account.move.line", "read", ids, fields=LINE_FIELDS)
    return len(moves)


def endpoints(client, conn, info):
    """[(name, addon call -> records, floor call -> records, expected)]."""
    cur = conn.cursor()
    cur.execute(
        "SELECT m.uuid, m.id FROM account_move m WHERE m.move_type = 'out_invoice'"
        " AND m.state = 'posted' ORDER BY m.id DESC LIMIT 10"
    )
    invoices = cur.fetchall()
    cycle = {"i": 0}

    def next_invoice():
        cycle["i"] += 1
        return invoices[cycle["i"] % len(invoices)]

    cur.execute("SELECT uuid FROM res_company WHERE id = 1")
    company_uuid = cur.fetchone()[0]
    since = (datetime.date.today() - datetime.timedelta(days=90)).isoformat()
    payment_filter = json.dumps(
        {"where": {"date": {"gte": since}}, "order": "date DESC", "limit": 100}
    )
    year_ago = (datetime.date.today().replace(day=1)).replace(
        year=datetime.date.today().year - 1
    )

    def sql(query, params):
        def call():
            cur.execute(query, params)
            return len(cur.fetchall())

        return call

    def retrieve():
        uuid, _id = next_invoice()
        return len(client.get(f"/api/invoices/{uuid}/").json()["items"])

    def retrieve_floor():
        uuid, _id = invoices[cycle["i"] % len(invoices)]
        move = client.rpc(
            "account.move", "search_read", [["uuid", "=", uuid]], fields=INVOICE_FIELDS
        )[0]
        return len(
            client.rpc(
                "account.move.line",
                "read",
                move["invoice_line_ids"],
                fields=LINE_FIELDS,
            )
        )

    def stats():
        uuid, _id = next_invoice()
        return len(client.get(f"/api/invoices/{uuid}/stats/").json())

    def stats_floor():
        _uuid, move_id = invoices[cycle["i"] % len(invoices)]
        return sql(
            "SELECT product_id, sum(quantity), sum(price_subtotal), sum(price_total)"
            " FROM account_move_line WHERE move_id = %s AND display_type = 'product'"
            " GROUP BY product_id",
            [move_id],
        )()

    return [
        (
            "GET /api/invoices/?page_size=100",
            lambda: len(client.get("/api/invoices/?page_size=100").json()),
            lambda: list_floor(client, 100),
        ),
        (
            "GET /api/invoices/?page_size=10",
            lambda: len(client.get("/api/invoices/?page_size=10").json()),
            lambda: list_floor(client, 10),
        ),
        (
            "GET /api/invoices/?page_size=100&field=uuid&field=state",
            lambda: len(
                client.get("/api/invoices/?page_size=100&field=uuid&field=state").json()
            ),
            lambda: list_floor(client, 100, ["uuid", "billing_state"]),
        ),
        ("GET /api/invoices/{uuid}/ (10 items)", retrieve, retrieve_floor),
        (
            "GET /api/invoices/growth/",
            lambda: len(client.get("/api/invoices/growth/").json()["periods"]),
            sql(
                "SELECT commercial_partner_id, billing_year, billing_month,"
                " sum(amount_total_signed) FROM account_move"
                " WHERE move_type = 'out_invoice' AND company_id = 1"
                " AND billing_state IN ('pending', 'created', 'paid')"
                " AND billing_period_start >= %s GROUP BY 1, 2, 3",
                [year_ago],
            ),
        ),
        ("GET /api/invoices/{uuid}/stats/", stats, stats_floor),
        (
            "GET /api/payments/?page_size=100",
            lambda: len(client.get("/api/payments/?page_size=100").json()),
            lambda: len(
                client.rpc(
                    "account.payment",
                    "search_read",
                    PAYMENT_DOMAIN,
                    fields=PAYMENT_FIELDS,
                    limit=100,
                    order="create_date asc, id asc",
                )
            ),
        ),
        (
            "GET /v1/organizations/:id/payments?filter=(date >= 90 days ago,"
            " date DESC, limit 100)",
            lambda: len(
                client.session.get(
                    f"{client.base}/v1/organizations/{company_uuid}/payments",
                    params={"filter": payment_filter},
                    timeout=TIMEOUT,
                ).json()
            ),
            lambda: len(
                client.rpc(
                    "account.payment",
                    "search_read",
                    [
                        ["company_id", "=", 1],
                        ["partner_type", "=", "customer"],
                        ["payment_type", "=", "inbound"],
                        ["state", "!=", "canceled"],
                        ["date", ">=", since],
                    ],
                    fields=[*PAYMENT_FIELDS, "payment_channel", "memo", "write_date"],
                    limit=100,
                    order="date desc",
                )
            ),
        ),
    ]


def interleaved(addon, floor, repeat):
    a, f, records = [], [], None
    for i in range(WARMUPS + repeat):
        t = time.perf_counter()
        records = addon()
        ta = time.perf_counter() - t
        t = time.perf_counter()
        floor_records = floor()
        tf = time.perf_counter() - t
        if i >= WARMUPS:
            a.append(ta)
            f.append(tf)
    return summary(a), summary(f), records, floor_records


def throughput(make_call, seconds, threads=8):
    done, stop = [], time.monotonic() + seconds

    def worker():
        call = make_call()
        while time.monotonic() < stop:
            call()
            done.append(1)

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    t = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return round(len(done) / (time.perf_counter() - t), 2)


def peak_rss_mb(server_pid):
    """Largest VmHWM of the server and its children (MB)."""
    peaks = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        ppid = re.search(r"PPid:\s+(\d+)", status)
        hwm = re.search(r"VmHWM:\s+(\d+) kB", status)
        if hwm and (int(pid) == server_pid or (ppid and int(ppid[1]) == server_pid)):
            peaks[int(pid)] = int(hwm[1]) // 1024
    return peaks


def logged_queries(logfile):
    found = {}
    for line in logfile.read_text(errors="replace").splitlines():
        match = LOG_LINE.search(line)
        if match:
            # Keyed by the path and by the path with its query string: the
            # list rows differ only by their query.
            found.setdefault((match[1], match[2].split("?")[0]), []).append(
                int(match[4])
            )
            found.setdefault((match[1], match[2]), []).append(int(match[4]))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--invoices", type=int, default=50000)
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--paid-share", type=float, default=0.4)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--c8-seconds", type=float, default=10)
    parser.add_argument("--json", default=str(REPO_ROOT / "bench" / "runner.json"))
    args = parser.parse_args()
    expect(args.db.startswith("bench_"), "the database name must start with bench_")
    check_postgres()
    odoo.tools.config.parse_config(
        [f"--addons-path={ADDONS_PATH}", "--log-level=warn"], setup_logging=True
    )
    params = Params(
        args.customers, args.invoices, args.lines, args.months, args.paid_share
    )
    info = stored_dataset(args.db, params) if db_exists(args.db) else None
    if info is None:
        if db_exists(args.db):
            drop_database(args.db)
        create_database(args.db)
        info = generate(args.db, params)
    key, uid = make_api_key(args.db)
    logfile = Path(f"/tmp/{args.db}_runner.log")
    port = free_port()
    server = start_server(args.db, port, logfile, workers=2)
    load = os.getloadavg()
    results = []
    try:
        client = Client(f"http://127.0.0.1:{port}", key, uid, args.db)
        conn = psycopg2.connect(dbname=args.db)
        for name, addon, floor in endpoints(client, conn, info):
            log(f"measuring {name}")
            ours, base, records, floor_records = interleaved(addon, floor, args.repeat)
            results.append(
                {
                    "request": name,
                    "addon": ours,
                    "floor": base,
                    "records": records,
                    "floor_records": floor_records,
                }
            )
        for label, path, floor in (
            ("list page 100 at concurrency 8", "/api/invoices/?page_size=100", 100),
            ("payments page at concurrency 8", "/api/payments/?page_size=100", None),
        ):

            def make(path=path):
                c = Client(client.base, key, uid, args.db)
                return lambda: c.get(path)

            def make_floor(limit=floor):
                c = Client(client.base, key, uid, args.db)
                if limit:
                    return lambda: list_floor(c, limit)
                return lambda: c.rpc(
                    "account.payment",
                    "search_read",
                    PAYMENT_DOMAIN,
                    fields=PAYMENT_FIELDS,
                    limit=100,
                )

            log(f"measuring {label}")
            results.append(
                {
                    "request": label,
                    "addon_req_per_s": throughput(make, args.c8_seconds),
                    "floor_req_per_s": throughput(make_floor, args.c8_seconds),
                }
            )
        rss = peak_rss_mb(server.pid)
    finally:
        stop_server(server)
    queries = logged_queries(logfile)
    for result in results:
        path = (
            result["request"].split(" ")[1]
            if result["request"].startswith("GET")
            else None
        )
        if path:
            full_path, path = path, path.split("?")[0]
            if "{uuid}" in path:
                suffix = path.split("{uuid}")[1]
                counts = [
                    q
                    for (m, p), qs in queries.items()
                    if m == "GET"
                    and p.startswith("/api/invoices/")
                    and p.endswith(suffix)
                    and p.count("/") == path.count("/")
                    and "growth" not in p
                    for q in qs
                ]
            elif path.startswith("/v1/organizations"):
                counts = [
                    q
                    for (m, p), qs in queries.items()
                    if p.startswith("/v1/organizations/")
                    for q in qs
                ]
            else:
                counts = queries.get(("GET", full_path), [])
            result["queries"] = (
                statistics.median(counts[WARMUPS:] or counts) if counts else None
            )
    output = {
        "date": datetime.datetime.utcnow().isoformat(timespec="seconds"),
        "load_average_at_start": [round(x, 2) for x in load],
        "cpus": os.cpu_count(),
        "dataset": info,
        "peak_rss_mb": rss,
        "results": results,
    }
    Path(args.json).write_text(json.dumps(output, indent=2, default=str) + "\n")
    print("| Request | addon median ms (p95) | queries | floor median ms (p95) |")
    print("|---|---:|---:|---:|")
    for r in results:
        if "addon" in r:
            ours, base = r["addon"], r["floor"]
            cells = [
                f"`{r['request']}`",
                f"{ours['median_ms']} ({ours['p95_ms']})",
                str(r.get("queries")),
                f"{base['median_ms']} ({base['p95_ms']})",
            ]
        else:
            cells = [
                r["request"],
                f"{r['addon_req_per_s']} req/s",
                "",
                f"{r['floor_req_per_s']} req/s",
            ]
        print("| " + " | ".join(cells) + " |")
    print(f"peak RSS (MB) per server process: {rss}")


if __name__ == "__main__":
    main()
