# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoice form's Send Invoice Notification wizard and Payments smart
button, and the invoice list's *Export statistics (XLSX)* of a selection.

The wizard is driven with Odoo's ``Form`` and queues through the same model
method as the API; the selection's workbook is read back with openpyxl and
its figures are those of the API's ``/api/invoices/{uuid}/stats/`` for each
selected invoice.
"""

import datetime
import io
from unittest.mock import patch

import openpyxl
from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import WaldurInvoiceCommon, WaldurInvoiceLinesCommon, read_xlsx_company

MODEL_MODULE = "odoo.addons.billing_payments.models.account_move"
WIZARD = "billing.send.notification.wizard"
WIZARD_VIEW = "billing_payments.billing_send_notification_wizard_view_form"
# 1-based rows of the selection's sheet: title, 8 header lines, a blank row.
HEADER_ROW = 11
FIRST_DATA = HEADER_ROW + 1
SELECTION_HEADERS = [
    "Invoice",
    "Invoice number (Waldur)",
    "Customer",
    "Billing period",
    "Offering",
    "Category",
    "Service provider",
    "Quantity",
    "Price",
    "Tax",
    "Total",
    "Offering UUID",
    "Service provider UUID",
    "Invoice UUID",
]


@tagged("post_install", "-at_install")
class TestSendNotificationWizard(WaldurInvoiceCommon):
    def setUp(self):
        super().setUp()
        self.env = self.env(user=self.billing_user)
        self.invoice = self.create_invoice().with_env(self.env)

    def open_wizard(self, invoice=None):
        action = (invoice or self.invoice).action_billing_send_notification()
        self.assertEqual(action["res_model"], WIZARD)
        self.assertEqual(action["target"], "new")
        return Form(
            self.env[action["res_model"]].with_context(**action["context"]),
            view=WIZARD_VIEW,
        )

    def test_wizard_names_the_recipients_and_queues_the_email(self):
        form = self.open_wizard()
        self.assertEqual(form.move_id, self.invoice)
        self.assertEqual(form.partner_id, self.customer)
        self.assertEqual(list(form.recipient_ids), [self.customer])
        self.assertFalse(form.is_move_sent)
        self.assertFalse(form.is_queued)
        wizard = form.save()
        # The recipients are shown with their e-mail addresses.
        arch = etree.fromstring(
            self.env[WIZARD].get_view(self.env.ref(WIZARD_VIEW).id)["arch"]
        )
        columns = arch.xpath("//field[@name='recipient_ids']/list/field/@name")
        self.assertIn("email", columns)
        self.assertEqual(wizard.recipient_ids.email, "billing@acme.test")

        action = wizard.action_send()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("queued", action["params"]["message"])
        # Queued as the API queues it: for Odoo's sending cron.
        self.assertEqual(
            self.invoice.sending_data["billing_sending_methods"], ["email"]
        )
        note = self.invoice.message_ids[0]
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertIn("queued for sending to", note.body)
        self.assertIn("billing@acme.test", note.body)
        # Queued again: the wizard says so.
        self.assertTrue(self.open_wizard().is_queued)

        # The cron e-mails exactly the recipients the wizard showed.
        mails_before = self.env["mail.mail"].sudo().search([])
        self.env["account.move"].sudo().with_context(
            mail_notify_force_send=False
        )._cron_account_move_send()
        mail = self.env["mail.mail"].sudo().search([]) - mails_before
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, wizard.recipient_ids)
        self.assertTrue(self.invoice.is_move_sent)

    def test_already_sent_invoice_shows_a_warning(self):
        self.invoice.is_move_sent = True
        form = self.open_wizard()
        self.assertTrue(form.is_move_sent)
        arch = etree.fromstring(
            self.env[WIZARD].get_view(self.env.ref(WIZARD_VIEW).id)["arch"]
        )
        (warning,) = arch.xpath("//div[@name='already_sent']")
        self.assertEqual(warning.get("invisible"), "not is_move_sent")
        self.assertIn("already sent", "".join(warning.itertext()))
        self.assertIn("alert-warning", warning.get("class"))
        form.save().action_send()
        self.assertTrue(self.invoice.sending_data)

    def test_without_pdf_renderer_the_posted_email_goes_to_the_recipients(self):
        wizard = self.open_wizard().save()
        with patch.object(
            type(self.invoice), "_billing_invoice_pdf_available", return_value=False
        ):
            wizard.action_send()
        self.assertFalse(self.invoice.sending_data)
        message = self.invoice.message_ids[0]
        self.assertEqual(message.message_type, "comment")
        self.assertEqual(message.partner_ids, wizard.recipient_ids)
        self.assertIn(self.invoice.name, message.subject)

    def test_refusals_when_the_wizard_opens(self):
        draft = self.create_invoice(post=False).with_env(self.env)
        paid = self.create_invoice()
        self.register_payment(paid)
        for invoice in (draft, paid.with_env(self.env)):
            with self.assertRaisesRegex(
                UserError, "Notification only for the created invoice can be sent."
            ):
                invoice.action_billing_send_notification()
        self.other_customer.email = False
        no_email = self.create_invoice(partner=self.other_customer).with_env(self.env)
        with self.assertRaisesRegex(UserError, "has no e-mail address"):
            no_email.action_billing_send_notification()
        # The confirmation refuses too (same method as the API), writing nothing.
        wizard = self.env[WIZARD].create({"move_id": no_email.id})
        self.assertFalse(wizard.recipient_ids)
        with self.assertRaisesRegex(UserError, "has no e-mail address"):
            wizard.action_send()
        for invoice in (draft, paid, no_email):
            self.assertFalse(invoice.sending_data)

    def test_read_only_accountant_cannot_send(self):
        auditor = self.invoice.with_user(self.readonly_user)
        arch = etree.fromstring(auditor.get_view(view_type="form")["arch"])
        self.assertFalse(
            arch.xpath("//button[@name='action_billing_send_notification']")
        )
        with self.assertRaises(AccessError):
            auditor.action_billing_send_notification()
        with self.assertRaises(AccessError):
            self.env[WIZARD].with_user(self.readonly_user).create(
                {"move_id": self.invoice.id}
            )
        self.assertFalse(self.invoice.sending_data)
        # An invoicing user sees the button, on posted customer invoices only.
        arch = etree.fromstring(self.invoice.get_view(view_type="form")["arch"])
        (button,) = arch.xpath("//button[@name='action_billing_send_notification']")
        self.assertFalse(button.get("confirm"))
        self.assertIn("state != 'posted'", button.get("invisible"))
        self.assertIn("billing_state != 'created'", button.get("invisible"))


@tagged("post_install", "-at_install")
class TestPaymentsSmartButton(WaldurInvoiceCommon):
    def setUp(self):
        super().setUp()
        self.env = self.env(user=self.billing_user)
        self.invoice = self.create_invoice(lines=[(self.offering, 1, 100.0)])
        self.invoice = self.invoice.with_env(self.env)
        self.list_view = self.env.ref(
            "billing_payments.account_payment_view_list_invoice_payments"
        )

    def test_button_counts_and_lists_the_invoices_payments(self):
        action = self.invoice.open_payments()
        self.assertEqual(self.invoice.payment_count, 0)
        self.assertEqual(action["views"][0], (self.list_view.id, "list"))
        self.assertEqual(action["domain"], [("invoice_ids", "in", self.invoice.ids)])
        self.assertFalse(self.env["account.payment"].search(action["domain"]))
        self.assertFalse(action["context"]["create"])

        first = self.invoice._billing_pay(amount=30.0)
        action = self.invoice.open_payments()
        self.assertEqual(self.invoice.payment_count, 1)
        self.assertEqual(action["res_id"], first.id)  # one payment: its form
        self.assertEqual(action["views"], [(False, "form")])

        second = self.invoice._billing_pay(amount=20.0)
        self.register_payment(  # another invoice's payment is not listed
            self.create_invoice(lines=[(self.offering, 1, 10.0)])
        )
        self.invoice.invalidate_recordset(["matched_payment_ids", "payment_count"])
        self.assertEqual(self.invoice.payment_count, 2)
        action = self.invoice.open_payments()
        self.assertEqual(action["views"][0], (self.list_view.id, "list"))
        self.assertEqual(
            self.env["account.payment"].search(action["domain"]), first | second
        )

    def test_payments_list_shows_proof_profile_and_state(self):
        arch = etree.fromstring(
            self.env["account.payment"].get_view(self.list_view.id, "list")["arch"]
        )
        columns = {field.get("name"): field for field in arch.iter("field")}
        for name in ("proof", "payment_profile_id", "state", "amount", "date"):
            self.assertIn(name, columns)
        self.assertEqual(columns["proof"].get("filename"), "proof_filename")
        self.assertEqual(arch.get("create"), "0")
        # Odoo's own button, shown on every posted customer invoice.
        form = etree.fromstring(self.invoice.get_view(view_type="form")["arch"])
        (button,) = form.xpath("//button[@name='open_payments']")
        self.assertEqual(
            button.get("invisible"),
            "not matched_payment_ids and (move_type != 'out_invoice' "
            "or state != 'posted')",
        )
        bill = self.init_invoice("in_invoice", amounts=[10.0], post=True)
        self.assertNotEqual(
            bill.open_payments()["views"][0][0], self.list_view.id
        )  # other moves keep Odoo's list

    def test_count_costs_the_same_for_2_and_6_invoices(self):
        invoices = self.env["account.move"]
        for _i in range(6):
            invoice = self.create_invoice(lines=[(self.offering, 1, 10.0)])
            self.register_payment(invoice, amount=4.0)
            invoices |= invoice

        def queries(moves):
            moves.env.invalidate_all()
            before = self.cr.sql_log_count
            counts = moves.mapped("payment_count")
            self.assertEqual(counts, [1] * len(moves))
            return self.cr.sql_log_count - before

        queries(invoices)  # warm the caches
        self.assertEqual(queries(invoices[:2]), queries(invoices))


@tagged("post_install", "-at_install")
class TestSelectionStatsXlsx(WaldurInvoiceLinesCommon):
    """Three invoices of two customers: February (backup), March (the
    invoice of every kind of line) and April (usage)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing_user.tz = "Europe/Brussels"
        cls.april = cls.usage_invoice(invoice_date=datetime.date(2026, 4, 30))
        cls.february = cls.create_invoice(
            partner=cls.other_customer,
            lines=[(cls.backup, 2, 5.0), (cls.storage, 1, 3.0)],
            invoice_date=datetime.date(2026, 2, 10),
        )
        cls.selection = cls.april | cls.invoice | cls.february
        cls.in_order = cls.february | cls.invoice | cls.april

    def workbook(self, content, data_only=False):
        return openpyxl.load_workbook(io.BytesIO(content), data_only=data_only)

    def download(self, invoices=None, user=None):
        invoices = (invoices or self.selection).with_user(user or self.billing_user)
        action = invoices.action_billing_export_selection_stats()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(action["target"], "download")
        login = (user or self.billing_user).login
        self.authenticate(login, login)
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        return response

    def api_stats(self, invoice):
        return self.assert_json(self.api("GET", self.detail(invoice, "stats/")), 200)

    def test_header_block_and_file(self):
        response = self.download()
        today = fields.Date.context_today(self.env["account.move"])
        self.assertIn(
            f"invoice-statistics-{today.isoformat()}.xlsx",
            response.headers["Content-Disposition"],
        )
        workbook = self.workbook(response.content)
        self.assertEqual(workbook.sheetnames, ["Statistics"])
        sheet = workbook.active
        self.assertEqual(sheet["A1"].value, "Invoice statistics: 3 invoices")
        self.assertTrue(sheet["A1"].font.b)
        block = {
            sheet.cell(row, 1).value: sheet.cell(row, 2)
            for row in range(2, HEADER_ROW - 1)
        }
        self.assertEqual(
            {label: cell.value for label, cell in block.items()},
            {
                "Company": self.company.name,
                "Invoices": "3",
                "Customers": "2",
                "Billing period": "February 2026 – April 2026",
                "First invoice date": datetime.datetime(2026, 2, 10),
                "Last invoice date": datetime.datetime(2026, 4, 30),
                "Currency": self.invoice.currency_id.name,
                "Generated on (Europe/Brussels)": block[
                    "Generated on (Europe/Brussels)"
                ].value,
            },
        )
        for label in ("First invoice date", "Last invoice date"):
            self.assertTrue(block[label].is_date)
            self.assertEqual(block[label].number_format, "yyyy-mm-dd")
        self.assertTrue(block["Generated on (Europe/Brussels)"].is_date)
        self.assertIsNone(sheet.cell(HEADER_ROW - 1, 1).value)  # the gap

        # One invoice: named as its own export is.
        one = self.workbook(self.download(self.april).content).active
        self.assertEqual(one["A1"].value, f"Invoice statistics: {self.april.name}")
        self.assertEqual(one["B4"].value, self.april.commercial_partner_id.name)

    def test_rows_equal_the_api_stats_of_each_invoice(self):
        content = self.download().content
        sheet = self.workbook(content).active
        currency = self.invoice.currency_id.name
        self.assertEqual(
            [cell.value for cell in sheet[HEADER_ROW]],
            [
                f"{name} ({currency})" if name in ("Price", "Tax", "Total") else name
                for name in SELECTION_HEADERS
            ],
        )
        self.assertTrue(all(cell.font.b for cell in sheet[HEADER_ROW]))
        expected = []
        for invoice in self.in_order:
            detail = self.assert_json(self.api("GET", self.detail(invoice)), 200)
            for stat in self.api_stats(invoice):
                quantity = sum(
                    line.quantity
                    for line in invoice.invoice_line_ids
                    if line.product_id.uuid == stat["uuid"]
                    and line.display_type == "product"
                )
                expected.append(
                    [
                        invoice.name,
                        detail["number"],
                        invoice.commercial_partner_id.display_name,
                        datetime.datetime.combine(
                            invoice.billing_period_start, datetime.time()
                        ),
                        stat["offering_name"],
                        stat["service_category_title"],
                        stat["service_provider_name"],
                        quantity,
                        stat["aggregated_price"],
                        stat["aggregated_tax"],
                        stat["aggregated_total"],
                        stat["uuid"],
                        stat["service_provider_uuid"],
                        detail["uuid"],
                    ]
                )
        self.assertEqual(len(expected), 2 + 3 + 2)
        last = FIRST_DATA + len(expected) - 1
        rows = list(sheet.iter_rows(min_row=FIRST_DATA, max_row=last))
        self.assertEqual([[cell.value for cell in row] for row in rows], expected)

        places = self.invoice.currency_id.decimal_places
        money_format = "#,##0." + "0" * places if places else "#,##0"
        for row in rows:
            self.assertEqual(row[1].data_type, "n")
            self.assertEqual(row[1].number_format, "0")
            self.assertTrue(row[3].is_date)
            self.assertEqual(row[3].number_format, "mmmm yyyy")
            self.assertEqual([cell.data_type for cell in row[7:11]], ["n"] * 4)
            self.assertEqual(row[7].number_format, "#,##0.00")
            self.assertEqual(
                [cell.number_format for cell in row[8:11]], [money_format] * 3
            )
            self.assertEqual([cell.data_type for cell in row[11:]], ["s"] * 3)

        totals = [cell.value for cell in sheet[last + 1]]
        self.assertEqual(totals[0], "Total")
        self.assertEqual(
            totals[8:11], [f"=SUM({col}{FIRST_DATA}:{col}{last})" for col in "IJK"]
        )
        cached = self.workbook(content, data_only=True).active
        self.assertEqual(
            [cell.value for cell in cached[last + 1][8:11]],
            [round(sum(row[i] for row in expected), places) for i in (8, 9, 10)],
        )
        # Every invoice's own total is in: 127.4 (March) + 115.4 + 15.6.
        self.assertAlmostEqual(
            cached.cell(last + 1, 11).value,
            sum(invoice.amount_total for invoice in self.selection),
        )
        self.assertEqual(sheet.freeze_panes, f"A{FIRST_DATA}")
        self.assertEqual(sheet.auto_filter.ref, f"A{HEADER_ROW}:N{last}")

    def test_print_setup_and_properties(self):
        content = self.download().content
        workbook = self.workbook(content)
        sheet = workbook.active
        self.assertEqual(sheet.page_setup.orientation, "landscape")
        self.assertTrue(sheet.sheet_properties.pageSetUpPr.fitToPage)
        self.assertIn(sheet.page_setup.fitToWidth, (None, 1))
        self.assertEqual(sheet.page_setup.fitToHeight, 0)
        self.assertEqual(sheet.print_title_rows, f"${HEADER_ROW}:${HEADER_ROW}")
        self.assertIn("Page &P of &N", sheet.oddFooter.right.text)
        self.assertEqual(sheet.oddFooter.left.text, "Invoice statistics: 3 invoices")
        self.assertEqual(workbook.properties.title, "Invoice statistics: 3 invoices")
        self.assertEqual(workbook.properties.creator, self.billing_user.name)
        self.assertEqual(read_xlsx_company(content), self.company.name)

    def test_list_action_is_bound_to_invoice_lists(self):
        action = self.env.ref(
            "billing_payments.account_move_action_export_selection_stats"
        )
        self.assertEqual(action.binding_model_id.model, "account.move")
        self.assertEqual(action.binding_view_types, "list")
        self.assertEqual(
            set(action.groups_id),
            {
                self.env.ref("account.group_account_invoice"),
                self.env.ref("account.group_account_readonly"),
            },
        )
        result = (
            action.with_user(self.billing_user)
            .with_context(active_model="account.move", active_ids=self.selection.ids)
            .run()
        )
        self.assertEqual(result["type"], "ir.actions.act_url")
        self.assertTrue(
            result["url"].startswith("/billing_payments/invoices/stats.xlsx")
        )
        # A read-only accountant exports too (reading is all it does).
        response = self.download(user=self.readonly_user)
        sheet = self.workbook(response.content).active
        self.assertEqual(sheet.cell(FIRST_DATA, 1).value, self.february.name)
        with self.assertRaises(AccessError):
            action.with_user(self.plain_user).with_context(
                active_model="account.move", active_ids=self.selection.ids
            ).run()

    def test_refusals_before_any_work(self):
        invoices = self.selection.with_user(self.billing_user)
        bill = self.init_invoice("in_invoice", amounts=[10.0], post=True)
        refund = self.invoice._reverse_moves()
        with self.assertRaisesRegex(
            UserError, r"customer invoices only.*2 other records"
        ) as caught:
            (invoices | bill | refund).with_user(
                self.billing_user
            ).action_billing_export_selection_stats()
        self.assertIn(bill.display_name, str(caught.exception))
        with self.assertRaisesRegex(UserError, "Select the invoices to export"):
            invoices.browse().action_billing_export_selection_stats()

        foreign = self.create_invoice(
            lines=[(self.storage, 1, 5.0)],
            currency_id=self.setup_other_currency("EUR").id,
        )
        with self.assertRaisesRegex(UserError, "several currencies"):
            (invoices | foreign).with_user(
                self.billing_user
            ).action_billing_export_selection_stats()

        header_rows = 1 + 8 + 1
        needed = header_rows + 1 + 7 + 1
        with (
            patch(f"{MODEL_MODULE}.SHEET_MAX_ROWS", needed - 1),
            patch(f"{MODEL_MODULE}.write_selection_stats_xlsx") as writer,
            patch.object(
                type(invoices), "_billing_selection_offering_stats", autospec=True
            ) as stats,
        ):
            for call in (
                invoices.action_billing_export_selection_stats,
                invoices._billing_selection_stats_xlsx,
            ):
                with self.assertRaisesRegex(
                    UserError, "7 offering rows: more than a spreadsheet sheet holds"
                ):
                    call()
        writer.assert_not_called()
        stats.assert_not_called()
        with patch(f"{MODEL_MODULE}.SHEET_MAX_ROWS", needed):
            _name, content = invoices._billing_selection_stats_xlsx()
        self.assertEqual(self.workbook(content).active.max_row, needed)

    def test_route_serves_only_readable_customer_invoices(self):
        bill = self.init_invoice("in_invoice", amounts=[10.0], post=True)
        other_company = self.create_invoice(
            lines=[(self.storage, 1, 5.0)],
            company_id=self.other_company.id,
            journal_id=self.other_company_data["default_journal_sale"].id,
        )
        self.authenticate("billing_clerk", "billing_clerk")
        path = "/billing_payments/invoices/stats.xlsx"
        ids = ",".join(str(i) for i in self.selection.ids)
        self.assertEqual(self.url_open(f"{path}?ids={ids}").status_code, 200)
        for query in (
            f"?ids={ids},{bill.id}",
            f"?ids={ids},{other_company.id}",
            f"?ids={ids},999999999",
            "?ids=1;2",
            "?ids=",
            "",
        ):
            with self.subTest(query=query):
                self.assertEqual(self.url_open(path + query).status_code, 404)

    def test_rows_in_batches_and_order(self):
        rows = self.selection._billing_selection_offering_stats()
        self.assertEqual(
            [row["invoice"] for row in rows],
            [self.february] * 2 + [self.invoice] * 3 + [self.april] * 2,
        )
        self.assertEqual(
            [row["product"] for row in rows[2:5]],
            [row["product"] for row in self.invoice._billing_offering_stats()],
        )
        for batch_size in (1, 2, 3, 100):
            self.assertEqual(
                list(self.selection._billing_selection_offering_stats(batch_size)),
                rows,
                batch_size,
            )

    def test_queries_do_not_grow_with_the_invoices(self):
        more = self.env["account.move"]
        for month in range(5, 8):
            more |= self.usage_invoice(invoice_date=datetime.date(2026, month, 28))
        six = (self.selection | more).with_user(self.billing_user)
        two = (self.april | self.february).with_user(self.billing_user)

        def queries(invoices):
            invoices.env.invalidate_all()
            before = self.cr.sql_log_count
            _name, content = invoices._billing_selection_stats_xlsx()
            count = self.cr.sql_log_count - before
            self.assertTrue(content)
            return count

        queries(six)  # warm the caches
        self.assertEqual(queries(two), queries(six))
