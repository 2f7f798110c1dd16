#!/usr/bin/env python3
"""Issue 13's table on the Waldur-size dataset, against Odoo's floor.

    python3 bench/runner.py --db bench_NAME [--customers 2000 --invoices 50000
        --lines 10 --months 24 --paid-share 0.4] [--repeat 15] [--c8-seconds 10]
        [--only list,sparse,page10,growth] [--write-n 15] [--json PATH]

Builds (or reuses, when its marker matches the parameters) the dataset of
``waldur_dataset.py``, installs the no-op route's addon (bench/addons), starts
Odoo ``--workers=2`` on it and, from this process, sends each request
interleaved with its floor (request, floor, request, floor...): JSON-RPC
``search_read`` of the same records over HTTP with the same API key, or
hand-written SQL over psycopg2 for the aggregates; the no-op API route
against a no-op JSON-RPC call with a session. Per row: median and p95 wall
ms, queries per request of both sides (the server's werkzeug log line),
requests/s at concurrency 1; the list page 100 and the payments page at
concurrency 8 (threads); peak RSS of the server processes (VmHWM). The
write row (create + link) runs on a copy of the database (``createdb -T``,
dropped afterwards), so that the dataset stays as it was built. Writes a
JSON file and prints a Markdown table.
"""

import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import threading
import time
from pathlib import Path

import psycopg2
import requests
from common import (
    BENCH_ADDONS_PATH,
    REPO_ROOT,
    check_postgres,
    clone_database,
    create_database,
    db_exists,
    drop_database,
    expect,
    free_port,
    install_floor_addon,
    log,
    make_api_key,
    start_server,
    stop_server,
)
from waldur_dataset import Params, generate, stored_dataset
from write_path import api_session, create_and_link
from write_path import logged_queries as logged_requests
from write_path import summary as write_path_summary

import odoo

WARMUPS = 2
TIMEOUT = 600
ADMIN_LOGIN = "admin"
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
UUID_PATH = "[0-9a-fA-F-]{32,36}"
NOOP_PATH = "/api/bench-noop/"
# Odoo's own no-op: a trivial ORM method over the web client's JSON-RPC.
SESSION_NOOP_PATH = "/web/dataset/call_kw/res.users/context_get"
# Every row, in the order measured; --only picks some of them.
ROWS = (
    "list",
    "page10",
    "sparse",
    "retrieve",
    "growth",
    "stats",
    "payments",
    "si_payments",
    "noop",
    "c8",
    "write",
)


def summary(samples):
    """write_path's median/p95/runs, and the requests/s one at a time."""
    return {
        **write_path_summary(samples),
        "req_per_s_c1": round(len(samples) / sum(samples), 2),
    }


class Client:
    def __init__(self, base, key, uid, db):
        self.base, self.key, self.uid, self.db = base, key, uid, db
        self.session = api_session(key)

    def get(self, path, **kwargs):
        response = self.session.get(self.base + path, timeout=TIMEOUT, **kwargs)
        expect(response.status_code == 200, f"{path}: {response.status_code}")
        return response

    def rpc(self, tag, model, method, *args, **kwargs):
        """``execute_kw`` over ``/jsonrpc`` with the API key as password.

        ``tag`` goes in the query string, which Odoo ignores, so that the
        server's log tells each floor's requests apart (their query counts).
        """
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
        response = requests.post(
            f"{self.base}/jsonrpc?floor={tag}", json=payload, timeout=TIMEOUT
        )
        body = response.json()
        expect("result" in body, f"jsonrpc {model}.{method}: {body.get('error')}")
        return body["result"]


def web_session(base, db, password):
    """A requests session logged in to Odoo's web client as admin."""
    session = requests.Session()
    response = session.post(
        f"{base}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"db": db, "login": ADMIN_LOGIN, "password": password},
        },
        timeout=TIMEOUT,
    )
    expect(
        response.json().get("result", {}).get("uid"),
        f"web login as {ADMIN_LOGIN} (see --admin-password): {response.text[:300]}",
    )
    return session


