# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import re
import uuid

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.billing_payments.exceptions import BillingConflictError

from .common import BillingCommon

HEX32 = re.compile(r"^[0-9a-f]{32}$")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@tagged("post_install", "-at_install")
class TestUuid(BillingCommon):
    def test_uuid_assigned_on_every_billing_model(self):
        invoice = self.create_invoice()
        payment = self.register_payment(invoice)
        records = [
            invoice,
            invoice.invoice_line_ids,
            payment,
            self.customer,
            self.company,
            self.offering,
            self.profile,
        ]
        seen = set()
        for record in records:
            for uid in record.mapped("uuid"):
                self.assertRegex(uid, HEX32, record)
                seen.add(uid)
        self.assertEqual(len(seen), sum(len(r) for r in records), "uuids repeat")

    def test_uuid_not_copied(self):
        invoice = self.create_invoice(post=False)
        copy = invoice.copy()
        self.assertNotEqual(copy.uuid, invoice.uuid)
        self.assertRegex(copy.uuid, HEX32)

    def test_uuid_unique_in_database(self):
        other = self.env["res.partner"].create({"name": "Twin"})
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            other.write({"uuid": self.customer.uuid})
            other.flush_recordset()

    def test_lookup_accepts_hyphenated_and_hex(self):
        Partner = self.env["res.partner"]
        hyphenated = str(uuid.UUID(self.customer.uuid))
        self.assertIn("-", hyphenated)
        self.assertEqual(Partner._billing_search_uuid(hyphenated), self.customer)
        self.assertEqual(
            Partner._billing_search_uuid(self.customer.uuid), self.customer
        )
        self.assertEqual(
            Partner._billing_search_uuid(self.customer.uuid.upper()), self.customer
        )
        self.assertFalse(Partner._billing_search_uuid("not-a-uuid"))
        self.assertFalse(Partner._billing_search_uuid(uuid.uuid4().hex))
        self.assertFalse(Partner._billing_search_uuid(None))

    def test_backfill_gives_each_existing_row_its_own_uuid(self):
        """What install does for rows that exist before the column."""
        partners = self.env["res.partner"].create(
            [{"name": f"Old customer {i}"} for i in range(3)]
        )
        partners.flush_recordset()
        cr = self.env.cr
        cr.execute("ALTER TABLE res_partner ALTER COLUMN uuid DROP NOT NULL")
        cr.execute(
            "UPDATE res_partner SET uuid = NULL WHERE id IN %s", [tuple(partners.ids)]
        )
        self.env["res.partner"]._init_column("uuid")
        cr.execute("SELECT uuid FROM res_partner WHERE id IN %s", [tuple(partners.ids)])
        uuids = [row[0] for row in cr.fetchall()]
        self.assertEqual(len(set(uuids)), 3)
        for value in uuids:
            self.assertRegex(value, HEX32)
        cr.execute("SELECT count(*) FROM res_partner WHERE uuid IS NULL")
        self.assertEqual(cr.fetchone()[0], 0)


@tagged("post_install", "-at_install")
class TestInvoiceFields(BillingCommon):
    def test_payment_url_must_be_http_url(self):
        invoice = self.create_invoice(post=False)
        for good in ("https://pay.example.com/i/1", "http://localhost:8080/x?y=1"):
            invoice.payment_url = good
            self.assertEqual(invoice.payment_url, good)
        for bad in (
            "ftp://example.com/x",
            "example.com/pay",
            "https://",
            "javascript:x",
        ):
            with self.assertRaises(ValidationError, msg=bad):
                invoice.payment_url = bad
                invoice.flush_recordset()

    def test_text_field_lengths(self):
        move_fields = self.env["account.move"]._fields
        self.assertEqual(move_fields["backend_id"].size, 255)
        self.assertEqual(move_fields["payment_url"].size, 200)
        self.assertEqual(move_fields["reference_number"].size, 300)

    def test_billing_state_follows_accounting(self):
        invoice = self.create_invoice(post=False, lines=[(self.offering, 2, 50.0)])
        self.assertEqual(invoice.billing_state, "pending")
        invoice.action_post()
        self.assertEqual(invoice.billing_state, "created")
        self.register_payment(invoice, amount=10.0)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(invoice.billing_state, "created")
        self.register_payment(invoice)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.billing_state, "paid")
        other = self.create_invoice()
        other.button_cancel()
        self.assertEqual(other.billing_state, "canceled")
        payment_entries = invoice.matched_payment_ids.move_id
        self.assertEqual(len(payment_entries), 2)
        self.assertEqual(
            payment_entries.mapped("billing_state"),
            [False, False],
            "only sale documents have a billing state",
        )

    def test_billing_state_is_searchable_in_sql(self):
        paid = self.create_invoice()
        self.register_payment(paid)
        draft = self.create_invoice(post=False)
        found = self.env["account.move"].search(
            [
                ("billing_state", "in", ("paid", "pending")),
                ("id", "in", (paid | draft).ids),
            ]
        )
        self.assertEqual(found, paid | draft)
        self.assertTrue(self.env["account.move"]._fields["billing_state"].store)

    def test_billing_period_from_invoice_date_else_creation(self):
        invoice = self.create_invoice(
            post=False, invoice_date=fields.Date.to_date("2024-02-29")
        )
        self.assertEqual((invoice.billing_year, invoice.billing_month), (2024, 2))
        undated = self.create_invoice(
            post=False, invoice_date=fields.Date.to_date("2023-07-01")
        )
        undated.invoice_date = False
        created = undated.create_date
        self.assertEqual(
            (undated.billing_year, undated.billing_month), (created.year, created.month)
        )

    def test_line_usage_attributes(self):
        invoice = self.create_invoice(post=False)
        line = invoice.invoice_line_ids
        line.write(
            {
                "billing_unit": "month",
                "billing_measured_unit": "GB",
                "billing_details": {
                    "plan_name": "Small",
                    "resource_uuid": uuid.uuid4().hex,
                },
                "billing_project_name": "Climate",
            }
        )
        line.invalidate_recordset()
        self.assertEqual(line.billing_details["plan_name"], "Small")
        self.assertEqual(line.billing_unit, "month")


