# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Base classes for the billing_payments tests.

``BillingCommon`` builds one accounting company (Odoo's test chart) with
customers, offerings, an active payment profile, users with and without
billing rights and their API keys, and a second company whose records the
first company's users must never see. ``BillingHttpCommon`` adds a small HTTP
client for the API endpoints served by the test server.

Shared by the Waldur invoice modules (test_waldur_invoice_*.py): the expected
key lists of an invoice and an item, ``WaldurInvoiceLinesCommon`` (one invoice
with every kind of line, for items/ and stats/) and ``read_xlsx_sheet``.
"""

import datetime
import io
import json
import re
import unittest
import uuid
import zipfile
from xml.etree import ElementTree

import httpx
from dateutil.relativedelta import relativedelta
from waldur_api_client import AuthenticatedClient
from waldur_api_client.errors import UnexpectedStatus

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import _find_executable

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .openapi_validation import check_httpx_response, check_requests_response

LIST = "/api/invoices/"
FORBIDDEN = {"detail": "You do not have permission to perform this action."}
NOT_FOUND = {"detail": "No Invoice matches the given query."}
INVOICE_KEYS = [
    "url",
    "uuid",
    "number",
    "customer",
    "price",
    "tax",
    "total",
    "state",
    "year",
    "month",
    "issuer_details",
    "invoice_date",
    "due_date",
    "customer_details",
    "items",
    "backend_id",
    "payment_url",
    "reference_number",
    "compensations",
    "incurred_costs",
]
ITEM_KEYS = [
    "uuid",
    "url",
    "name",
    "price",
    "tax",
    "total",
    "unit_price",
    "unit",
    "measured_unit",
    "start",
    "end",
    "article_code",
    "project_name",
    "project_uuid",
    "quantity",
    "details",
    "resource",
    "resource_uuid",
    "resource_name",
    "billing_type",
    "backend_uuid",
    "credit",
]


@tagged("post_install", "-at_install")
def run_in_browser(case, what, call, *args, **kwargs):
    """Run ``call(*args, **kwargs)`` (``start_tour``, ``browser_js``) and fail,
    never skip, when no browser can run it.

    Odoo's test browser *skips* a test when it finds no Chrome/Chromium
    executable, no ``websocket-client`` package, or when Chromium does not
    start; a browser test that silently does not run proves nothing.
    ``scripts/test.sh`` installs Debian's ``chromium`` when it can
    (``ensure_chromium`` in ``scripts/lib.sh``).
    """
    try:
        import websocket  # noqa: F401  (Odoo's test browser needs it)
    except ImportError:
        case.fail(
            "The Python package websocket-client is not installed: "
            "pip install websocket-client (requirements-test.txt)."
        )
    try:
        _find_executable()
    except unittest.SkipTest:
        case.fail(
            "No Chrome/Chromium executable found (Odoo looks for "
            "google-chrome, chromium, chromium-browser and "
            "google-chrome-stable on PATH). Install the Debian package "
            "chromium (apt-get install chromium); scripts/test.sh does it "
            "when run as root on Debian."
        )
    try:
        return call(*args, **kwargs)
    except unittest.SkipTest as error:
        case.fail(f"The browser could not run {what}: {error}")


def pay_invoice(invoice, channel, payment_date, amount, memo=None):
    """A payment of ``invoice`` as the Space Invoices API adds it."""
    return invoice._billing_pay(
        channel=channel, payment_date=payment_date, amount=amount, memo=memo
    )


class BillingCommon(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.company_data["company"]
        cls.bank_journal = cls.company_data["default_journal_bank"]
        cls.cash_journal = cls.company_data["default_journal_cash"]
        cls.customer = cls.partner_a
        cls.other_customer = cls.partner_b
        cls.provider = cls.env["res.partner"].create(
            {"name": "Cloud Provider Ltd", "is_company": True}
        )
        cls.category = cls.env["product.category"].create({"name": "Compute"})
        cls.offering = cls._create_product(
            name="Virtual machine",
            default_code="VM-S",
            lst_price=100.0,
            categ_id=cls.category.id,
            service_provider_id=cls.provider.id,
        )
        cls.profile = cls.env["billing.payment.profile"].create(
            {
                "name": "Monthly invoices",
                "partner_id": cls.customer.id,
                "payment_type": "invoices",
                "journal_id": cls.bank_journal.id,
            }
        )

        cls.other_company_data = cls.setup_other_company(name="Other Company")
        cls.other_company = cls.other_company_data["company"]
        cls.other_profile = cls.env["billing.payment.profile"].create(
            {
                "name": "Other company's profile",
                "partner_id": cls.customer.id,
                "company_id": cls.other_company.id,
                "journal_id": cls.other_company_data["default_journal_bank"].id,
            }
        )

        company_access = {
            "company_id": cls.company.id,
            "company_ids": [Command.set(cls.company.ids)],
        }
        cls.billing_user = new_test_user(
            cls.env,
            login="billing_clerk",
            groups="base.group_user,account.group_account_invoice",
            **company_access,
        )
        cls.readonly_user = new_test_user(
            cls.env,
            login="billing_auditor",
            groups="base.group_user,account.group_account_readonly",
            **company_access,
        )
        cls.plain_user = new_test_user(
            cls.env, login="billing_nobody", groups="base.group_user", **company_access
        )
        cls.billing_key = cls.make_api_key(cls.billing_user)
        cls.readonly_key = cls.make_api_key(cls.readonly_user)
        cls.plain_key = cls.make_api_key(cls.plain_user)

    @classmethod
    def make_api_key(cls, user, expiration_date=None):
        """A clear-text rpc API key of ``user``."""
        return user._billing_new_api_key(f"test key of {user.login}", expiration_date)

    @classmethod
    def create_invoice(
        cls, partner=None, lines=None, post=True, invoice_date=None, **vals
    ):
        """A customer invoice; ``lines`` are (product, quantity, unit price)."""
        lines = lines or [(cls.offering, 1, 100.0)]
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or cls.customer).id,
                "invoice_date": invoice_date or fields.Date.today(),
                "invoice_date_due": (invoice_date or fields.Date.today())
                + datetime.timedelta(days=30),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": quantity,
                            "price_unit": price,
                        }
                    )
                    for product, quantity, price in lines
                ],
                **vals,
            }
        )
        if post:
            invoice.action_post()
        return invoice

    @classmethod
    def create_payment(cls, amount, profile=None, **vals):
        """A draft inbound payment of the profile's customer on its journal."""
        profile = profile or cls.profile
        return cls.env["account.payment"].create(
            {
                "partner_id": profile.partner_id.id,
                "amount": amount,
                "payment_type": "inbound",
                "partner_type": "customer",
                "journal_id": profile.journal_id.id,
                "payment_profile_id": profile.id,
                **vals,
            }
        )

    @classmethod
    def register_payment(cls, invoice, amount=None, journal=None):
        """Pay ``invoice`` through Odoo's own register-payment wizard."""
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "amount": amount if amount is not None else invoice.amount_residual,
                    "journal_id": (journal or cls.bank_journal).id,
                }
            )
        )
        return wizard._create_payments()