def session_noop(session, base):
    response = session.post(
        base + SESSION_NOOP_PATH,
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": "res.users",
                "method": "context_get",
                "args": [],
                "kwargs": {},
            },
        },
        timeout=TIMEOUT,
    )
    body = response.json()
    expect("result" in body, f"session no-op: {body.get('error')}")
    return len(body["result"])


def api_noop(client):
    body = client.get(NOOP_PATH).json()
    expect(body == {}, f"{NOOP_PATH} answered {body}")
    return len(body)


def list_floor(client, tag, limit, fields=None):
    moves = client.rpc(
        tag,
        "account.move",
        "search_read",
        INVOICE_DOMAIN,
        fields=fields or INVOICE_FIELDS,
        limit=limit,
        order=INVOICE_ORDER,
    )
    if fields is None:
        ids = [line for move in moves for line in move["invoice_line_ids"]]
        client.rpc(f"{tag}-lines", "account.move.line", "read", ids, fields=LINE_FIELDS)
    return len(moves)


def payments_floor(client, tag):
    return len(
        client.rpc(
            tag,
            "account.payment",
            "search_read",
            PAYMENT_DOMAIN,
            fields=PAYMENT_FIELDS,
            limit=100,
            order="create_date asc, id asc",
        )
    )


def exact(path):
    return re.compile(re.escape(path) + "$")


def row(request, addon, floor, addon_path, floor_label, floor_path=None):
    """One measured row: the calls and the log paths of their requests.

    ``addon_path`` matches the logged path (query string included) of the
    row's requests, each of ``floor_path`` that of one of the floor's
    requests (their query counts add up); ``floor_path`` None is a floor
    without an HTTP request of its own (SQL).
    """
    return {
        "request": request,
        "addon": addon,
        "floor": floor,
        "addon_path": addon_path,
        "floor_path": floor_path,
        "floor_label": floor_label,
    }


