# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The OpenAPI documents: valid, served, complete, and true to the code.

``openapi_validation`` (wired into every test's HTTP helper) holds each
response against the documents; these tests hold the documents against the
code: every Waldur route is documented with exactly the verbs it takes, every
declared body field appears in its request schema, and every renderer
renders exactly the keys of its schema, in its order.
"""

import datetime
import re
import uuid

from openapi_spec_validator import validate
from requests.structures import CaseInsensitiveDict

from odoo import http
from odoo.tests import tagged

from ..controllers import waldur as waldur_controllers
from ..dialects.spaceinvoices import openapi as spaceinvoices_openapi
from ..dialects.waldur import (
    invoices,
    openapi,
    payment_profiles,
    payments,
)
from ..dialects.waldur.fields import PROOF_FIELDS
from .common import ITEM_KEYS, WaldurInvoiceLinesCommon, run_in_browser
from .openapi_validation import (
    JSON_MEDIA,
    OpenApiMismatch,
    check_response,
    find_operation,
)

VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE")
STATIC = "/billing_payments/static/openapi/"
# An absolute URL where a page loads something from: attributes, CSS, JS.
EXTERNAL_REFERENCE = re.compile(
    r"""(?:\b(?:src|href|action)\s*=\s*["']?|url\(\s*["']?|"""
    r"""\b(?:fetch|import)\s*\(\s*["'`]|@import\s+["']?)(?:[a-z][a-z0-9+.-]*:)?//""",
    re.IGNORECASE,
)


@tagged("post_install", "-at_install")
class TestOpenApi(WaldurInvoiceLinesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.document = openapi.document(cls.env)

    def operation(self, method, path):
        template, operation = find_operation(self.document, method, path)
        self.assertIsNotNone(operation, f"{method} {path} is not documented")
        return operation

    def test_documents_are_valid_openapi_31(self):
        validate(openapi.document(self.env, server_url="https://erp.example"))
        validate(spaceinvoices_openapi.document())
        self.assertEqual(self.document["openapi"], "3.1.0")

    def test_route_serves_the_document_publicly(self):
        response = self.api("GET", "/api/openapi.json", key=False)
        body = self.assert_json(response, 200)
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        self.assertEqual(body["servers"], [{"url": self.base_url()}])
        body.pop("servers")
        self.assertEqual(body, openapi.document(self.env))
        # A key works too, and other verbs are a 405.
        self.assert_json(self.api("GET", "/api/openapi.json"), 200)
        self.assert_json(self.api("POST", "/api/openapi.json"), 405)

    def test_readable_page_and_assets_are_served_without_cdn(self):
        response = self.api("GET", "/api/docs/", key=False)
        self.assertEqual(response.status_code, 302)
        location = response.headers["Location"]
        self.assertIn(f"{STATIC}index.html?spec=/api/openapi.json", location)
        page = self.url_open(location)
        self.assertEqual(page.status_code, 200)
        self.assertIn('src="viewer.js"', page.text)
        for name, media in (
            ("index.html", "text/html"),
            ("viewer.js", "javascript"),
            ("viewer.css", "text/css"),
        ):
            with self.subTest(asset=name):
                asset = self.url_open(STATIC + name)
                self.assertEqual(asset.status_code, 200)
                self.assertIn(media, asset.headers["Content-Type"])
                self.assertIsNone(
                    EXTERNAL_REFERENCE.search(asset.text),
                    f"{name} loads something from another site",
                )

    def test_readable_page_renders_every_operation(self):
        """In a real browser: the page loads the document and shows one
        section per operation (HEAD twins aside), or fails with its error."""
        count = sum(
            1
            for item in self.document["paths"].values()
            for method in item
            if method != "head"
        )
        code = f"""
            const check = () => {{
                const error = document.querySelector(".error");
                const shown = document.querySelectorAll("section.operation").length;
                if (error) {{
                    console.error("The page failed: " + error.textContent);
                }} else if (shown === {count} && document.getElementById("schemas")) {{
                    console.log("test successful");
                }} else {{
                    setTimeout(check, 100);
                }}
            }};
            check();
        """
        run_in_browser(self, "the OpenAPI page", self.browser_js, "/api/docs/", code)

    def test_every_waldur_route_is_documented_with_its_verbs(self):
        """Each route of the routing map, with each verb: documented → the
        route takes it; not documented → a 405. A new route or verb without
        documentation fails here."""
        rules = waldur_routes()
        self.assertGreaterEqual(len(rules), 20)
        missing = uuid.uuid4().hex
        for rule in rules:
            for path in sample_paths(rule, missing):
                template, _operation = find_operation(self.document, "GET", path)
                self.assertIsNotNone(template, f"{rule} is not documented")
                for verb in VERBS:
                    documented = self.document["paths"][template].get(verb.lower())
                    with self.subTest(route=path, verb=verb):
                        # An unknown uuid and an empty body: nothing is written.
                        response = self.api(verb, path, json={})
                        if documented:
                            self.assertNotEqual(response.status_code, 405)
                        else:
                            self.assertEqual(response.status_code, 405)

    def test_unknown_paths_are_a_json_404(self):
        for path in ("/api/no-such-resource/", "/api/invoices/x/y/z/"):
            with self.subTest(path=path):
                for key in (False, None):
                    response = self.api("GET", path, key=key)
                    self.assert_json(response, 404, {"detail": "Not found."})
                    self.assertEqual(response.headers["Cache-Control"], "no-store")
        # Odoo's routing is not strict about slashes: a route answers without
        # its trailing slash too (the catch-all does not take that over).
        self.assertEqual(
            self.assert_json(self.api("GET", "/api/invoices"), 200),
            self.assert_json(self.api("GET", "/api/invoices/"), 200),
        )

    def test_every_declared_field_is_in_its_request_schema(self):
        detail = f"/api/payments/{uuid.uuid4().hex}/"
        invoice = f"/api/invoices/{uuid.uuid4().hex}/"
        profile = f"/api/payment-profiles/{uuid.uuid4().hex}/"
        cases = [
            ("POST", "/api/payments/", payments.FIELDS, True),
            ("PUT", detail, payments.FIELDS, True),
            ("PATCH", detail, payments.FIELDS, False),
            ("POST", detail + "link_to_invoice/", payments.INVOICE_LINK_FIELDS, True),
            ("POST", "/api/payment-profiles/", payment_profiles.FIELDS, True),
            ("PUT", profile, payment_profiles.FIELDS, True),
            ("PATCH", profile, payment_profiles.FIELDS, False),
            ("POST", invoice + "paid/", invoices.PAID_FIELDS, None),
        ]
        cases += [
            ("POST", f"{invoice}set_{name}/", {name: field}, False)
            for name, field in invoices.SET_FIELDS.items()
        ]
        for method, path, fields, required in cases:
            content = self.operation(method, path)["requestBody"]["content"]
            for media, body in content.items():
                with self.subTest(operation=f"{method} {path}", media=media):
                    schema = body["schema"]
                    expected = set(fields)
                    if media == "multipart/form-data" and (
                        fields is payments.FIELDS or fields is invoices.PAID_FIELDS
                    ):
                        expected |= set(PROOF_FIELDS)
                    self.assertEqual(set(schema["properties"]), expected)
                    names = [n for n, field in fields.items() if field.required]
                    if required is True:
                        self.assertEqual(schema["required"], names)
                    elif required is False:
                        self.assertNotIn("required", schema)
                    else:  # paid: an empty body, or one with the required keys
                        self.assertIn({"required": names}, schema["anyOf"])

    def test_every_post_takes_an_idempotency_key(self):
        for path, item in self.document["paths"].items():
            if "post" not in item:
                continue
            with self.subTest(path=path):
                operation = item["post"]
                self.assertIn(
                    {"$ref": "#/components/parameters/IdempotencyKey"},
                    operation["parameters"],
                )
                self.assertIn("409", operation["responses"])
                self.assertIn("422", operation["responses"])

    def test_the_response_check_refuses_what_the_document_does_not_say(self):
        """The shared helper fails a test, never skips: undeclared status,
        missing header, wrong body, an answered route that does not exist."""
        protected = {
            "Cache-Control": "no-store",
            "Vary": "Authorization",
            "Content-Type": "application/json",
        }

        def check(method, path, status, body, **headers):
            check_response(
                self.env,
                method,
                self.base_url() + path,
                status,
                CaseInsensitiveDict({**protected, **headers}),
                body,
            )

        detail = f"/api/customers/{uuid.uuid4().hex}/"
        not_found = b'{"detail": "No Customer matches the given query."}'
        check("GET", detail, 404, not_found)
        check("GET", "/api/no-such-resource/", 404, b'{"detail": "Not found."}')
        check("DELETE", "/api/invoices/", 405, b'{"detail": "Method not allowed."}')
        refused = [
            ("GET", detail, 418, not_found, {}),  # status not declared
            ("GET", detail, 404, b'{"detail": 1}', {}),  # body breaks the schema
            ("GET", detail, 404, b"[]", {}),
            ("GET", detail, 404, b"<html>", {"Content-Type": "text/html"}),
            ("GET", detail, 404, not_found, {"Cache-Control": "public"}),
            ("GET", "/api/no-such-resource/", 200, b"{}", {}),
            ("GET", "/api/no-such-resource/", 404, b"<h1>Not Found</h1>", {}),
            ("DELETE", "/api/invoices/", 200, b"[]", {}),
            ("GET", "/web/login", 200, b"", {}),  # not an API path
        ]
        for method, path, status, body, headers in refused:
            with self.subTest(method=method, path=path, status=status, body=body):
                with self.assertRaises(OpenApiMismatch):
                    check(method, path, status, body, **headers)
        with self.assertRaises(OpenApiMismatch):  # Link and X-Result-Count
            check("GET", "/api/payments/", 200, b"[]")

    def schema_keys(self, name):
        return list(self.document["components"]["schemas"][name]["properties"])

    def rendered_keys(self, path, index=None):
        body = self.assert_json(self.api("GET", path), 200)
        return list((body if index is None else body[index]).keys())

    def test_renderers_render_exactly_their_schemas_keys(self):
        """The keys a renderer writes, in its order, are its schema's
        properties (the optional ones present here)."""
        self.assertEqual(list(invoices.FIELD_NAMES), self.schema_keys("Invoice"))
        self.assertEqual(ITEM_KEYS, self.schema_keys("InvoiceItem"))
        self.assertEqual(
            self.rendered_keys(self.detail(self.invoice)), self.schema_keys("Invoice")
        )
        items = self.assert_json(
            self.api("GET", self.detail(self.invoice, "items/")), 200
        )
        with_resource = next(item for item in items if item["uuid"] == self.vm.uuid)
        self.assertEqual(list(with_resource), self.schema_keys("InvoiceItem"))
        self.assertEqual(
            self.rendered_keys(f"/api/invoice-items/{self.vm.uuid}/"),
            self.schema_keys("InvoiceItemDetail"),
        )
        self.assertEqual(
            self.rendered_keys(self.detail(self.invoice, "stats/"), 0),
            self.schema_keys("InvoiceStatsOffering"),
        )
        self.assertEqual(
            self.rendered_keys("/api/invoices/growth/"),
            self.schema_keys("InvoiceGrowth"),
        )
        self.assertEqual(
            self.rendered_keys(f"/api/customers/{self.customer.uuid}/"),
            self.schema_keys("Customer"),
        )
        self.assertEqual(
            self.rendered_keys(f"/api/payment-profiles/{self.profile.uuid}/"),
            self.schema_keys("PaymentProfile"),
        )
        payment = self.env["account.payment"]._billing_create_payment(
            self.profile, datetime.date(2026, 3, 31), 5.0
        )
        payment._billing_link_invoice(self.invoice)
        self.assertEqual(
            self.rendered_keys(f"/api/payments/{payment.uuid}/"),
            self.schema_keys("Payment"),
        )
        self.assertEqual(
            set(self.schema_keys("Customer")) - {"url", "uuid"},
            set(self.schema_keys("CustomerDetails")),
        )

    def test_responses_declare_their_media_types(self):
        """Every JSON response has a schema; every list its pagination headers."""
        for path, item in self.document["paths"].items():
            for method, operation in item.items():
                for status, response in operation["responses"].items():
                    for media, body in response.get("content", {}).items():
                        with self.subTest(op=f"{method} {path} {status} {media}"):
                            self.assertIn("schema", body)
                            if JSON_MEDIA.match(media):
                                self.assertTrue(body["schema"])
        for path in (
            "/api/invoices/",
            "/api/payments/",
            "/api/payment-profiles/",
        ):
            headers = self.document["paths"][path]["get"]["responses"]["200"]
            self.assertIn("Link", headers["headers"])
            self.assertIn("X-Result-Count", headers["headers"])


def waldur_routes():
    """The paths of every route the Waldur controllers declare (what
    ``http.route`` records on each decorated method)."""
    paths = []
    for controller in vars(waldur_controllers).values():
        if not (
            isinstance(controller, type) and issubclass(controller, http.Controller)
        ):
            continue
        for method in vars(controller).values():
            routing = getattr(method, "original_routing", None)
            if routing and routing.get("billing_dialect") == "waldur":
                paths += routing["routes"]
    # The catch-all answers what matches no operation (a generic 404).
    return [path for path in paths if "<path:" not in path]


def sample_paths(rule, value):
    """The concrete paths of a werkzeug rule: ``value`` in every ``<string:>``
    part, and one path per choice of an ``<any(a,b):name>`` part."""
    paths = [re.sub(r"<string:[^>]+>", value, rule)]
    choice = re.compile(r"<any\(([^)]*)\):[^>]+>")
    while any(choice.search(path) for path in paths):
        expanded = []
        for path in paths:
            match = choice.search(path)
            if not match:
                expanded.append(path)
                continue
            for option in match.group(1).split(","):
                expanded.append(
                    path[: match.start()] + option.strip() + path[match.end() :]
                )
        paths = expanded
    return paths