@tagged("post_install", "-at_install")
class BillingHttpCommon(BillingCommon, HttpCase):
    """Calls the API over real HTTP, as the key's owner."""

    def api(
        self,
        method,
        path,
        key=None,
        scheme="Token",
        headers=None,
        validate=True,
        **kwargs,
    ):
        """Send ``method path``; ``key=False`` sends no Authorization header,
        ``scheme=None`` the bare key.

        The response is checked against its operation in the dialect's
        OpenAPI document (``openapi_validation``); ``validate=False`` only for
        a request that deliberately misses both APIs.
        """
        headers = dict(headers or {})
        if key is not False:
            key = key or self.billing_key
            headers["Authorization"] = f"{scheme} {key}" if scheme else key
        kwargs.setdefault("timeout", 60)
        kwargs.setdefault("allow_redirects", False)
        response = self.opener.request(
            method, self.base_url() + path, headers=headers, **kwargs
        )
        if validate:
            check_requests_response(self.env, response)
        return response

    def list_queries(self, path, params):
        """(SQL queries of one GET of ``path``, its JSON body).

        A first call warms Odoo's caches (groups, access rules) and the ORM
        cache is cleared before the measured call, so that two page sizes can
        be compared: a list endpoint must cost the same whatever the page.
        """
        self.api("GET", path, params=params)
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        response = self.api("GET", path, params=params)
        count = self.cr.sql_log_count - before
        body = self.assert_json(response, 200)
        self.assertGreater(count, 0)
        return count, body

    def assert_json(self, response, status, body=None):
        """Assert status and JSON content type, and the body when given."""
        self.assertEqual(response.status_code, status, response.text)
        self.assertTrue(
            response.headers.get("Content-Type", "").startswith("application/json"),
            response.headers,
        )
        if body is not None:
            self.assertEqual(response.json(), body)
        return response.json()


