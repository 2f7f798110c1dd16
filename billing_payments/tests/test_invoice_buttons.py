# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoice form's buttons (stats export, send notification)."""

from odoo.tests import tagged

from .common import WaldurInvoiceCommon, read_xlsx_sheet


@tagged("post_install", "-at_install")
class TestInvoiceWebClientActions(WaldurInvoiceCommon):
    """The invoice form's buttons use the same model methods as the API."""

    def test_export_stats_button_downloads_the_xlsx(self):
        invoice = self.usage_invoice()
        action = invoice.with_user(self.billing_user).action_billing_export_stats()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.authenticate("billing_clerk", "billing_clerk")
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        sheet = read_xlsx_sheet(response.content)
        self.assertEqual(
            [row[0] for row in sheet["rows"][1:-1]],
            ["Virtual machine", "Object storage"],
        )
        bill = self.init_invoice("in_invoice", amounts=[10.0], post=True)
        missing = self.url_open(f"/billing_payments/invoices/{bill.id}/stats.xlsx")
        self.assertEqual(missing.status_code, 404)

    def test_send_notification_button_queues_the_email(self):
        invoice = self.create_invoice()
        # The button asks first (a wizard naming the recipients; see
        # test_invoice_form_actions.py), then queues as the API does.
        confirm = invoice.with_user(
            self.billing_user
        ).action_billing_send_notification()
        self.assertEqual(confirm["res_model"], "billing.send.notification.wizard")
        wizard = (
            self.env[confirm["res_model"]]
            .with_user(self.billing_user)
            .with_context(**confirm["context"])
            .create({})
        )
        action = wizard.action_send()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(invoice.sending_data["billing_sending_methods"], ["email"])
