# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import uuid

from odoo.tests import tagged

from .common import BillingHttpCommon

LIST = "/api/payment-profiles/"
FORBIDDEN = {"detail": "You do not have permission to perform this action."}


@tagged("post_install", "-at_install")
class TestWaldurPaymentProfiles(BillingHttpCommon):
    def url(self, path):
        return self.base_url() + path

    def detail(self, profile):
        return f"{LIST}{profile.uuid}/"

    def customer_url(self, partner):
        return self.url(f"/api/customers/{partner.uuid}/")

    def expected(self, profile):
        return {
            "uuid": profile.uuid,
            "url": self.url(self.detail(profile)),
            "name": profile.name,
            "organization_uuid": profile.partner_id.uuid,
            "organization": self.customer_url(profile.partner_id),
            "attributes": profile.attributes or {},
            "payment_type": profile.payment_type,
            "payment_type_display": dict(profile._fields["payment_type"].selection)[
                profile.payment_type
            ],
            "is_active": True if profile.is_active else None,
        }

    def make_profiles(self, count):
        partners = self.env["res.partner"].create(
            [{"name": f"Customer {i:02d}"} for i in range(count)]
        )
        return self.env["billing.payment.profile"].create(
            [
                {"name": f"Profile {i:02d}", "partner_id": partner.id}
                for i, partner in enumerate(partners)
            ]
        )

    # --- reads -------------------------------------------------------------

    def test_list_shape_and_company_isolation(self):
        self.profile.attributes = {"agreement_number": "A-1"}
        response = self.api("GET", LIST)
        body = self.assert_json(response, 200)
        self.assertEqual(body, [self.expected(self.profile)])
        self.assertEqual(list(body[0]), list(self.expected(self.profile)))
        self.assertEqual(response.headers["X-Result-Count"], "1")

    def test_retrieve_accepts_hyphenated_uuid(self):
        hyphenated = str(uuid.UUID(self.profile.uuid))
        response = self.api("GET", f"{LIST}{hyphenated}/")
        self.assert_json(response, 200, self.expected(self.profile))

    def test_other_company_profile_is_not_found(self):
        response = self.api("GET", self.detail(self.other_profile))
        self.assert_json(
            response, 404, {"detail": "No PaymentProfile matches the given query."}
        )
        response = self.api("GET", f"{LIST}not-a-uuid/")
        self.assert_json(response, 404)

    def test_inactive_profile_shows_null(self):
        self.profile.is_active = False
        body = self.assert_json(self.api("GET", self.detail(self.profile)), 200)
        self.assertIsNone(body["is_active"])

    def test_pagination_headers(self):
        self.make_profiles(24)  # 25 with self.profile
        response = self.api(
            "GET", LIST, params={"page_size": 10, "o": "name,-payment_type"}
        )
        body = self.assert_json(response, 200)
        self.assertEqual(len(body), 10)
        self.assertEqual(response.headers["X-Result-Count"], "25")
        base = self.url(LIST)
        self.assertEqual(
            response.headers["Link"],
            f'<{base}?o=name%2C-payment_type&page_size=10>; rel="first", '
            f'<{base}?o=name%2C-payment_type&page=2&page_size=10>; rel="next", '
            f'<{base}?o=name%2C-payment_type&page=3&page_size=10>; rel="last"',
        )
        response = self.api("GET", LIST, params={"page_size": 10, "page": 2})
        self.assertEqual(
            response.headers["Link"],
            f'<{base}?page_size=10>; rel="first", '
            f'<{base}?page_size=10>; rel="prev", '
            f'<{base}?page=3&page_size=10>; rel="next", '
            f'<{base}?page=3&page_size=10>; rel="last"',
        )
        last = self.api("GET", LIST, params={"page_size": 10, "page": "last"})
        self.assertEqual(len(last.json()), 5)
        self.assertEqual(
            last.json(),
            self.api("GET", LIST, params={"page_size": 10, "page": 3}).json(),
        )
        self.assertNotIn('rel="next"', last.headers["Link"])

    def test_pagination_edges(self):
        self.make_profiles(11)
        for page in ("0", "3", "abc", "-1"):
            response = self.api("GET", LIST, params={"page": page})
            self.assert_json(response, 404, {"detail": "Invalid page."})
        # Invalid sizes fall back to 10; large ones are capped at 300.
        for size in ("0", "-5", "x"):
            self.assertEqual(
                len(self.api("GET", LIST, params={"page_size": size}).json()), 10
            )
        self.assertEqual(
            len(self.api("GET", LIST, params={"page_size": 5000}).json()), 12
        )
        # An empty result still has a first page.
        response = self.api("GET", LIST, params={"payment_type": "fixed_price"})
        self.assert_json(response, 200, [])
        self.assertEqual(response.headers["X-Result-Count"], "0")
        self.assertEqual(response.headers["Link"].count("rel="), 2)

    def test_head_counts_without_body(self):
        self.make_profiles(3)
        response = self.api("HEAD", LIST, params={"page_size": 2})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["X-Result-Count"], "4")
        self.assertIn('rel="next"', response.headers["Link"])
        self.assertEqual(response.content, b"")

    def test_filters(self):
        fixed = self.env["billing.payment.profile"].create(
            {
                "name": "Fixed",
                "partner_id": self.other_customer.id,
                "payment_type": "fixed_price",
            }
        )
        inactive = self.env["billing.payment.profile"].create(
            {"name": "Old", "partner_id": self.customer.id, "is_active": False}
        )

        def uuids(**params):
            response = self.api("GET", LIST, params=params)
            return {row["uuid"] for row in self.assert_json(response, 200)}

        hyphenated = str(uuid.UUID(self.customer.uuid))
        self.assertEqual(
            uuids(organization_uuid=hyphenated), {self.profile.uuid, inactive.uuid}
        )
        self.assertEqual(
            uuids(
                organization=f"https://elsewhere.example/api/customers/{self.other_customer.uuid}/"
            ),
            {fixed.uuid},
        )
        self.assertEqual(uuids(organization="https://x/api/nothing/"), set())
        self.assertEqual(
            uuids(payment_type=["fixed_price", "invoices"]),
            {self.profile.uuid, fixed.uuid, inactive.uuid},
        )
        self.assertEqual(uuids(payment_type="fixed_price"), {fixed.uuid})
        self.assertEqual(uuids(is_active="true"), {self.profile.uuid, fixed.uuid})
        self.assertEqual(uuids(is_active="false"), {inactive.uuid})
        self.assertEqual(
            uuids(is_active="maybe"), {self.profile.uuid, fixed.uuid, inactive.uuid}
        )

    def test_ordering(self):
        self.make_profiles(3)
        names = [r["name"] for r in self.api("GET", LIST, params={"o": "-name"}).json()]
        self.assertEqual(names, sorted(names, reverse=True))
        # Repeated keys: the last one wins, as in django-filter.
        names = [
            r["name"]
            for r in self.api("GET", LIST, params={"o": ["-name", "name"]}).json()
        ]
        self.assertEqual(names, sorted(names))

    def test_invalid_filters_are_400(self):
        cases = {
            "organization_uuid": ("nope", "Enter a valid UUID."),
            "payment_type": (
                "bogus",
                "Select a valid choice. bogus is not one of the available choices.",
            ),
            "o": (
                "bogus",
                "Select a valid choice. bogus is not one of the available choices.",
            ),
        }
        for name, (value, message) in cases.items():
            response = self.api("GET", LIST, params={name: value})
            self.assert_json(response, 400, {name: [message]})

    def test_reads_follow_odoo_access_rights(self):
        body = self.assert_json(self.api("GET", LIST, key=self.readonly_key), 200)
        self.assertEqual([row["uuid"] for row in body], [self.profile.uuid])
        # No accounting rights: nothing is visible, nothing fails.
        response = self.api("GET", LIST, key=self.plain_key)
        self.assert_json(response, 200, [])
        self.assertEqual(response.headers["X-Result-Count"], "0")
        response = self.api("GET", self.detail(self.profile), key=self.plain_key)
        self.assert_json(response, 404)

    # --- writes ------------------------------------------------------------

    def test_create(self):
        response = self.api(
            "POST",
            LIST,
            json={
                "name": "Fixed price 2026",
                "organization": self.customer_url(self.customer),
                "payment_type": "fixed_price",
                "attributes": {"end_date": "2026-12-31", "contract_sum": 1200},
            },
        )
        body = self.assert_json(response, 201)
        profile = self.env["billing.payment.profile"].search(
            [("uuid", "=", body["uuid"])]
        )
        self.assertEqual(body, self.expected(profile))
        self.assertEqual(response.headers["Location"], body["url"])
        self.assertEqual(profile.partner_id, self.customer)
        self.assertEqual(profile.company_id, self.company)
        self.assertEqual(profile.attributes["contract_sum"], 1200)
        self.assertTrue(profile.is_active)
        self.assertFalse(self.profile.is_active, "the old active profile is replaced")

    def test_create_from_form_data(self):
        response = self.api(
            "POST",
            LIST,
            data={
                "name": "Form profile",
                "organization": self.customer_url(self.other_customer),
                "payment_type": "payment_gw_monthly",
                "is_active": "false",
                "attributes": '{"agreement_number": "7"}',
            },
        )
        body = self.assert_json(response, 201)
        self.assertIsNone(body["is_active"])
        self.assertEqual(body["attributes"], {"agreement_number": "7"})
        self.assertEqual(body["payment_type_display"], "Payment gateways (monthly)")

    def test_create_validation_errors_write_nothing(self):
        Profile = self.env["billing.payment.profile"]
        before = Profile.search_count([])
        cases = [
            (
                {},
                {
                    "name": ["This field is required."],
                    "organization": ["This field is required."],
                    "payment_type": ["This field is required."],
                },
            ),
            (
                {"name": "x" * 151, "organization": None, "payment_type": "cash"},
                {
                    "name": ["Ensure this field has no more than 150 characters."],
                    "organization": ["This field may not be null."],
                    "payment_type": ['"cash" is not a valid choice.'],
                },
            ),
            (
                {
                    "name": "",
                    "organization": 7,
                    "payment_type": "invoices",
                    "attributes": [1],
                },
                {
                    "name": ["This field may not be blank."],
                    "organization": [
                        "Incorrect type. Expected URL string, received int."
                    ],
                    "attributes": [
                        'Expected a dictionary of items but got type "list".'
                    ],
                },
            ),
            (
                {
                    "name": "n",
                    "organization": "https://x/api/elsewhere",
                    "payment_type": "invoices",
                },
                {"organization": ["Invalid hyperlink - No URL match."]},
            ),
            (
                {
                    "name": "n",
                    "organization": f"https://x/api/invoices/{self.customer.uuid}/",
                    "payment_type": "invoices",
                },
                {"organization": ["Invalid hyperlink - Incorrect URL match."]},
            ),
            (
                {
                    "name": "n",
                    "organization": f"https://x/api/customers/{uuid.uuid4().hex}/",
                    "payment_type": "invoices",
                },
                {"organization": ["Invalid hyperlink - Object does not exist."]},
            ),
            (
                {
                    "name": "n",
                    "organization": self.customer_url(self.customer),
                    "payment_type": "invoices",
                    "is_active": "perhaps",
                },
                {"is_active": ["Must be a valid boolean."]},
            ),
        ]
        for payload, errors in cases:
            response = self.api("POST", LIST, json=payload)
            self.assert_json(response, 400, errors)
        response = self.api("POST", LIST, json=["not", "an", "object"])
        self.assert_json(
            response,
            400,
            {
                "non_field_errors": [
                    "Invalid data. Expected a dictionary, but got list."
                ]
            },
        )
        response = self.api(
            "POST", LIST, data="{broken", headers={"Content-Type": "application/json"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.json()["detail"].startswith("JSON parse error - "))
        self.assertEqual(Profile.search_count([]), before)
        self.assertTrue(self.profile.is_active)

    def test_update_put_and_patch(self):
        detail = self.detail(self.profile)
        response = self.api("PUT", detail, json={"name": "Renamed"})
        self.assert_json(
            response,
            400,
            {
                "organization": ["This field is required."],
                "payment_type": ["This field is required."],
            },
        )
        self.assertEqual(self.profile.name, "Monthly invoices")
        response = self.api(
            "PUT",
            detail,
            json={
                "name": "Renamed",
                "organization": self.customer_url(self.customer),
                "payment_type": "fixed_price",
            },
        )
        body = self.assert_json(response, 200)
        self.assertEqual(
            (body["name"], body["payment_type"]), ("Renamed", "fixed_price")
        )
        response = self.api(
            "PATCH", detail, json={"attributes": {"agreement_number": "B"}}
        )
        body = self.assert_json(response, 200)
        self.assertEqual(body["attributes"], {"agreement_number": "B"})
        self.assertEqual(body["name"], "Renamed")
        self.assertEqual(self.profile.attributes, {"agreement_number": "B"})

    def test_patch_organization_of_active_profile(self):
        theirs = self.env["billing.payment.profile"].create(
            {"name": "Theirs", "partner_id": self.other_customer.id}
        )
        response = self.api(
            "PATCH",
            self.detail(self.profile),
            json={"organization": self.customer_url(self.other_customer)},
        )
        body = self.assert_json(response, 200)
        self.assertEqual(body["organization_uuid"], self.other_customer.uuid)
        self.assertTrue(body["is_active"])
        self.assertFalse(theirs.is_active)

    def test_enable(self):
        second = self.env["billing.payment.profile"].create(
            {"name": "Second", "partner_id": self.customer.id, "is_active": False}
        )
        response = self.api("POST", self.detail(second) + "enable/")
        self.assert_json(response, 200, {"detail": "Payment profile has been enabled."})
        self.assertTrue(second.is_active)
        self.assertFalse(self.profile.is_active)

    def test_delete(self):
        unused = self.env["billing.payment.profile"].create(
            {"name": "Unused", "partner_id": self.other_customer.id}
        )
        path = self.detail(unused)
        response = self.api("DELETE", path)
        self.assertEqual(response.status_code, 204, response.text)
        self.assertEqual(response.content, b"")
        self.assertFalse(unused.exists())
        self.assert_json(self.api("DELETE", path), 404)

    def test_delete_profile_in_use_is_a_conflict(self):
        self.create_payment(5.0)
        response = self.api("DELETE", self.detail(self.profile))
        body = self.assert_json(response, 409)
        self.assertIn("deactivate it instead", body["detail"])
        self.assertTrue(self.profile.exists())

    def test_writes_need_the_billing_group_before_lookup(self):
        missing = f"{LIST}{uuid.uuid4().hex}/"
        for key in (self.readonly_key, self.plain_key):
            for method, path in (
                ("POST", LIST),
                ("PATCH", self.detail(self.profile)),
                ("PUT", missing),
                ("DELETE", missing),
                ("POST", missing + "enable/"),
            ):
                response = self.api(method, path, key=key, json={"name": "x"})
                self.assert_json(response, 403, FORBIDDEN)
        self.assertEqual(self.profile.name, "Monthly invoices")
        # With rights, the unknown profile is a 404.
        self.assert_json(self.api("DELETE", missing), 404)

    def test_unsupported_verbs(self):
        response = self.api("DELETE", LIST)
        self.assert_json(response, 405, {"detail": 'Method "DELETE" not allowed.'})
        response = self.api("POST", self.detail(self.profile))
        self.assert_json(response, 405, {"detail": 'Method "POST" not allowed.'})
        response = self.api("GET", self.detail(self.profile) + "enable/")
        self.assert_json(response, 405, {"detail": 'Method "GET" not allowed.'})

    def test_list_query_count_does_not_grow_with_page_size(self):
        self.make_profiles(20)
        small, body = self.list_queries(LIST, {"page_size": 5})
        self.assertEqual(len(body), 5)
        large, body = self.list_queries(LIST, {"page_size": 21})
        self.assertEqual(len(body), 21)
        self.assertEqual(small, large)
