# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The payment form's Link to Invoice / Unlink from Invoice and proof log."""

import base64
import datetime

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import BillingCommon, BillingHttpCommon

PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


@tagged("post_install", "-at_install")
class TestPaymentFormActions(BillingCommon):
    def setUp(self):
        super().setUp()
        self.env = self.env(user=self.billing_user)
        self.invoice = self.create_invoice(lines=[(self.offering, 1, 100.0)]).with_env(
            self.env
        )
        self.payment = self.env["account.payment"]._billing_create_payment(
            self.profile.with_env(self.env), datetime.date(2026, 4, 1), 40.0
        )

    def test_link_wizard_then_unlink(self):
        action = self.payment.action_billing_link_invoice()
        self.assertEqual(action["res_model"], "billing.payment.link.wizard")
        form = Form(
            self.env[action["res_model"]].with_context(**action["context"]),
            view="billing_payments.billing_payment_link_wizard_view_form",
        )
        self.assertEqual(form.partner_id, self.customer)
        form.invoice_id = self.invoice
        self.assertEqual(form.amount_residual, self.invoice.amount_residual)
        form.save().action_link()
        self.assertIn(self.payment, self.invoice.matched_payment_ids)
        self.assertEqual(self.invoice.payment_state, "partial")
        self.assertAlmostEqual(
            self.invoice.amount_residual, self.invoice.amount_total - 40.0
        )
        for record in (self.payment, self.invoice):
            self.assertIn("linked to invoice", record.message_ids[0].body)
        # Linked already: the button refuses, as the API does.
        with self.assertRaisesRegex(UserError, "Link to an invoice exists"):
            self.payment.action_billing_link_invoice()

        self.payment.action_billing_unlink_invoice()
        self.assertNotIn(self.payment, self.invoice.matched_payment_ids)
        self.assertEqual(self.invoice.payment_state, "not_paid")
        for record in (self.payment, self.invoice):
            self.assertIn("unlinked from invoice", record.message_ids[0].body)

    def test_link_wizard_offers_the_customers_open_invoices_only(self):
        paid = self.create_invoice(lines=[(self.offering, 1, 10.0)])
        self.register_payment(paid)
        draft = self.create_invoice(lines=[(self.offering, 1, 10.0)], post=False)
        stranger = self.create_invoice(
            partner=self.other_customer, lines=[(self.offering, 1, 10.0)]
        )
        wizard = self.env["billing.payment.link.wizard"].create(
            {"payment_id": self.payment.id, "invoice_id": self.invoice.id}
        )
        domain = safe_eval(
            wizard._fields["invoice_id"].domain, {"partner_id": wizard.partner_id.id}
        )
        offered = self.env["account.move"].search(domain)
        self.assertIn(self.invoice, offered)
        for invoice in (paid, draft, stranger):
            self.assertNotIn(invoice, offered)

    def test_proof_changes_in_the_form_are_logged_with_the_previous_file(self):
        with Form(self.payment) as form:
            form.proof = base64.b64encode(PDF)
        first = self.payment.message_ids[0]
        self.assertEqual(first.attachment_ids.mapped("raw"), [PDF])
        with Form(self.payment) as form:
            form.proof = base64.b64encode(PNG)
        replaced = self.payment.message_ids[0]
        self.assertCountEqual(replaced.attachment_ids.mapped("raw"), [PNG, PDF])
        with Form(self.payment) as form:
            form.proof = False
        cleared = self.payment.message_ids[0]
        self.assertIn("removed", cleared.body)
        self.assertEqual(cleared.attachment_ids.mapped("raw"), [PNG])