def endpoints(client, conn, web):
    """{row key: row()} of the requests measured one at a time."""
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
            "retrieve",
            "account.move",
            "search_read",
            [["uuid", "=", uuid]],
            fields=INVOICE_FIELDS,
        )[0]
        return len(
            client.rpc(
                "retrieve-lines",
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

    def si_payments():
        response = client.get(
            f"/v1/organizations/{company_uuid}/payments",
            params={"filter": payment_filter},
        )
        return len(response.json())

    def si_payments_floor():
        return len(
            client.rpc(
                "si_payments",
                "account.payment",
                "search_read",
                [
                    ["company_id", "=", 1],
                    ["partner_type", "=", "customer"],
                    ["payment_type", "=", "inbound"],
                    ["state", "!=", "canceled"],
                    # The same payments: linked to a customer invoice.
                    ["billing_has_customer_invoice", "=", True],
                    ["date", ">=", since],
                ],
                fields=[*PAYMENT_FIELDS, "payment_channel", "memo", "write_date"],
                limit=100,
                order="date desc",
            )
        )

    # A floor's JSON-RPC requests: the records', then their lines' (if any).
    jsonrpc = {
        key: [exact(f"/jsonrpc?floor={key}"), exact(f"/jsonrpc?floor={key}-lines")]
        for key in ROWS
    }
    search_read = "JSON-RPC search_read"
    list_page = "/api/invoices/?page_size=100"
    page10 = "/api/invoices/?page_size=10"
    sparse = "/api/invoices/?page_size=100&field=uuid&field=state"
    payments = "/api/payments/?page_size=100"
    return {
        "list": row(
            f"GET {list_page}",
            lambda: len(client.get(list_page).json()),
            lambda: list_floor(client, "list", 100),
            exact(list_page),
            f"{search_read} + read of the lines",
            jsonrpc["list"],
        ),
        "page10": row(
            f"GET {page10}",
            lambda: len(client.get(page10).json()),
            lambda: list_floor(client, "page10", 10),
            exact(page10),
            f"{search_read} + read of the lines",
            jsonrpc["page10"],
        ),
        "sparse": row(
            f"GET {sparse}",
            lambda: len(client.get(sparse).json()),
            lambda: list_floor(client, "sparse", 100, ["uuid", "billing_state"]),
            exact(sparse),
            f"{search_read} of uuid, billing_state",
            jsonrpc["sparse"],
        ),
        "retrieve": row(
            "GET /api/invoices/{uuid}/ (10 items)",
            retrieve,
            retrieve_floor,
            re.compile(f"/api/invoices/{UUID_PATH}/$"),
            f"{search_read} + read of the lines",
            jsonrpc["retrieve"],
        ),
        "growth": row(
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
            exact("/api/invoices/growth/"),
            "hand-written SQL (psycopg2)",
        ),
        "stats": row(
            "GET /api/invoices/{uuid}/stats/",
            stats,
            stats_floor,
            re.compile(f"/api/invoices/{UUID_PATH}/stats/$"),
            "hand-written SQL (psycopg2)",
        ),
        "payments": row(
            f"GET {payments}",
            lambda: len(client.get(payments).json()),
            lambda: payments_floor(client, "payments"),
            exact(payments),
            search_read,
            jsonrpc["payments"],
        ),
        "si_payments": row(
            "GET /v1/organizations/:id/payments?filter=(date >= 90 days ago,"
            " date DESC, limit 100)",
            si_payments,
            si_payments_floor,
            re.compile(r"/v1/organizations/[^/]+/payments\?"),
            search_read,
            jsonrpc["si_payments"],
        ),
        "noop": row(
            f"GET {NOOP_PATH} (no-op API route, API key)",
            lambda: api_noop(client),
            lambda: session_noop(web, client.base),
            exact(NOOP_PATH),
            "no-op JSON-RPC (session): res.users.context_get",
            [exact(SESSION_NOOP_PATH)],
        ),
    }


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


def concurrency_rows(client, seconds):
    """The list page and the payments page at concurrency 8, and floors."""
    results = []
    for label, path, floor in (
        ("list page 100 at concurrency 8", "/api/invoices/?page_size=100", "list"),
        ("payments page at concurrency 8", "/api/payments/?page_size=100", None),
    ):

        def make(path=path):
            c = Client(client.base, client.key, client.uid, client.db)
            return lambda: c.get(path)

        def make_floor(floor=floor):
            c = Client(client.base, client.key, client.uid, client.db)
            if floor:
                return lambda: list_floor(c, "c8", 100)
            return lambda: payments_floor(c, "c8")

        log(f"measuring {label}")
        results.append(
            {
                "request": label,
                "addon_req_per_s": throughput(make, seconds),
                "floor_req_per_s": throughput(make_floor, seconds),
            }
        )
    return results


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


def measured_queries(logged, pattern):
    """Median query count of the logged requests whose path matches
    ``pattern``, warm-ups left out; None when none matched."""
    counts = [q for _m, path, _s, q in logged if pattern.match(path)]
    counts = counts[WARMUPS:] or counts
    return statistics.median(counts) if counts else None


def uptime():
    return subprocess.run(
        ["uptime"], capture_output=True, text=True, check=False
    ).stdout.strip()


def read_rows(args, db, key, uid, only):
    """The rows of one server on ``db``: (results, peak RSS)."""
    logfile = Path(f"/tmp/{db}_runner.log")
    port = free_port()
    server = start_server(db, port, logfile, workers=2)
    results, rows = [], {}
    try:
        client = Client(f"http://127.0.0.1:{port}", key, uid, db)
        web = web_session(client.base, db, args.admin_password)
        conn = psycopg2.connect(dbname=db)
        try:
            rows = endpoints(client, conn, web)
            for name in (name for name in ROWS if name in only and name in rows):
                measured = rows[name]
                log(f"measuring {measured['request']}")
                ours, base, records, floor_records = interleaved(
                    measured["addon"], measured["floor"], args.repeat
                )
                results.append(
                    {
                        "row": name,
                        "request": measured["request"],
                        "addon": ours,
                        "floor": base,
                        "floor_label": measured["floor_label"],
                        "records": records,
                        "floor_records": floor_records,
                    }
                )
            if "c8" in only:
                results += concurrency_rows(client, args.c8_seconds)
        finally:
            conn.close()
        rss = peak_rss_mb(server.pid)
    finally:
        stop_server(server)
    logged = logged_requests(logfile)
    for result in results:
        measured = rows.get(result.get("row"))
        if measured:
            result["queries"] = measured_queries(logged, measured["addon_path"])
            if measured["floor_path"]:
                counts = [
                    measured_queries(logged, pattern)
                    for pattern in measured["floor_path"]
                ]
                result["floor_queries"] = sum(q for q in counts if q is not None)
    return results, rss


def write_invoices(db, count):
    """[(profile uuid, (invoice uuid, total))] of ``count`` created invoices,
    each with its customer's active payment profile."""
    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT p.uuid, m.uuid, m.amount_total FROM account_move m"
            " JOIN billing_payment_profile p"
            " ON p.partner_id = m.commercial_partner_id AND p.is_active"
            " WHERE m.move_type = 'out_invoice' AND m.billing_state = 'created'"
            " ORDER BY m.id DESC LIMIT %s",
            [count],
        )
        found = [(profile, (invoice, str(total))) for profile, invoice, total in cur]
    conn.close()
    expect(len(found) == count, f"{count} created invoices with a profile")
    return found


def write_row(args, key):
    """Create + link on a copy of the dataset's database, dropped afterwards."""
    write_db = args.write_db or f"{args.db}_write"
    expect(write_db.startswith("bench_"), "--write-db must start with bench_")
    log(f"copying {args.db} to {write_db} for the write path")
    started = time.perf_counter()
    clone_database(args.db, write_db)
    clone_seconds = round(time.perf_counter() - started, 1)
    logfile = Path(f"/tmp/{write_db}_runner.log")
    server = None
    times = {"create": [], "link": []}
    try:
        pairs = write_invoices(write_db, WARMUPS + args.write_n)
        port = free_port()
        server = start_server(write_db, port, logfile, workers=2)
        base = f"http://127.0.0.1:{port}"
        session = api_session(key)
        log(f"measuring POST /api/payments/ + link_to_invoice ({args.write_n} pairs)")
        for i, (profile_uuid, invoice) in enumerate(pairs):
            create_s, link_s, _path = create_and_link(
                session, base, profile_uuid, invoice
            )
            if i >= WARMUPS:
                times["create"].append(create_s)
                times["link"].append(link_s)
    finally:
        if server is not None:
            stop_server(server)
        if not args.keep_write_db:
            drop_database(write_db)
    logged = logged_requests(logfile)
    return {
        "row": "write",
        "request": "POST /api/payments/ + POST /api/payments/{uuid}/link_to_invoice/",
        "database": write_db,
        "copy_seconds": clone_seconds,
        "create": summary(times["create"]),
        "link": summary(times["link"]),
        "create_queries": measured_queries(logged, exact("/api/payments/")),
        "link_queries": measured_queries(
            logged, re.compile(f"/api/payments/{UUID_PATH}/link_to_invoice/$")
        ),
    }


def print_table(output):
    print("| Request | addon median ms (p95) | queries | floor median ms (p95) |")
    print("|---|---:|---:|---:|")
    for r in output["results"]:
        if "addon" in r:
            ours, base = r["addon"], r["floor"]
            floor_queries = r.get("floor_queries")
            cells = [
                f"`{r['request']}`",
                f"{ours['median_ms']} ({ours['p95_ms']})",
                f"{r['queries']:g}",
                f"{base['median_ms']} ({base['p95_ms']}) {r['floor_label']}"
                + (f", {floor_queries:g} queries" if floor_queries else ""),
            ]
        elif "create" in r:
            cells = [
                f"`{r['request']}`",
                f"{r['create']['median_ms']} + {r['link']['median_ms']}"
                f" ({r['create']['p95_ms']} + {r['link']['p95_ms']})",
                f"{r['create_queries']:g} + {r['link_queries']:g}",
                "—",
            ]
        else:
            cells = [
                r["request"],
                f"{r['addon_req_per_s']} req/s",
                "",
                f"{r['floor_req_per_s']} req/s",
            ]
        print("| " + " | ".join(cells) + " |")
    print(f"peak RSS (MB) per server process: {output['peak_rss_mb']}")
    print(f"load average: start {output['uptime_at_start']}")
    print(f"              end   {output['uptime_at_end']}")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--invoices", type=int, default=50000)
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--paid-share", type=float, default=0.4)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--c8-seconds", type=float, default=10)
    parser.add_argument(
        "--only",
        default=",".join(ROWS),
        help=f"comma-separated rows among {','.join(ROWS)} (default: all); "
        "the scaling runs use list,sparse,page10,growth",
    )
    parser.add_argument("--write-n", type=int, default=15, help="measured pairs")
    parser.add_argument(
        "--write-db", help="the copy the write row runs on (default: DB_write)"
    )
    parser.add_argument("--keep-write-db", action="store_true")
    parser.add_argument(
        "--drop", action="store_true", help="drop the database at the end"
    )
    parser.add_argument("--admin-password", default="admin")
    parser.add_argument("--json", default=str(REPO_ROOT / "bench" / "runner.json"))
    args = parser.parse_args()
    only = set(args.only.split(","))
    if only - set(ROWS):
        parser.error(f"unknown rows: {','.join(sorted(only - set(ROWS)))}")
    if not args.db.startswith("bench_"):
        parser.error("the database name must start with bench_")
    if args.repeat < 1 or args.write_n < 1:
        parser.error("--repeat and --write-n must be at least 1")
    return args, only


