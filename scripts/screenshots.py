# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Take the addon's screenshots (billing_payments/static/description/*.png).

    python3 scripts/screenshots.py [--database DB] [--port 18432] [--keep]

Serves Odoo with the addon and its demo data on 127.0.0.1:PORT and drives a
headless Chromium through the DevTools protocol (the ``websocket-client``
package that Odoo's own test browser uses), logged in as the demo
administrator (admin/admin), in a 1400x900 window:

- ``screenshot_invoice_billing.png``: a posted invoice with its Billing page;
- ``screenshot_pay_wizard.png``: the Pay wizard of an open invoice, with the
  customer's payment profile proposed and a proof of payment attached (the
  wizard is not confirmed: nothing is written);
- ``screenshot_invoice_growth.png``: Accounting > Reporting > Invoice Growth,
  by billing period and customer.

Without ``--database`` a throw-away database is created with the demo data (as
``make run`` installs it) and dropped afterwards. ``--database DB`` uses DB,
creating it the same way when it does not exist; it is kept. The demo dates
are relative to today, so the pictures show the last thirteen months. Each
step waits for what it needs on the page (no fixed sleeps); a step that does
not happen within ``--timeout`` seconds fails the script. PNGs are optimised
(palette of 256 colours when that is smaller) to stay small.
"""

import argparse
import base64
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket
from addons_path import REPO_ROOT, addons_path
from PIL import Image

OUTPUT = REPO_ROOT / "billing_payments" / "static" / "description"
WIDTH, HEIGHT = 1400, 900
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
    f"--window-size={WIDTH},{HEIGHT}",
]
LOGIN = PASSWORD = "admin"
# Demo records (billing_payments/demo/billing_demo.xml).
INVOICE_BILLING = "demo_invoice_helsinki_m06"  # posted, with every billing field
INVOICE_TO_PAY = "demo_invoice_nordic_m02"  # posted, open, active profile
PROOF_NAME = "bank_transfer_receipt.pdf"
GROWTH_CUSTOMERS = [
    "Nordic Research Institute",
    "Baltic Genomics",
    "Helsinki Data Analytics",
]
# A one-page PDF reading "Payment received" (the demo's proof).
PROOF_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 46>>stream\nBT /F1 12 Tf 20 50 Td (Payment received) Tj ET"
    b"\nendstream endobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
MAX_BYTES = 300_000

# In-page helpers, evaluated once per page load. waitFor resolves when the
# selector matches a visible element and the web client is idle (no RPC in
# flight, UI not blocked, fonts loaded, two frames painted).
PAGE_HELPERS = r"""
window.__shot = {
    visible(el) {
        return !!(el && el.offsetParent !== null && el.getClientRects().length);
    },
    find(selector, text) {
        return [...document.querySelectorAll(selector)].find(
            (el) => this.visible(el) && (!text || el.textContent.includes(text))
        );
    },
    idle() {
        return !document.querySelector(
            ".o_loading_indicator, .o_blockUI, .o-autocomplete--dropdown-menu"
        ) && !document.body.classList.contains("o_ui_blocked");
    },
    frames(n) {
        return new Promise((resolve) => {
            const next = (left) =>
                left ? requestAnimationFrame(() => next(left - 1)) : resolve();
            next(n);
        });
    },
    waitFor(selector, text, timeoutMs) {
        const started = Date.now();
        return new Promise((resolve, reject) => {
            const check = async () => {
                const el = this.find(selector, text);
                if (el && this.idle()) {
                    await document.fonts.ready;
                    await this.frames(2);
                    if (this.find(selector, text) && this.idle()) {
                        return resolve(true);
                    }
                }
                if (Date.now() - started > timeoutMs) {
                    const what = `${selector} ${text || ""}`;
                    return reject(new Error(`timeout waiting for ${what}`));
                }
                setTimeout(check, 50);
            };
            check();
        });
    },
    click(selector, text) {
        const el = this.find(selector, text);
        if (!el) {
            throw new Error(`nothing to click: ${selector} ${text || ""}`);
        }
        el.click();
        return true;
    },
    chartIdle() {
        const canvas = document.querySelector(".o_graph_renderer canvas");
        const chart = canvas && window.Chart && window.Chart.getChart(canvas);
        return !!chart && !window.Chart.animator.running(chart);
    },
};
"""


class DevTools:
    """A minimal DevTools-protocol client of one page target."""

    def __init__(self, ws_url, timeout):
        # Longer than any in-page wait, which times out (and says why) first.
        self.ws = websocket.create_connection(ws_url, timeout=timeout + 15)
        self.timeout = timeout
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:  # events arrive in between; keep the answer to this call
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
            timeout=self.timeout * 1000,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            error = details.get("exception", {}).get("description") or details
            raise RuntimeError(f"in the page: {error}")
        return result["result"].get("value")

    def close(self):
        self.ws.close()


class Shooter:
    def __init__(self, base_url, session_id, chromium, timeout):
        self.base_url = base_url
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="billing-screenshots-chromium-")
        self.proc = subprocess.Popen(  # noqa: S603
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port = self._devtools_port()
        targets = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
        page = next(t for t in targets if t["type"] == "page")
        self.dt = DevTools(page["webSocketDebuggerUrl"], timeout)
        self.dt.call("Page.enable")
        self.dt.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.dt.call(
            "Network.setCookie",
            name="session_id",
            value=session_id,
            url=base_url,
            httpOnly=True,
        )

    def _devtools_port(self):
        port_file = Path(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"Chromium exited with status {self.proc.returncode}.")
            text = port_file.read_text() if port_file.exists() else ""
            if text.strip():
                return int(text.split()[0])
            time.sleep(0.1)
        sys.exit("Chromium did not open its DevTools port.")

    def open(self, path, selector, text=None):
        """Load ``path`` and wait until ``selector`` (with ``text``) shows."""
        self.dt.call("Page.navigate", url=self.base_url + path)
        deadline = time.monotonic() + self.timeout
        while not self._loaded(path):
            if time.monotonic() > deadline:
                sys.exit(f"{path} did not load.")
            time.sleep(0.1)
        self.dt.evaluate(PAGE_HELPERS)
        self.wait(selector, text)

    def _loaded(self, path):
        try:
            return self.dt.evaluate(
                "document.readyState === 'complete' && !!window.odoo"
                f" && location.pathname.startsWith({json.dumps(path.split('?')[0])})"
            )
        except RuntimeError:  # the old page's context went away meanwhile
            return False

    def wait(self, selector, text=None):
        self.dt.evaluate(
            f"window.__shot.waitFor({json.dumps(selector)}, {json.dumps(text)},"
            f" {self.timeout * 1000})"
        )

    def wait_until(self, expression, what):
        deadline = time.monotonic() + self.timeout
        while not self.dt.evaluate(expression):
            if time.monotonic() > deadline:
                sys.exit(f"Timed out waiting for {what}.")
            time.sleep(0.05)

    def click(self, selector, text=None):
        self.wait(selector, text)
        self.dt.evaluate(
            f"window.__shot.click({json.dumps(selector)}, {json.dumps(text)})"
        )

    def type_text(self, selector, text):
        """Focus ``selector`` and type ``text`` into it (input events)."""
        self.wait(selector)
        self.dt.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.dt.call("Input.insertText", text=text)

    def press(self, key):
        codes = {"Enter": 13}
        for kind in ("keyDown", "keyUp"):
            self.dt.call(
                "Input.dispatchKeyEvent",
                type=kind,
                key=key,
                code=key,
                windowsVirtualKeyCode=codes[key],
            )

    def set_file(self, selector, path):
        """Choose ``path`` in a file input, as a user would (change event)."""
        root = self.dt.call("DOM.getDocument", depth=-1)["root"]["nodeId"]
        node = self.dt.call("DOM.querySelector", nodeId=root, selector=selector)
        if not node.get("nodeId"):
            sys.exit(f"No file input {selector}.")
        self.dt.call("DOM.setFileInputFiles", nodeId=node["nodeId"], files=[str(path)])

    def save(self, name):
        # No focused input (selected text, blinking caret) in the picture.
        self.dt.evaluate("document.activeElement && document.activeElement.blur()")
        # The mouse away from the page: no hover effects or tooltips.
        self.dt.call(
            "Input.dispatchMouseEvent", type="mouseMoved", x=WIDTH - 1, y=HEIGHT - 1
        )
        self.dt.evaluate("window.__shot.frames(2)")
        shot = self.dt.call(
            "Page.captureScreenshot", format="png", captureBeyondViewport=False
        )
        path = OUTPUT / name
        size = write_png(base64.b64decode(shot["data"]), path)
        print(f"{path.relative_to(REPO_ROOT)}: {size // 1024} kB", file=sys.stderr)

    def close(self):
        try:
            self.dt.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


def write_png(data, path):
    """Write the smaller of the optimised full-colour and 256-colour PNGs."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    candidates = []
    for variant in (image, image.quantize(colors=256, method=Image.Quantize.MEDIANCUT)):
        buffer = io.BytesIO()
        variant.save(buffer, format="PNG", optimize=True)
        candidates.append(buffer.getvalue())
    best = min(candidates, key=len)
    if len(best) > MAX_BYTES:
        sys.exit(f"{path.name} is {len(best)} bytes, over {MAX_BYTES}.")
    path.write_bytes(best)
    return len(best)