@tagged("post_install", "-at_install")
class WaldurInvoiceCommon(BillingHttpCommon):
    """Invoices with taxes, usage data and a credit line, for the Waldur API."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax = cls.env["account.tax"].create(
            {"name": "VAT 20%", "amount": 20, "type_tax_use": "sale"}
        )
        cls.offering.taxes_id = cls.tax
        cls.storage = cls._create_product(
            name="Object storage",
            default_code="OBJ",
            lst_price=10.0,
            categ_id=cls.category.id,
            taxes_id=[Command.set(cls.tax.ids)],
        )
        cls.customer.write(
            {
                "email": "billing@acme.test",
                "street": "Main Street 1",
                "city": "Tartu",
                "zip": "50090",
                "country_id": cls.env.ref("base.ee").id,
                "vat": "EE100000001",
                "phone": "+372 5555 5555",
            }
        )

    def url(self, path):
        return self.base_url() + path

    def detail(self, invoice, suffix=""):
        return f"/api/invoices/{invoice.uuid}/{suffix}"

    @classmethod
    def usage_invoice(cls, **vals):
        """A posted invoice with a usage line, a plain line and a credit line."""
        invoice = cls.create_invoice(
            lines=[(cls.offering, 2, 50.0), (cls.storage, 3, 1.5)], post=False, **vals
        )
        vm_line, storage_line = invoice.invoice_line_ids
        vm_line.write(
            {
                "billing_unit": "month",
                "billing_start": datetime.datetime(2026, 3, 1),
                "billing_end": datetime.datetime(2026, 3, 31, 23, 59, 59, 999999),
                "billing_resource_name": "vm-frontend",
                "billing_resource_uuid": uuid.uuid4().hex,
                "billing_project_name": "Web shop",
                "billing_project_uuid": uuid.uuid4().hex,
                "billing_details": {
                    "plan_name": "Small",
                    "plan_uuid": "",
                    "billing_type": "fixed",
                },
            }
        )
        storage_line.billing_measured_unit = "GB"
        invoice.write(
            {
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.offering.id,
                            "name": "Credit compensation",
                            "quantity": 1,
                            "price_unit": -10.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ]
            }
        )
        # Without a payment term Odoo resets the due date to the invoice date.
        invoice.invoice_payment_term_id = cls.env.ref(
            "account.account_payment_term_30days"
        )
        invoice.action_post()
        return invoice


@tagged("post_install", "-at_install")
class WaldurInvoiceLinesCommon(WaldurInvoiceCommon):
    """One posted invoice with usage, plain, credit, backup and zero lines."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_provider = cls.env["res.partner"].create(
            {"name": "Another Provider", "is_company": True}
        )
        cls.backup = cls._create_product(
            name="Backup",
            default_code="BAK",
            categ_id=cls.env["product.category"].create({"name": "Storage"}).id,
            service_provider_id=cls.other_provider.id,
            taxes_id=[Command.set(cls.tax.ids)],
        )
        cls.invoice = cls.usage_invoice(invoice_date=datetime.date(2026, 3, 31))
        cls.invoice.button_draft()
        cls.invoice.write(
            {
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.backup.id,
                            "quantity": 4,
                            "price_unit": 2.5,
                            "billing_resource_name": "db-backup",
                            "billing_resource_uuid": uuid.uuid4().hex,
                            "billing_project_name": "Analytics",
                            "billing_project_uuid": uuid.uuid4().hex,
                        }
                    ),
                    Command.create(
                        {"product_id": cls.offering.id, "quantity": 1, "price_unit": 0}
                    ),
                ]
            }
        )
        cls.invoice.action_post()
        cls.vm, cls.obj, cls.credit, cls.bak, cls.zero = cls.invoice.invoice_line_ids


