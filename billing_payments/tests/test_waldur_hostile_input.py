# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Hostile and careless input to the Waldur API (issue 12 §1): every bad
request gets DRF's error and writes nothing."""

import json
import uuid

from odoo.tests import tagged

from .common import WaldurInvoiceCommon, multipart_form

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOT_A_NUMBER = "A valid number is required."
NUL = "Null characters are not allowed."
SURROGATE = "Surrogate characters are not allowed: U+D800."
BAD_TYPE = "Upload a PDF, PNG, JPEG or WebP file."


def multipart(fields, files=(), boundary="hostileboundary"):
    """(body, content type) of a multipart form built by hand, so that file
    names reach the server exactly as given."""
    return multipart_form(fields, files, boundary)


@tagged("post_install", "-at_install")
class TestWaldurHostileInput(WaldurInvoiceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.usage_invoice()
        cls.payment = cls.create_payment(25.0)

    def snapshot(self):
        """Counts of what a refused request must not have written."""
        self.env.invalidate_all()
        return {
            model: self.env[model].search_count([])
            for model in (
                "account.move",
                "account.payment",
                "account.partial.reconcile",
                "ir.attachment",
                "billing.payment.profile",
            )
        } | {
            "invoice": self.invoice.read(
                ["backend_id", "payment_url", "reference_number", "payment_state"]
            ),
            "payment": self.payment.read(["amount", "date", "proof_filename"]),
        }

    def assert_refused(self, response, status, body, before):
        self.assert_json(response, status, body)
        self.assertEqual(self.snapshot(), before)

    def profile_url(self, profile=None):
        return self.url(f"/api/payment-profiles/{(profile or self.profile).uuid}/")

    def payment_path(self, suffix=""):
        return f"/api/payments/{self.payment.uuid}/{suffix}"

    def post_payment_form(self, fields, files=()):
        body, content_type = multipart(fields, files)
        return self.api(
            "POST", "/api/payments/", data=body, headers={"Content-Type": content_type}
        )

    def paid_with(self, files, date="2026-04-01"):
        body, content_type = multipart({"date": date}, files)
        return self.api(
            "POST",
            self.detail(self.invoice, "paid/"),
            data=body,
            headers={"Content-Type": content_type},
        )

    # --- 1. media types and broken bodies ------------------------------------

    def write_routes(self):
        """(verb, path, a valid JSON body) of every Waldur write with a body."""
        invoice_url = self.url(self.detail(self.invoice))
        profile = {
            "name": "Hostile",
            "organization": self.url(f"/api/customers/{self.customer.uuid}/"),
            "payment_type": "invoices",
        }
        payment = {
            "profile": self.profile_url(),
            "date_of_payment": "2026-04-01",
            "sum": "10.00",
        }
        profile_path = f"/api/payment-profiles/{self.profile.uuid}/"
        return [
            ("POST", "/api/payment-profiles/", profile),
            ("PUT", profile_path, profile),
            ("PATCH", profile_path, {"name": "Renamed"}),
            ("POST", "/api/payments/", payment),
            ("PUT", self.payment_path(), payment),
            ("PATCH", self.payment_path(), {"sum": "11.00"}),
            ("POST", self.payment_path("link_to_invoice/"), {"invoice": invoice_url}),
            ("POST", self.detail(self.invoice, "paid/"), {"date": "2026-04-01"}),
            ("POST", self.detail(self.invoice, "set_backend_id/"), {"backend_id": "x"}),
            (
                "POST",
                self.detail(self.invoice, "set_payment_url/"),
                {"payment_url": "https://pay.example/1"},
            ),
            (
                "POST",
                self.detail(self.invoice, "set_reference_number/"),
                {"reference_number": "R-1"},
            ),
        ]

    def test_json_in_another_media_type_is_415_on_every_write(self):
        before = self.snapshot()
        for verb, path, body in self.write_routes():
            for content_type in ("text/plain", "application/xml"):
                with self.subTest(verb=verb, path=path, content_type=content_type):
                    response = self.api(
                        verb,
                        path,
                        data=json.dumps(body),
                        headers={"Content-Type": content_type},
                    )
                    detail = f'Unsupported media type "{content_type}" in request.'
                    self.assert_refused(response, 415, {"detail": detail}, before)

    def test_broken_multipart_paid_pays_nothing(self):
        before = self.snapshot()
        body, _content_type = multipart(
            {"date": "2026-04-01"}, [("proof", "receipt.pdf", PDF)]
        )
        for content_type in (
            "multipart/form-data; boundary=wrongboundary",
            "multipart/form-data",
        ):
            with self.subTest(content_type=content_type):
                response = self.api(
                    "POST",
                    self.detail(self.invoice, "paid/"),
                    data=body,
                    headers={"Content-Type": content_type},
                )
                self.assertEqual(response.status_code, 400, response.text)
                detail = response.json()["detail"]
                self.assertTrue(
                    detail.startswith("Multipart form parse error - "), detail
                )
                self.assertEqual(self.snapshot(), before)
        self.assertEqual(self.invoice.billing_state, "created")

    # --- 2. numbers -----------------------------------------------------------

    def test_amounts_take_ascii_decimals_only(self):
        before = self.snapshot()
        for value in ("1_000", "١٢", "１２", "1e_3", "x" * 1001):
            with self.subTest(value=value):
                response = self.api(
                    "POST",
                    "/api/payments/",
                    json={
                        "profile": self.profile_url(),
                        "date_of_payment": "2026-04-01",
                        "sum": value,
                    },
                )
                message = (
                    "String value too large." if len(value) > 1000 else NOT_A_NUMBER
                )
                self.assert_refused(response, 400, {"sum": [message]}, before)
                response = self.api("PATCH", self.payment_path(), json={"sum": value})
                self.assert_refused(response, 400, {"sum": [message]}, before)
        huge = self.api("PATCH", self.payment_path(), json={"sum": 10**30})
        self.assertEqual(huge.status_code, 400, huge.text)
        self.assertEqual(self.snapshot(), before)

    def test_integer_parameters_beyond_64_bits_are_400(self):
        huge = str(2**70)
        for name in ("year", "month"):
            for value in (huge, f"-{huge}", "١٢", "1_0"):
                with self.subTest(name=name, value=value):
                    response = self.api("GET", "/api/invoices/", params={name: value})
                    self.assertEqual(response.status_code, 400, response.text)
                    self.assertEqual(list(response.json()), [name])
                    response = self.api(
                        "GET", self.detail(self.invoice, "stats/"), params={name: value}
                    )
                    self.assertEqual(response.status_code, 400, response.text)
        for value in (huge, "١"):
            with self.subTest(page=value):
                response = self.api("GET", "/api/invoices/", params={"page": value})
                self.assert_json(response, 404, {"detail": "Invalid page."})
                # page_size falls back to the default, as DRF does.
                response = self.api(
                    "GET", "/api/payments/", params={"page_size": value}
                )
                self.assert_json(response, 200)
                response = self.api(
                    "GET", "/api/invoices/growth/", params={"customers_count": value}
                )
                self.assertEqual(response.status_code, 400, response.text)

    # --- 3. blank optional form fields -----------------------------------------

    def test_blank_optional_form_field_is_omitted(self):
        response = self.post_payment_form(
            {"profile": self.profile_url(), "date_of_payment": "2026-04-01", "sum": ""}
        )
        self.assertEqual(self.assert_json(response, 201)["sum"], "0.00")
        response = self.api(
            "POST",
            "/api/payments/",
            data={
                "profile": self.profile_url(),
                "date_of_payment": "2026-04-02",
                "sum": "",
            },
        )
        self.assertEqual(self.assert_json(response, 201)["sum"], "0.00")
        # A blank PATCH field changes nothing; in JSON "" is still no number.
        response = self.api("PATCH", self.payment_path(), data={"sum": ""})
        self.assertEqual(self.assert_json(response, 200)["sum"], "25.00")
        before = self.snapshot()
        response = self.api("PATCH", self.payment_path(), json={"sum": ""})
        self.assert_refused(response, 400, {"sum": [NOT_A_NUMBER]}, before)
        # A blank required field is still an error.
        response = self.api(
            "POST",
            "/api/payments/",
            data={"profile": self.profile_url(), "date_of_payment": ""},
        )
        self.assert_refused(
            response,
            400,
            {
                "date_of_payment": [
                    "Date has wrong format. Use one of these formats instead: "
                    "YYYY-MM-DD."
                ]
            },
            before,
        )

    # --- 4. NUL and lone surrogates ---------------------------------------------

    def raw_json(self, verb, path, text):
        return self.api(
            verb, path, data=text.encode(), headers={"Content-Type": "application/json"}
        )

    def test_nul_and_surrogates_are_field_errors(self):
        before = self.snapshot()
        for name in ("backend_id", "payment_url", "reference_number"):
            path = self.detail(self.invoice, f"set_{name}/")
            for escaped, message in (("\\u0000", NUL), ("\\ud800", SURROGATE)):
                with self.subTest(name=name, text=escaped):
                    text = f'{{"{name}": "https://x.example/a{escaped}b"}}'
                    response = self.raw_json("POST", path, text)
                    self.assert_refused(response, 400, {name: [message]}, before)
            response = self.api("POST", path, data={name: "a\x00b"})
            self.assert_refused(response, 400, {name: [NUL]}, before)
        profile_path = f"/api/payment-profiles/{self.profile.uuid}/"
        for text, key in (
            ('{"name": "a\\u0000"}', "name"),
            ('{"name": "a\\ud800"}', "name"),
            ('{"attributes": {"k\\u0000": "v"}}', "attributes"),
            ('{"attributes": {"k": ["v\\ud800"]}}', "attributes"),
            ('{"payment_type": "\\ud800"}', "payment_type"),
        ):
            with self.subTest(text=text):
                response = self.raw_json("PATCH", profile_path, text)
                message = NUL if "u0000" in text else SURROGATE
                self.assert_refused(response, 400, {key: [message]}, before)
        response = self.api(
            "GET", self.detail(self.invoice, "items/"), params={"query": "vm\x00"}
        )
        self.assert_json(response, 400, {"query": [NUL]})
        for name in ("customer_uuid", "customer", "state", "o", "created"):
            with self.subTest(filter=name):
                response = self.api("GET", "/api/invoices/", params={name: "a\x00"})
                self.assertIn(response.status_code, (200, 400), response.text)
        response = self.paid_with([("proof", "a\x00.pdf", PDF)])
        self.assert_refused(response, 400, {"proof": [NUL]}, before)

    # --- 5. stats apply the list filters ---------------------------------------

    def test_stats_apply_the_invoice_list_filters(self):
        stats = self.detail(self.invoice, "stats/")
        response = self.api("GET", stats, params={"year": "abc"})
        self.assert_json(response, 400, {"year": ["Enter a number."]})
        response = self.api("GET", stats, params={"state": "bogus"})
        self.assertEqual(response.status_code, 400, response.text)
        response = self.api("GET", stats, params={"state": "paid"})
        self.assert_json(
            response, 404, {"detail": "No Invoice matches the given query."}
        )
        response = self.api("GET", stats, params={"state": "created"})
        self.assert_json(response, 200)

    # --- 6. URLs and uuids -----------------------------------------------------

    def test_payment_url_with_control_characters_is_refused(self):
        before = self.snapshot()
        path = self.detail(self.invoice, "set_payment_url/")
        for url in (
            "https://pay.example/a\r\nSet-Cookie: x=1",
            "https://pay.example/\ta",
            "https://pay.example/a\x7f",
            "https://pay.example/a b",
        ):
            with self.subTest(url=url):
                response = self.api("POST", path, json={"payment_url": url})
                self.assert_refused(
                    response, 400, {"payment_url": ["Enter a valid URL."]}, before
                )
        response = self.api("POST", path, json={"payment_url": "https://pay.example/1"})
        self.assertEqual(response.status_code, 200, response.text)

    def test_uuids_take_the_contract_forms_only(self):
        hex_uuid = self.invoice.uuid
        hyphenated = str(uuid.UUID(hex_uuid))
        for form in (hex_uuid, hyphenated, hex_uuid.upper()):
            with self.subTest(form=form):
                self.assert_json(self.api("GET", f"/api/invoices/{form}/"), 200)
        not_found = {"detail": "No Invoice matches the given query."}
        for form in (
            f"urn:uuid:{hyphenated}",
            f"{{{hyphenated}}}",
            f"%20{hex_uuid}%20",
            f"{hex_uuid[:8]}-{hex_uuid[8:]}",
        ):
            with self.subTest(form=form):
                response = self.api("GET", f"/api/invoices/{form}/")
                self.assert_json(response, 404, not_found)
                response = self.api(
                    "GET", "/api/invoices/", params={"customer_uuid": form}
                )
                self.assert_json(
                    response, 400, {"customer_uuid": ["Enter a valid UUID."]}
                )
        before = self.snapshot()
        response = self.api(
            "POST",
            self.payment_path("link_to_invoice/"),
            json={"invoice": self.url(f"/api/invoices/urn:uuid:{hyphenated}/")},
        )
        self.assert_refused(
            response,
            400,
            {"invoice": ["Invalid hyperlink - Object does not exist."]},
            before,
        )

    def test_malformed_hyperlinks_are_field_errors(self):
        before = self.snapshot()
        bad = "http://[broken/api/payment-profiles/x/"
        response = self.api(
            "POST",
            "/api/payments/",
            json={"profile": bad, "date_of_payment": "2026-04-01"},
        )
        self.assert_refused(
            response, 400, {"profile": ["Invalid hyperlink - No URL match."]}, before
        )
        response = self.api("GET", "/api/invoices/", params={"customer": bad})
        self.assertEqual(self.assert_json(response, 200), [])

    # --- 7. proof files ----------------------------------------------------------

    def test_html_posing_as_pdf_is_refused(self):
        before = self.snapshot()
        for content in (
            b"%PDF-1.4\n<html><script>alert(1)</script></html>",
            b"%PDF-1.4\n<html><body>hi</body></html>\n%%EOF\n",
        ):
            with self.subTest(content=content):
                response = self.paid_with([("proof", "proof.pdf", content)])
                self.assert_refused(response, 400, {"proof": [BAD_TYPE]}, before)

    def test_proof_names_get_the_checked_extension(self):
        for sent, stored in (
            ("proof.html", "proof.pdf"),
            ("setup.exe", "setup.pdf"),
            ("receipt.PDF", "receipt.PDF"),
            ("noextension", "noextension.pdf"),
            ("../../etc/passwd", "passwd.pdf"),
            ("a\tb.pdf", "a_b.pdf"),
        ):
            with self.subTest(sent=sent):
                response = self.post_payment_form(
                    {"profile": self.profile_url(), "date_of_payment": "2026-04-01"},
                    [("proof", sent, PDF)],
                )
                body = self.assert_json(response, 201)
                payment = self.env["account.payment"].search(
                    [("uuid", "=", body["uuid"])]
                )
                self.assertEqual(payment.proof_filename, stored)
                proof = self.api("GET", f"/api/payments/{payment.uuid}/proof/")
                self.assertEqual(proof.headers["Content-Type"], "application/pdf")
                self.assertIn(stored, proof.headers["Content-Disposition"])

    def test_proof_name_longer_than_255_characters_is_refused(self):
        before = self.snapshot()
        name = "p" * 252 + ".pdf"
        response = self.paid_with([("proof", name, PDF)])
        self.assert_refused(
            response,
            400,
            {
                "proof": [
                    "Ensure this filename has at most 255 characters (it has 256)."
                ]
            },
            before,
        )
        response = self.paid_with([("proof", name[1:], PDF)])
        self.assert_json(response, 200)
        payment = self.invoice.matched_payment_ids
        self.assertEqual(payment.proof_filename, name[1:])

    def test_second_proof_part_is_refused(self):
        before = self.snapshot()
        files = [("proof", "a.pdf", PDF), ("proof", "b.html", b"<html></html>")]
        response = self.paid_with(files)
        self.assert_refused(response, 400, {"proof": ["Send one file only."]}, before)
        response = self.post_payment_form(
            {"profile": self.profile_url(), "date_of_payment": "2026-04-01"}, files
        )
        self.assert_refused(response, 400, {"proof": ["Send one file only."]}, before)

    # --- 8. the invoice-item resource --------------------------------------------

    def test_invoice_item_detail_is_waldurs_invoice_item(self):
        invoice_body = self.assert_json(self.api("GET", self.detail(self.invoice)), 200)
        embedded = invoice_body["items"][0]
        line = self.invoice.invoice_line_ids.filtered(
            lambda item: item.uuid == embedded["uuid"]
        )
        body = self.assert_json(
            self.api("GET", f"/api/invoice-items/{line.uuid}/"), 200
        )
        extra = {
            "invoice": self.url(self.detail(self.invoice)),
            "offering_uuid": embedded["details"].get("offering_uuid"),
            "offering_name": embedded["details"].get("offering_name"),
            "offering_component_type": None,
            "customer_uuid": self.customer.uuid,
            "customer_name": self.customer.name,
        }
        self.assertEqual(body, embedded | extra)
        self.assertEqual(list(body)[-6:], list(extra))

    # --- 9. customers -------------------------------------------------------------

    def test_customers_are_those_of_the_users_companies(self):
        path = f"/api/customers/{self.customer.uuid}/"
        self.assert_json(self.api("GET", path), 200)
        self.assert_json(self.api("GET", path, key=self.readonly_key), 200)
        not_found = {"detail": "No Customer matches the given query."}
        self.assert_json(self.api("GET", path, key=self.plain_key), 404, not_found)
        stranger = self.env["res.partner"].create(
            {"name": "Stranger", "email": "s@x.test", "phone": "+1 555"}
        )
        for partner in (
            stranger,
            self.company.partner_id,
            self.billing_user.partner_id,
            self.other_company.partner_id,
        ):
            with self.subTest(partner=partner.name):
                response = self.api("GET", f"/api/customers/{partner.uuid}/")
                self.assert_json(response, 404, not_found)
        # A payment profile makes a partner a customer, before any invoice.
        self.env["billing.payment.profile"].create(
            {
                "name": "New",
                "partner_id": stranger.id,
                "payment_type": "invoices",
                "journal_id": self.bank_journal.id,
                "is_active": False,
            }
        )
        response = self.api("GET", f"/api/customers/{stranger.uuid}/")
        self.assertEqual(self.assert_json(response, 200)["email"], "s@x.test")