def find_chromium():
    for name in (
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ):
        if found := shutil.which(name):
            return found
    sys.exit(
        "No Chromium found: install the package chromium (apt-get install chromium)."
    )


def db_exists(database):
    out = subprocess.run(
        ["psql", "-X", "-At", "-d", "postgres", "-v", f"db={database}"],
        input="select 1 from pg_database where datname = :'db'",
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.strip() == "1"


def odoo_command(database, *args):
    return [
        sys.executable,
        "-m",
        "odoo",
        "-d",
        database,
        f"--addons-path={addons_path()}",
        "--log-level=warn",
        *args,
    ]


def create_demo_database(database):
    print(
        f"Creating {database} with billing_payments and its demo data...",
        file=sys.stderr,
    )
    subprocess.run(["createdb", database], check=True)
    subprocess.run(
        odoo_command(database, "-i", "billing_payments", "--stop-after-init"),
        check=True,
        cwd="/",
    )


def drop_database(database):
    subprocess.run(["dropdb", "--if-exists", database], check=False)
    filestore = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from odoo.tools import config;"
            " config.parse_config([], setup_logging=False);"
            " print(config.filestore(sys.argv[1]))",
            database,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
    ).stdout.strip()
    if filestore.endswith(f"/filestore/{database}"):
        shutil.rmtree(filestore, ignore_errors=True)