@tagged("post_install", "-at_install")
class WaldurClientCommon(WaldurInvoiceCommon):
    """Runs Waldur's official client (``waldur-api-client``) unchanged.

    ``self.sdk`` is an ``AuthenticatedClient`` for the billing user; every
    request it sends is kept in ``self.sent`` and every answer in
    ``self.received`` (so that a body the client cannot parse can still be
    checked raw), and checked against the Waldur OpenAPI document.
    """

    def setUp(self):
        super().setUp()
        self.sent = []
        self.received = []
        self.sdk = self.waldur_client(self.billing_key)

    def waldur_client(self, token):
        """The official client, configured only through its public options.

        As HttpCase's own ``opener`` does, the request hook writes the test's
        pending ORM changes to the shared test cursor and clears its cache
        before each request (so records read after a call are fresh), and
        the test cookie ties requests to this test.
        """
        client = AuthenticatedClient(
            base_url=self.base_url(),
            token=token,
            cookies=dict(self.opener.cookies),
            timeout=httpx.Timeout(60.0),
            httpx_args={
                "event_hooks": {
                    "request": [self._before_request],
                    "response": [self._after_response],
                }
            },
        )
        self.addCleanup(client.get_httpx_client().close)
        return client

    def assert_api_error(self, call, status):
        """``call()`` makes the client raise UnexpectedStatus with ``status``.

        Returns the parsed JSON body of that answer (None when empty).
        """
        with self.assertRaises(UnexpectedStatus) as caught:
            call()
        self.assertEqual(caught.exception.status_code, status)
        content = caught.exception.content
        return json.loads(content) if content else None

    def _before_request(self, request):
        self.cr.flush()
        self.cr.clear()
        self.sent.append(request)

    def _after_response(self, response):
        self.received.append(response)
        check_httpx_response(self.env, response)


@tagged("post_install", "-at_install")
class SpaceInvoicesCommon(BillingHttpCommon):
    """Customer invoices and their payments, for the Space Invoices API."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "billing@acme.test"
        cls.offering.taxes_id = False  # round totals: 1,000 due on the invoice
        cls.invoice = cls.create_invoice(lines=[(cls.offering, 1, 1000.0)])

    def si(self, method, path, key=None, auth=None, **kwargs):
        """``method /v1path`` with the bare key in ``Authorization`` (LoopBack).

        ``auth`` replaces the whole header value; ``key=False`` sends none.
        """
        if auth is not None:
            headers = {**kwargs.pop("headers", {}), "Authorization": auth}
            return self.api(method, "/v1" + path, key=False, headers=headers, **kwargs)
        return self.api(method, "/v1" + path, key=key, scheme=None, **kwargs)

    def assert_error(self, response, status, name="Error", message=None):
        """A LoopBack error body; returns its ``error`` object."""
        body = self.assert_json(response, status)
        self.assertEqual(set(body), {"error"}, body)
        error = body["error"]
        self.assertEqual(error["statusCode"], status)
        self.assertEqual(error["name"], name)
        if message is not None:
            self.assertEqual(error["message"], message)
        return error

    def pay(self, invoice=None, amount=100.0, channel="bank", date=None, memo=None):
        """A payment added as the API adds it (the model method)."""
        return pay_invoice(
            (invoice or self.invoice).with_env(self.env),
            channel,
            date or fields.Date.today(),
            amount,
            memo,
        )

    def document_path(self, invoice=None, suffix=""):
        return f"/documents/{(invoice or self.invoice).uuid}/payments{suffix}"


@tagged("post_install", "-at_install")
class GrowthInvoicesCommon(WaldurInvoiceCommon):
    """Invoices of three customers over 14 months, for growth figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.this_month = fields.Date.today().replace(day=1)
        cls.big, cls.middle, cls.small = cls.env["res.partner"].create(
            [{"name": "Zeta Big"}, {"name": "Alpha Middle"}, {"name": "Small"}]
        )
        invoice = cls.growth_invoice
        invoice(cls.big, 0, 1000.0)
        invoice(cls.big, 2, 500.0)
        invoice(cls.middle, 0, 300.0)
        invoice(cls.middle, 12, 50.0)  # first period
        invoice(cls.small, 1, 100.0, post=False)  # pending counts too
        invoice(cls.small, 1, 900.0).button_cancel()  # cancelled does not
        invoice(cls.small, 13, 7000.0)  # before the first period

    @classmethod
    def growth_invoice(cls, partner, months_ago, amount, **vals):
        day = cls.this_month - relativedelta(months=months_ago)
        return cls.create_invoice(
            partner=partner,
            lines=[(cls.storage, 1, amount)],  # 20 % tax
            invoice_date=day,
            **vals,
        )


