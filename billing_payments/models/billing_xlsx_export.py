# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Large XLSX exports: written now, or queued through OCA queue_job.

queue_job is an optional companion, never a dependency: it is detected at run
time (``"queue.job" in self.env``) and never imported.
"""

from odoo import api, models
from odoo.exceptions import UserError

SYNC_ROW_LIMIT_PARAM = "billing_payments.xlsx_sync_row_limit"
DEFAULT_SYNC_ROW_LIMIT = 20000
# The export methods a queued job may run (job arguments come from the database).
QUEUEABLE_EXPORTS = ("_billing_stats_xlsx", "_billing_selection_stats_xlsx")


class BillingXlsxExport(models.AbstractModel):
    _name = "billing.xlsx.export"
    _description = "Billing XLSX Export (synchronous or queued)"

    @api.model
    def _billing_sync_row_limit(self):
        """Largest export (in table rows) written during the request."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(SYNC_ROW_LIMIT_PARAM, DEFAULT_SYNC_ROW_LIMIT)
        )
        try:
            return max(int(value), 0)
        except (TypeError, ValueError):
            return DEFAULT_SYNC_ROW_LIMIT

    @api.model
    def _billing_queue_available(self):
        """True when OCA queue_job is installed in this database."""
        return "queue.job" in self.env

    @api.model
    def _billing_export_action(self, records, method, rows, download_action):
        """The button's answer: ``download_action`` at or below the row
        limit; above it a queued job and a notification (queue_job
        installed), else a UserError before anything is written."""
        limit = self._billing_sync_row_limit()
        if rows <= limit:
            return download_action
        if not self._billing_queue_available():
            raise UserError(
                self.env._(
                    "This export has %(rows)s rows, more than the %(limit)s rows "
                    "exported at once. Select fewer invoices, or ask your "
                    "administrator to install the Job Queue module (queue_job) "
                    "to prepare large exports in the background, or to raise the "
                    "system parameter %(param)s.",
                    rows=rows,
                    limit=limit,
                    param=SYNC_ROW_LIMIT_PARAM,
                )
            )
        self.with_delay(
            description=self.env._(
                "Invoice statistics export (%(rows)s rows)", rows=rows
            )
        )._billing_export_job(records, method)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Export in preparation"),
                "message": self.env._(
                    "The export (%(rows)s rows) is being prepared; you will find "
                    "the file in your Inbox (Discuss) when it is ready.",
                    rows=rows,
                ),
                "type": "info",
                "sticky": False,
            },
        }

    @api.model
    def _billing_export_job(self, records, method):
        """The queued export, run as the requesting user: write the workbook
        as an attachment only that user (and administrators) may read, and
        notify the user with it (on the invoice for one invoice)."""
        if method not in QUEUEABLE_EXPORTS:
            raise UserError(self.env._("Unknown export %(method)s.", method=method))
        filename, content = getattr(records, method)()
        attachment = self.env["ir.attachment"].create(
            {
                "name": filename,
                "raw": content,
                "mimetype": "application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet",
            }
        )
        thread = records if len(records) == 1 else self.env["mail.thread"]
        thread.message_notify(
            partner_ids=[self.env.user.partner_id.id],
            subject=self.env._("Your export is ready: %(name)s", name=filename),
            body=self.env._(
                "The export you asked for is ready: %(name)s.", name=filename
            ),
            attachment_ids=[attachment.id],
        )
        return attachment
