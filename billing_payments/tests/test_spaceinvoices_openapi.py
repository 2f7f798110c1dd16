# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The OpenAPI document of the Space Invoices dialect: a valid OpenAPI 3.1
document, served at /v1/openapi.json, that says what the code does."""

import re

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from odoo.tests import tagged

from ..controllers.spaceinvoices import DOCS_PAGE, SpaceInvoicesPaymentController
from ..dialects.spaceinvoices import filters, openapi, payments
from .common import SpaceInvoicesCommon


def schema_validator(document, name):
    """A validator of the component schema ``name`` (refs resolved in it)."""
    return Draft202012Validator(
        {
            **document["components"]["schemas"][name],
            "components": document["components"],
        },
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


@tagged("post_install", "-at_install")
class TestSpaceInvoicesOpenApi(SpaceInvoicesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.types = list(payments.channel_codes(cls.env))
        cls.document = openapi.document(payment_types=cls.types)

    def test_the_document_is_valid_openapi_3_1(self):
        validate(self.document)
        validate(openapi.document())  # without the database's payment types
        self.assertEqual(self.document["openapi"], "3.1.0")

    def test_every_route_is_documented_with_its_verbs(self):
        documented = {
            path: {verb.upper() for verb in item if verb != "parameters"}
            for path, item in self.document["paths"].items()
        }
        routes = {}
        for name in dir(SpaceInvoicesPaymentController):
            routing = getattr(
                getattr(SpaceInvoicesPaymentController, name), "original_routing", None
            )
            for route in (routing or {}).get("routes", ()):
                routes[re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)] = name
        # The catch-all 404 is no operation.
        for path in ("/v1", "/v1/{_path}"):
            routes.pop(path)
        self.assertEqual(set(routes), set(documented))
        self.assertEqual(
            documented["/v1/payments/{payment_id}"],
            {"GET", "HEAD", "PUT", "PATCH", "DELETE"},
        )
        self.assertEqual(
            documented["/v1/documents/{document_id}/payments"], {"GET", "HEAD", "POST"}
        )
        for path, verbs in documented.items():
            self.assertEqual("GET" in verbs, "HEAD" in verbs, path)

    def test_head_answers_as_get_without_a_body(self):
        self.pay(amount=100.0)
        response = self.si("HEAD", self.document_path())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["x-total-count"], "1")
        self.assertEqual(response.content, b"")
        operation = self.document["paths"]["/v1/documents/{document_id}/payments"]
        self.assertNotIn("content", operation["head"]["responses"]["200"])
        self.assertEqual(self.si("HEAD", "/payments/nope").status_code, 404)

    def test_bodies_list_the_accepted_keys_and_required_ones(self):
        bodies = self.document["components"]["requestBodies"]
        for name, verb in (
            ("PaymentCreate", "POST"),
            ("PaymentReplace", "PUT"),
            ("PaymentChange", "PATCH"),
        ):
            for mimetype, media in bodies[name]["content"].items():
                schema = media["schema"]
                self.assertEqual(
                    list(schema["properties"]), list(payments.ACCEPTED_KEYS), mimetype
                )
                self.assertFalse(schema["additionalProperties"])
                self.assertEqual(
                    schema.get("required", []), list(payments.REQUIRED_KEYS[verb])
                )
        json_body = bodies["PaymentCreate"]["content"]["application/json"]["schema"]
        self.assertEqual(
            json_body["properties"]["type"]["anyOf"][0]["enum"], self.types
        )

    def test_the_filter_schema_lists_the_grammar(self):
        schemas = self.document["components"]["schemas"]
        self.assertEqual(set(schemas["Filter"]["properties"]), filters.FILTER_KEYS)
        where = schemas["Where"]["properties"]
        self.assertEqual(set(where), {*payments.SCHEMA.properties, "and", "or"})
        operators = set(where["description"]["anyOf"][1]["properties"])
        self.assertEqual(operators - {"options"}, filters.OPERATORS)
        amount_operators = set(where["amount"]["anyOf"][1]["properties"])
        self.assertEqual(
            amount_operators - {"options"},
            filters.OPERATORS - filters.PATTERN_OPERATORS,
        )
        parameter = self.document["components"]["parameters"]["Filter"]
        self.assertIn("application/json", parameter["content"])
        self.assertIn(f"at most {filters.MAX_LIMIT}", parameter["description"])

    def test_posts_take_an_idempotency_key(self):
        for path, item in self.document["paths"].items():
            if "post" not in item:
                continue
            [header] = [
                self.document["components"]["parameters"][p["$ref"].split("/")[-1]]
                for p in item["post"]["parameters"]
            ]
            self.assertEqual(header["name"], "Idempotency-Key", path)
            self.assertEqual(header["schema"]["maxLength"], 255)
            self.assertIn("409", item["post"]["responses"])
            self.assertIn("422", item["post"]["responses"])

    def test_renderer_keys_are_the_schema_properties(self):
        payment = self.pay(amount=100.0, memo="Wire 7")
        payment._billing_cancel()  # deleted: deletedAt and _isDeleted too
        rendered = payments.render_payment(payment)
        schemas = self.document["components"]["schemas"]
        self.assertEqual(list(rendered), list(payments.PAYMENT_KEYS))
        self.assertEqual(list(schemas["Payment"]["properties"]), list(rendered))
        self.assertEqual(list(payments.PAYMENT_PROPERTIES), list(payments.PAYMENT_KEYS))
        document = payments.render_document(self.invoice)
        self.assertEqual(list(schemas["Document"]["properties"]), list(document))
        organization = payments.render_organization(self.company)
        self.assertEqual(
            list(schemas["Organization"]["properties"]), list(organization)
        )
        for name, value in (
            ("Payment", rendered),
            ("Document", document),
            ("Organization", organization),
        ):
            schema_validator(self.document, name).validate(value)
        self.assertFalse(schemas["Document"]["additionalProperties"])
        self.assertFalse(schemas["Organization"]["additionalProperties"])
        self.assertFalse(schemas["Payment"]["additionalProperties"])

    def test_the_schemas_refuse_what_the_parsers_refuse(self):
        schemas = self.document["components"]["schemas"]
        where = schema_validator(self.document, "Where")
        self.assertTrue(where.is_valid({"amount": {"gte": "12.5"}, "type": "bank"}))
        self.assertFalse(where.is_valid({"amount": {"like": "1.*"}}))
        self.assertFalse(where.is_valid({"unknown": 1}))
        filter_ = schema_validator(self.document, "Filter")
        self.assertTrue(filter_.is_valid({"limit": " 5 ", "deleted": "1"}))
        self.assertFalse(filter_.is_valid({"limit": -1}))
        self.assertFalse(filter_.is_valid({"fields": {"nope": True}}))
        self.assertEqual(
            schemas["PaymentView"]["properties"]["type"]["enum"], self.types
        )

    def test_the_route_serves_the_document_without_a_key(self):
        response = self.si("GET", "/openapi.json", key=False)
        body = self.assert_json(response, 200)
        self.assertEqual(body, self.document)
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        # The catch-all 404 of /v1 keeps answering other paths.
        self.assert_error(self.si("GET", "/openapi.yaml"), 404)
        self.assert_error(self.si("POST", "/openapi.json", key=False), 404)

    def test_the_page_redirects_to_the_viewer(self):
        response = self.si("GET", "/docs", key=False)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.headers["Location"].endswith(DOCS_PAGE))

    def test_what_the_fuzzing_found_is_answered_in_the_document(self):
        """Inputs schemathesis found: each a 500 once, or accepted while the
        document refused it."""
        path = self.document_path()
        cases = (
            # int() strips less whitespace than str.strip() did before it.
            ({"filter": '{"skip": "\\u2003 1\\u2000", "limit": "\\u001f2"}'}, 200),
            # abs() of a Decimal rounds in the context, and overflows.
            ({"filter": '{"where": {"amount": {"gte": "-5.2E2836481"}}}'}, 400),
            # normalize() rounds a tiny number to 0, past the decimals check.
            ({"filter": '{"where": {"amount": "1E-2836481"}}'}, 400),
            ({"filter": '{"fields": [{}]}'}, 400),  # unhashable field names
            ({"filter": '{"where": {"description": {"options": null}}}'}, 200),
        )
        for params, status in cases:
            with self.subTest(params=params):
                response = self.si("GET", path, params=params)
                self.assertEqual(response.status_code, status, response.text)
        schema = schema_validator(self.document, "Filter")
        self.assertTrue(schema.is_valid({"skip": "\u2003 1\u2000"}))
        self.assertTrue(schema.is_valid({"where": {"description": {"options": None}}}))
        self.assertFalse(schema.is_valid({"fields": [{}]}))