def multipart_body(fields=(), files=(), boundary="testboundary", close=True):
    """A multipart/form-data body built by hand (CRLF line ends), so that
    names, file names and bytes reach the server exactly as given.

    ``fields``: a dict or (name, value) pairs, values bytes or text (any
    other value as its ``str``);
    ``files``: (name, filename, content bytes) triples, sent as PDFs;
    ``close=False`` leaves out the closing boundary (a truncated body).
    """
    pairs = fields.items() if isinstance(fields, dict) else fields
    parts = []
    for name, value in pairs:
        if not isinstance(value, bytes):
            value = str(value).encode()
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
            "\r\n\r\n".encode()
            + value
            + b"\r\n"
        )
    for name, filename, content in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    body = b"".join(parts)
    if close:
        body += f"--{boundary}--\r\n".encode()
    return body


def multipart_form(fields=(), files=(), boundary="testboundary", close=True):
    """(body, Content-Type) of ``multipart_body``."""
    body = multipart_body(fields, files, boundary, close)
    return body, f"multipart/form-data; boundary={boundary}"


def read_xlsx_company(content):
    """The Company document property of an XLSX file (openpyxl drops it)."""
    app = ElementTree.fromstring(
        zipfile.ZipFile(io.BytesIO(content)).read("docProps/app.xml")
    )
    return app.find(
        "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
        "Company"
    ).text


def read_xlsx_sheet(content):
    """The first sheet of an XLSX file: its table's cell values (typed),
    formulas and layout.

    Reads the Office Open XML directly (no spreadsheet library needed), so the
    test checks what is really in the file: numbers as numeric cells, text as
    strings (shared or inline, as xlsxwriter's streaming mode writes them).
    ``rows`` start at the table's header row (the autofilter's first row),
    below any header block; ``all_rows`` are every row of the sheet.
    """
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    archive = zipfile.ZipFile(io.BytesIO(content))
    strings = []
    if "xl/sharedStrings.xml" in archive.namelist():
        strings = [
            "".join(node.itertext())
            for node in ElementTree.fromstring(
                archive.read("xl/sharedStrings.xml")
            ).findall("m:si", ns)
        ]
    sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    fonts = styles.find("m:fonts", ns).findall("m:font", ns)
    cell_formats = styles.find("m:cellXfs", ns).findall("m:xf", ns)
    autofilter = sheet.find("m:autoFilter", ns)
    ref = autofilter.get("ref") if autofilter is not None else None
    header_row = re.search(r"\d+", ref).group() if ref else "1"
    rows, formulas, header_bold, table_start = [], [], True, 0
    for row in sheet.find("m:sheetData", ns).findall("m:row", ns):
        if row.get("r") == header_row:
            table_start = len(rows)
        values = []
        for cell in row.findall("m:c", ns):
            column = re.match(r"[A-Z]+", cell.get("r")).group()
            index = sum(
                (ord(char) - 64) * 26**power
                for power, char in enumerate(reversed(column))
            )
            values.extend([None] * (index - 1 - len(values)))
            value = cell.find("m:v", ns)
            formula = cell.find("m:f", ns)
            if formula is not None:
                formulas.append(formula.text)
            if cell.get("t") == "s":
                values.append(strings[int(value.text)])
            elif cell.get("t") == "inlineStr":
                values.append("".join(cell.find("m:is", ns).itertext()))
            elif cell.get("t") == "str":
                values.append(value.text if value is not None else None)
            elif value is not None:
                values.append(float(value.text))
            else:
                values.append(None)
            if row.get("r") == header_row:
                font = fonts[int(cell_formats[int(cell.get("s", 0))].get("fontId", 0))]
                header_bold = header_bold and font.find("m:b", ns) is not None
        rows.append(values)
    pane = sheet.find("m:sheetViews/m:sheetView/m:pane", ns)
    return {
        "rows": rows[table_start:],
        "all_rows": rows,
        "formulas": formulas,
        "frozen": pane is not None and pane.get("state") == "frozen",
        "autofilter": ref,
        "header_bold": header_bold,
    }
