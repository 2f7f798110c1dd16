# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The synchronous row limit of the XLSX exports (queue_job not installed).

At or below ``billing_payments.xlsx_sync_row_limit`` the buttons download as
before; above it, without queue_job, a UserError and nothing written. The
row count is one query. The download URLs the buttons open apply the same
limit (a link opened directly is refused too). The queued job's own work
(attachment + notice to the requesting user) is plain Odoo code, run here
directly; tests/test_queue_job_export.py runs it through a real queue_job.
"""

import io

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.billing_xlsx_export import DEFAULT_SYNC_ROW_LIMIT, SYNC_ROW_LIMIT_PARAM
from .common import WaldurInvoiceLinesCommon


@tagged("post_install", "-at_install")
class TestXlsxExportLimits(WaldurInvoiceLinesCommon):
    def set_limit(self, value):
        self.env["ir.config_parameter"].sudo().set_param(SYNC_ROW_LIMIT_PARAM, value)

    def attachments_count(self):
        return self.env["ir.attachment"].sudo().search_count([])

    def test_limit_parameter_read_and_default(self):
        export = self.env["billing.xlsx.export"]
        self.assertEqual(export._billing_sync_row_limit(), DEFAULT_SYNC_ROW_LIMIT)
        self.set_limit("7")
        self.assertEqual(export._billing_sync_row_limit(), 7)
        self.set_limit("not a number")
        self.assertEqual(export._billing_sync_row_limit(), DEFAULT_SYNC_ROW_LIMIT)
        self.assertFalse(export._billing_queue_available())

    def test_row_count_is_one_query(self):
        invoice = self.invoice.with_user(self.billing_user)
        invoice._billing_stats_rows_count()  # warm the access rules' caches
        invoice.env.invalidate_all()
        with self.assertQueryCount(1):
            rows = invoice._billing_stats_rows_count()
        self.assertEqual(rows, 3)  # three offerings on the invoice

    def test_at_or_below_the_limit_downloads(self):
        invoice = self.invoice.with_user(self.billing_user)
        for limit in ("3", "100"):
            self.set_limit(limit)
            action = invoice.action_billing_export_stats()
            self.assertEqual(action["type"], "ir.actions.act_url")
            self.assertEqual(action["target"], "download")
            action = invoice.action_billing_export_selection_stats()
            self.assertEqual(action["type"], "ir.actions.act_url")

    def test_above_the_limit_without_queue_job_refused_nothing_written(self):
        self.set_limit("2")
        invoice = self.invoice.with_user(self.billing_user)
        before = self.attachments_count()
        with self.assertRaisesRegex(UserError, "more than the 2 rows"):
            invoice.action_billing_export_stats()
        with self.assertRaisesRegex(UserError, "queue_job"):
            invoice.action_billing_export_selection_stats()
        self.assertEqual(self.attachments_count(), before)

    def test_job_writes_a_private_attachment_and_notifies_the_user(self):
        export = self.env["billing.xlsx.export"].with_user(self.billing_user)
        invoice = self.invoice.with_user(self.billing_user)
        attachment = export._billing_export_job(invoice, "_billing_stats_xlsx")
        self.assertEqual(attachment.create_uid, self.billing_user)
        self.assertFalse(attachment.res_id)  # only its creator (and admins) read it
        workbook = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        self.assertIn("Offering", [cell.value for cell in workbook.active[12]])
        # (a user notification is visible to its recipients only)
        message = (
            self.env["mail.message"]
            .sudo()
            .search(
                [("model", "=", "account.move"), ("res_id", "=", invoice.id)],
                order="id desc",
                limit=1,
            )
        )
        self.assertEqual(message.attachment_ids, attachment)
        self.assertEqual(message.partner_ids, self.billing_user.partner_id)
        self.assertEqual(message.message_type, "user_notification")
        self.assertEqual(message.author_id, self.env.ref("base.partner_root"))
        # Notified (Inbox or e-mail, as the user chose), though the current user.
        self.assertEqual(
            message.notification_ids.res_partner_id, self.billing_user.partner_id
        )
        self.assertEqual((message.model, message.res_id), ("account.move", invoice.id))
        with self.assertRaises(UserError):
            export._billing_export_job(invoice, "unlink")

    def test_download_urls_apply_the_limit_nothing_written(self):
        """Opened directly (a bookmark, a shared link, a selection that grew
        since the button was clicked), a URL past the limit is refused as
        Odoo refuses a UserError in an http route: 400 with the reason."""
        urls = (
            f"/billing_payments/invoices/{self.invoice.id}/stats.xlsx",
            f"/billing_payments/invoices/stats.xlsx?ids={self.invoice.id}",
        )
        self.authenticate(self.billing_user.login, self.billing_user.login)
        self.set_limit("2")
        before = self.attachments_count()
        for url in urls:
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 400)
                self.assertIn("3 rows, more than the 2 rows", response.text)
                self.assertIn(SYNC_ROW_LIMIT_PARAM, response.text)
                self.assertNotIn("spreadsheetml", response.headers["Content-Type"])
        self.assertEqual(self.attachments_count(), before)
        self.set_limit("3")  # the invoice's three offering rows: at the limit
        for url in urls:
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                workbook = openpyxl.load_workbook(io.BytesIO(response.content))
                cells = {
                    value
                    for row in workbook.active.iter_rows(values_only=True)
                    for value in row
                }
                self.assertIn("Backup", cells)  # an offering row

    def test_download_refuses_an_unknown_export(self):
        export = self.env["billing.xlsx.export"].with_user(self.billing_user)
        with self.assertRaisesRegex(UserError, "Unknown export"):
            export._billing_export_download(self.invoice, "unlink")

    def test_job_notifies_a_user_without_an_email_address(self):
        """The notice comes from OdooBot: a requesting user without an
        e-mail address (mail refuses an author without one) still gets it."""
        self.billing_user.partner_id.email = False
        self.billing_user.notification_type = "inbox"
        selection = (self.invoice | self.invoice.copy()).with_user(self.billing_user)
        selection[1:].action_post()
        export = self.env["billing.xlsx.export"].with_user(self.billing_user)
        attachment = export._billing_export_job(
            selection, "_billing_selection_stats_xlsx"
        )
        message = (
            self.env["mail.message"]
            .sudo()
            .search([("attachment_ids", "in", attachment.ids)])
        )
        self.assertEqual(message.partner_ids, self.billing_user.partner_id)
        self.assertFalse(message.model)  # several invoices: no record of its own
        self.assertEqual(
            [(n.res_partner_id, n.notification_type) for n in message.notification_ids],
            [(self.billing_user.partner_id, "inbox")],
        )
        workbook = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        cells = [
            value
            for row in workbook.active.iter_rows(values_only=True)
            for value in row
        ]
        self.assertEqual(cells.count("Backup"), 2)  # one row per invoice