def start_server(database, port, timeout):
    server = subprocess.Popen(  # noqa: S603
        odoo_command(
            database,
            f"--db-filter=^{database}$",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            "--workers=0",
            "--max-cron-threads=0",
        ),
        cwd="/",
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"Odoo exited with status {server.returncode}.")
        try:
            if requests.get(base_url + "/web/login", timeout=5).status_code == 200:
                return server, base_url
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    server.terminate()
    sys.exit(f"Odoo did not answer on {base_url}.")


def rpc(session, base_url, route, params):
    response = session.post(
        base_url + route,
        json={"jsonrpc": "2.0", "method": "call", "params": params},
        timeout=60,
    )
    response.raise_for_status()
    body = response.json()
    if "error" in body:
        sys.exit(f"{route}: {body['error']['data']['message']}")
    return body["result"]


def demo_ids(session, base_url, names):
    rows = rpc(
        session,
        base_url,
        "/web/dataset/call_kw/ir.model.data/search_read",
        {
            "model": "ir.model.data",
            "method": "search_read",
            "args": [[("module", "=", "billing_payments"), ("name", "in", names)]],
            "kwargs": {"fields": ["name", "res_id"]},
        },
    )
    ids = {row["name"]: row["res_id"] for row in rows}
    missing = set(names) - set(ids)
    if missing:
        sys.exit(
            f"Demo records missing (is the demo data installed?): {sorted(missing)}"
        )
    return ids