@tagged("post_install", "-at_install")
class TestPaymentFormInactiveProfile(BillingCommon):
    """Choosing an inactive profile warns at once and is refused on save.

    Waldur gives a payment only an active profile (create, PUT and PATCH
    resolve ``profile`` among active ones); the model holds that rule for
    every door, so the web client, the wizards and the model methods refuse
    alike. Payments keep the profile they were made under when it is
    deactivated later.
    """

    def setUp(self):
        super().setUp()
        self.setup_env = self.env
        self.env = self.env(user=self.billing_user)
        self.inactive = self.env["billing.payment.profile"].create(
            {"name": "Old contract", "partner_id": self.customer.id, "is_active": False}
        )

    def new_payment_form(self):
        form = Form(
            self.env["account.payment"].with_context(
                default_payment_type="inbound", default_partner_type="customer"
            ),
            view="account.view_account_payment_form",
        )
        form.partner_id = self.customer
        form.amount = 25.0
        return form

    def test_inactive_profile_warns_and_is_refused_on_save(self):
        count = self.env["account.payment"].search_count([])
        form = self.new_payment_form()
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            form.payment_profile_id = self.inactive
        self.assertIn("Inactive payment profile", logs.output[0])
        self.assertIn(
            "Old contract is not the customer's active profile", logs.output[0]
        )
        # Refused by the constraint, so the request's transaction rolls back.
        with (
            self.assertRaisesRegex(ValidationError, "active payment profile"),
            self.env.cr.savepoint(),
        ):
            form.save()
        self.assertEqual(self.env["account.payment"].search_count([]), count)

    def test_active_profile_gives_no_warning_and_saves(self):
        form = self.new_payment_form()
        with self.assertNoLogs("odoo.tests.form.onchange", "WARNING"):
            form.payment_profile_id = self.profile
        payment = form.save()
        self.assertEqual(payment.payment_profile_id, self.profile)

    def test_changing_a_payment_to_an_inactive_profile_is_refused(self):
        payment = self.env["account.payment"]._billing_create_payment(
            self.profile.with_env(self.env), datetime.date(2026, 4, 1), 40.0
        )
        form = Form(payment)
        with self.assertLogs("odoo.tests.form.onchange", "WARNING"):
            form.payment_profile_id = self.inactive
        with (
            self.assertRaisesRegex(ValidationError, "active payment profile"),
            self.env.cr.savepoint(),
        ):
            form.save()
        self.env.invalidate_all()
        self.assertEqual(payment.payment_profile_id, self.profile)
        # The model method behind the APIs refuses the same.
        with (
            self.assertRaisesRegex(ValidationError, "active payment profile"),
            self.env.cr.savepoint(),
        ):
            payment._billing_update(profile=self.inactive)
        self.env.invalidate_all()
        self.assertEqual(payment.payment_profile_id, self.profile)
        self.assertEqual(payment.state, "in_process")

    def test_payments_keep_a_profile_deactivated_later(self):
        payment = self.env["account.payment"]._billing_create_payment(
            self.profile.with_env(self.env), datetime.date(2026, 4, 1), 40.0
        )
        self.inactive.action_activate()  # the customer's new contract
        self.assertFalse(self.profile.is_active)
        self.assertEqual(payment.payment_profile_id, self.profile)
        # Other changes of the payment still save, in the form and the API.
        with Form(payment) as form:
            form.memo = "Still under the old contract"
        payment._billing_update(amount=45.0)
        self.assertEqual(payment.amount, 45.0)
        self.assertEqual(payment.payment_profile_id, self.profile)
        # A duplicate is a new payment: it does not take the inactive profile.
        self.assertFalse(payment.copy().payment_profile_id)
        self.inactive.action_deactivate()
        self.profile.action_activate()
        self.assertEqual(payment.copy().payment_profile_id, self.profile)


@tagged("post_install", "-at_install")
class TestApiInactiveProfile(BillingHttpCommon):
    def test_waldur_update_to_an_inactive_profile_is_refused_as_waldur_does(self):
        payment = self.env["account.payment"]._billing_create_payment(
            self.profile, datetime.date(2026, 4, 1), 40.0
        )
        inactive = self.env["billing.payment.profile"].create(
            {"name": "Old contract", "partner_id": self.customer.id, "is_active": False}
        )
        url = self.base_url() + f"/api/payment-profiles/{inactive.uuid}/"
        for verb, body in (
            ("PATCH", {"profile": url}),
            ("PUT", {"profile": url, "date_of_payment": "2026-04-01"}),
        ):
            with self.subTest(verb=verb):
                response = self.api(verb, f"/api/payments/{payment.uuid}/", json=body)
                self.assertEqual(response.status_code, 400, response.text)
                self.assertEqual(
                    response.json(),
                    {"profile": ["Invalid hyperlink - Object does not exist."]},
                )
        payment.invalidate_recordset()
        self.assertEqual(payment.payment_profile_id, self.profile)