@tagged("post_install", "-at_install")
class TestPaymentProof(BillingCommon):
    def test_accepts_pdf_and_images_by_content(self):
        payment = self.create_payment(10.0)
        payment.write({"proof": base64.b64encode(PDF), "proof_filename": "proof.pdf"})
        self.assertEqual(payment.proof_mimetype, "application/pdf")
        payment.write({"proof": base64.b64encode(PNG), "proof_filename": "proof.txt"})
        self.assertEqual(payment.proof_mimetype, "image/png")

    def test_refuses_other_content_whatever_the_name(self):
        payment = self.create_payment(10.0)
        with self.assertRaisesRegex(ValidationError, "PDF, PNG, JPEG or WebP"):
            payment.write(
                {"proof": base64.b64encode(b"hello"), "proof_filename": "a.pdf"}
            )
        # Markup dressed as a PDF: the web client's upload gets the same
        # refusal as the APIs (one proof rule).
        for markup in (
            b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n",
            b"%PDF-1.4\n1 0 obj<<>>endobj\n",
        ):
            with (
                self.subTest(markup=markup),
                self.assertRaisesRegex(ValidationError, "PDF, PNG, JPEG or WebP"),
            ):
                payment.write(
                    {"proof": base64.b64encode(markup), "proof_filename": "a.pdf"}
                )

    def test_refuses_files_over_the_size_limit(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "billing_payments.proof_max_size", "100"
        )
        payment = self.create_payment(10.0)
        with self.assertRaisesRegex(ValidationError, "at most 100 bytes"):
            payment.write({"proof": base64.b64encode(PDF + b" " * 200)})

    def test_profile_must_belong_to_payment_customer(self):
        payment = self.create_payment(10.0)
        with self.assertRaises(ValidationError):
            payment.partner_id = self.other_customer


@tagged("post_install", "-at_install")
class TestPaymentProfile(BillingCommon):
    def _profile(self, **vals):
        return self.env["billing.payment.profile"].create(
            {"name": "Profile", "partner_id": self.customer.id, **vals}
        )

    def test_defaults(self):
        profile = self._profile(is_active=False)
        self.assertEqual(profile.company_id, self.company)
        self.assertEqual(profile.journal_id.type, "bank")
        self.assertEqual(profile.payment_type, "invoices")
        self.assertFalse(profile.attributes)

    def test_creating_an_active_profile_deactivates_the_others(self):
        self.assertTrue(self.profile.is_active)
        newer = self._profile(payment_type="fixed_price")
        self.assertTrue(newer.is_active)
        self.assertFalse(self.profile.is_active)
        # The other company's profile of the same customer keeps its slot.
        self.assertTrue(self.other_profile.is_active)

    def test_activating_deactivates_the_others(self):
        second = self._profile(is_active=False)
        self.assertTrue(self.profile.is_active)
        second.action_activate()
        self.assertTrue(second.is_active)
        self.assertFalse(self.profile.is_active)
        self.assertEqual(
            self.env["billing.payment.profile"]._billing_active_profile(self.customer),
            second,
        )

    def test_batch_create_keeps_one_active(self):
        first, last = self.env["billing.payment.profile"].create(
            [
                {"name": "A", "partner_id": self.other_customer.id},
                {"name": "B", "partner_id": self.other_customer.id},
            ]
        )
        self.assertFalse(first.is_active)
        self.assertTrue(last.is_active)

    def test_moving_an_active_profile_takes_the_new_customers_slot(self):
        theirs = self._profile(partner_id=self.other_customer.id)
        parked = self._profile(is_active=False)
        parked.partner_id = self.other_customer
        self.assertTrue(theirs.is_active, "an inactive profile takes no slot")
        self.profile.partner_id = self.other_customer
        self.assertTrue(self.profile.is_active)
        self.assertFalse(theirs.is_active)

    def test_access_rights(self):
        Profile = self.env["billing.payment.profile"]
        as_auditor = Profile.with_user(self.readonly_user)
        self.assertEqual(as_auditor.search([]), self.profile)
        with self.assertRaises(AccessError):
            as_auditor.create({"name": "No", "partner_id": self.customer.id})
        with self.assertRaises(AccessError):
            self.profile.with_user(self.readonly_user).name = "No"
        as_clerk = Profile.with_user(self.billing_user)
        self.assertEqual(as_clerk._billing_search_uuid(self.profile.uuid), self.profile)
        # Multi-company rule: the other company's profile is invisible.
        self.assertFalse(as_clerk._billing_search_uuid(self.other_profile.uuid))
        # No read access at all: lookups find nothing instead of failing.
        as_nobody = Profile.with_user(self.plain_user)
        self.assertFalse(as_nobody._billing_search_uuid(self.profile.uuid))

    def test_two_active_profiles_refused(self):
        second = self._profile(is_active=False)
        with self.assertRaises(ValidationError):
            (second | self.profile).write({"is_active": True})

    def test_database_refuses_two_active_profiles(self):
        second = self._profile(is_active=False)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env.cr.execute(
                "UPDATE billing_payment_profile SET is_active = TRUE WHERE id = %s",
                [second.id],
            )

    def test_journal_must_be_bank_or_cash(self):
        with self.assertRaises(ValidationError):
            self._profile(journal_id=self.company_data["default_journal_sale"].id)
        cash = self._profile(journal_id=self.cash_journal.id)
        self.assertEqual(cash.journal_id, self.cash_journal)

    def test_profile_with_payments_cannot_be_deleted(self):
        self.create_payment(5.0)
        with self.assertRaises(BillingConflictError):
            self.profile.unlink()
        unused = self._profile(is_active=False)
        unused.unlink()
        self.assertFalse(unused.exists())