def take_screenshots(shooter, ids, proof_path):
    invoices = "/odoo/action-account.action_move_out_invoice_type/%d"

    # 1. An invoice's Billing page.
    shooter.open(invoices % ids[INVOICE_BILLING], ".o_form_view .o_notebook")
    shooter.click(".o_notebook .nav-link[name=billing_api]")
    shooter.wait(".o_notebook div[name=billing_period_label]", " 20")
    shooter.save("screenshot_invoice_billing.png")

    # 2. The Pay wizard, with the proposed profile and a proof attached.
    shooter.open(invoices % ids[INVOICE_TO_PAY], ".o_statusbar_buttons")
    shooter.click(".o_statusbar_buttons button[name=action_register_payment]")
    shooter.wait(".modal div[name=billing_payment_profile_id] input")
    shooter.wait_until(
        "!!document.querySelector('.modal div[name=billing_payment_profile_id] input')"
        ".value",
        "the proposed payment profile",
    )
    shooter.set_file(".modal div[name=billing_proof] input.o_input_file", proof_path)
    shooter.wait_until(
        "document.querySelector('.modal div[name=billing_proof] input.o_input')"
        f"?.value === {json.dumps(PROOF_NAME)}",
        "the attached proof",
    )
    shooter.wait(".modal div[name=billing_proof] input.o_input")
    shooter.save("screenshot_pay_wizard.png")

    # 3. Invoice Growth of the demo customers, by billing period and customer,
    # as stacked bars
    # (Odoo's own demo invoices, of other customers, are left out).
    shooter.open(
        "/odoo/action-billing_payments.billing_invoice_growth_report_action",
        ".o_graph_renderer canvas",
    )
    for customer in GROWTH_CUSTOMERS:
        shooter.type_text(".o_searchview_input", customer)
        shooter.wait(".o_searchview_autocomplete li.focus", customer)
        shooter.press("Enter")
        shooter.wait(".o_searchview_facet", customer)
    shooter.click(".o_searchview_dropdown_toggler")
    shooter.click(".o_group_by_menu .o_accordion_toggle", "Billing Period")
    shooter.click(".o_group_by_menu .o_item_option", "Month")
    shooter.wait(".o_searchview_facet", "Billing Period: Month")
    shooter.click(".o_group_by_menu .o_menu_item", "Customer")
    shooter.wait(".o_searchview_facet", "Customer")
    shooter.click(".o_searchview_dropdown_toggler")
    # Stacked bars: one bar a month, one colour a customer.
    shooter.click(".o_graph_button[data-mode=bar]")
    shooter.wait(".o_graph_button.active[data-mode=bar]")
    shooter.wait_until(
        "!document.querySelector('.o_search_bar_menu') && window.__shot.chartIdle()",
        "the growth chart to be drawn",
    )
    shooter.save("screenshot_invoice_growth.png")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database",
        help="database to use (created with the demo data when missing, and "
        "kept); default: a throw-away database",
    )
    parser.add_argument("--port", type=int, default=18432)
    parser.add_argument("--timeout", type=int, default=60, help="seconds per step")
    args = parser.parse_args(argv)

    chromium = find_chromium()
    database = args.database or f"billing_screenshots_{os.getpid()}"
    throw_away = not args.database
    workdir = Path(tempfile.mkdtemp(prefix="billing-screenshots-"))
    server = shooter = None
    try:
        if not db_exists(database):
            create_demo_database(database)
        elif throw_away:
            sys.exit(f"Database {database} exists already.")
        server, base_url = start_server(database, args.port, args.timeout)
        session = requests.Session()
        rpc(
            session,
            base_url,
            "/web/session/authenticate",
            {"db": database, "login": LOGIN, "password": PASSWORD},
        )
        ids = demo_ids(session, base_url, [INVOICE_BILLING, INVOICE_TO_PAY])
        proof_path = workdir / PROOF_NAME
        proof_path.write_bytes(PROOF_PDF)
        shooter = Shooter(
            base_url, session.cookies["session_id"], chromium, args.timeout
        )
        try:
            take_screenshots(shooter, ids, proof_path)
        except BaseException:
            failure = Path(tempfile.gettempdir(), "billing-screenshots-failure.png")
            shot = shooter.dt.call("Page.captureScreenshot", format="png")
            failure.write_bytes(base64.b64decode(shot["data"]))
            print(f"The page when it failed: {failure}", file=sys.stderr)
            raise
    finally:
        if shooter:
            shooter.close()
        if server:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
        if throw_away:
            drop_database(database)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