def main():
    args, only = parse_args()
    check_postgres()
    odoo.tools.config.parse_config(
        [f"--addons-path={BENCH_ADDONS_PATH}", "--log-level=warn"], setup_logging=True
    )
    params = Params(
        args.customers, args.invoices, args.lines, args.months, args.paid_share
    )
    try:
        info = stored_dataset(args.db, params) if db_exists(args.db) else None
        if info is None:
            if db_exists(args.db):
                drop_database(args.db)
            create_database(args.db)
            info = generate(args.db, params)
        install_floor_addon(args.db)
        key, uid = make_api_key(args.db)
        load, started_uptime = os.getloadavg(), uptime()
        log(f"measuring on {args.db}: {started_uptime}")
        results, rss = read_rows(args, args.db, key, uid, only)
        if "write" in only:
            results.append(write_row(args, key))
        ended_uptime = uptime()
    finally:
        if args.drop:
            drop_database(args.db)
    output = {
        "date": datetime.datetime.now(datetime.timezone.utc)
        .replace(tzinfo=None)
        .isoformat(timespec="seconds"),
        "database": args.db,
        "load_average_at_start": [round(x, 2) for x in load],
        "uptime_at_start": started_uptime,
        "uptime_at_end": ended_uptime,
        "cpus": os.cpu_count(),
        "repeat": args.repeat,
        "dataset": info,
        "peak_rss_mb": rss,
        "results": results,
    }
    Path(args.json).write_text(json.dumps(output, indent=2, default=str) + "\n")
    print_table(output)


if __name__ == "__main__":
    main()