@tagged("post_install", "-at_install")
class TestPaymentChannel(BillingCommon):
    def test_channel_defaults_from_the_journal(self):
        cash = self.create_payment(10.0, journal_id=self.cash_journal.id)
        bank = self.create_payment(10.0)
        self.assertEqual((cash.payment_channel, bank.payment_channel), ("cash", "bank"))
        card = self.create_payment(10.0, payment_channel="card")
        self.assertEqual(card.payment_channel, "card")  # an explicit value stays

    def test_journal_per_channel(self):
        channels = self.env["billing.payment.channel"]
        journal, method = channels._billing_journal(self.company, "cash")
        self.assertEqual(journal.type, "cash")
        self.assertEqual(method, journal.inbound_payment_method_line_ids[:1])
        for code in ("bank", "paypal", "crypto", "other"):
            self.assertEqual(
                channels._billing_journal(self.company, code)[0].type, "bank"
            )
        channels.create({"code": "paypal", "journal_id": self.cash_journal.id})
        journal, _method = channels._billing_journal(self.company, "paypal")
        self.assertEqual(journal, self.cash_journal)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            channels.create({"code": "paypal", "journal_id": self.bank_journal.id})
            self.env.flush_all()

    def test_cancel_time_is_kept_until_reset_to_draft(self):
        payment = self.create_payment(10.0)
        payment.action_post()
        payment.action_cancel()
        self.assertTrue(payment.billing_deleted_at)
        payment.action_draft()
        self.assertFalse(payment.billing_deleted_at)

    def test_billing_user_reads_but_cannot_configure_channels(self):
        channels = self.env["billing.payment.channel"].with_user(self.billing_user)
        self.assertTrue(channels._billing_journal(self.company, "card")[0])
        with self.assertRaises(AccessError):
            channels.create({"code": "card", "journal_id": self.bank_journal.id})


@tagged("post_install", "-at_install")
class TestPaymentLinkedToACustomerInvoice(BillingCommon):
    """``billing_has_customer_invoice``: what the Space Invoices payment
    lists select, kept on the payment by every way of linking."""

    def test_it_follows_every_link_and_unlink(self):
        invoice = self.create_invoice()
        payment = self.env["account.payment"]._billing_create_payment(
            self.profile, fields.Date.today(), 10.0
        )
        self.assertFalse(payment.billing_has_customer_invoice)
        payment._billing_link_invoice(invoice)
        self.assertTrue(payment.billing_has_customer_invoice)
        payment._billing_unlink_invoice()
        self.env.flush_all()
        self.assertFalse(payment.billing_has_customer_invoice)
        registered = self.register_payment(self.create_invoice())
        self.assertTrue(registered.billing_has_customer_invoice)
        # Cancelled (soft deleted), it keeps its link and stays listed as
        # a deleted payment of its invoice.
        registered._billing_cancel()
        self.assertTrue(registered.billing_has_customer_invoice)

    def test_only_customer_invoices_count(self):
        refund = self.create_invoice(move_type="out_refund", post=False)
        payment = self.create_payment(10.0)
        payment.invoice_ids = refund
        self.assertFalse(payment.billing_has_customer_invoice)
        refund.action_switch_move_type()
        self.assertEqual(refund.move_type, "out_invoice")
        self.assertTrue(payment.billing_has_customer_invoice)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT billing_has_customer_invoice FROM account_payment WHERE id = %s",
            [payment.id],
        )
        self.assertEqual(self.env.cr.fetchone(), (True,))
