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
# The export methods a queued job may run (job arguments come from the
# database), each with the method of the same records that refuses bad input
# (UserError) before a job is queued, or None.
QUEUEABLE_EXPORTS = {
    "_billing_stats_xlsx": None,
    "_billing_selection_stats_xlsx": "_billing_selection_stats_header",
}


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
        return self._billing_export_queue_past_limit(records, method, rows) or (
            download_action
        )

    @api.model
    def _billing_export_download(self, records, method):
        """The download URLs' answer for ``records.<method>()``: ``{"file":
        (file name, XLSX bytes)}`` at or below the row limit; above it, as
        for the buttons, ``{"queued": notification params}`` once queued,
        or a UserError before anything is written."""
        self._billing_check_queueable(method)
        queued = self._billing_export_queue_past_limit(
            records, method, records._billing_stats_rows_count()
        )
        if queued:
            return {"queued": queued["params"]}
        return {"file": getattr(records, method)()}

    @api.model
    def _billing_export_queue_past_limit(self, records, method, rows):
        """None when an export of ``rows`` table rows is written during the
        request (at or below the limit). Above it: with queue_job, queue
        the export as the current user and return the notification action
        that says so; without, a UserError before anything is written."""
        limit = self._billing_sync_row_limit()
        if rows <= limit:
            return None
        self._billing_check_queueable(method)
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
        # What the export would refuse is refused now, not in the job.
        check = QUEUEABLE_EXPORTS[method]
        if check:
            getattr(records, check)()
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
    def _billing_check_queueable(self, method):
        """Refuse a method that is not an export (job arguments are data)."""
        if method not in QUEUEABLE_EXPORTS:
            raise UserError(self.env._("Unknown export %(method)s.", method=method))

    @api.model
    def _billing_export_job(self, records, method):
        """The queued export, run as the requesting user: write the workbook
        as an attachment only that user (and administrators) may read, and
        notify the user with it (on the invoice for one invoice)."""
        self._billing_check_queueable(method)
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
        # From OdooBot, as Odoo's own system notices are: the requesting user
        # as author would need an e-mail address (mail refuses a message
        # without a sender's), which a user may well not have. notify_author:
        # mail never notifies the current user (the recipient, here) else.
        thread.message_notify(
            author_id=self.env.ref("base.partner_root").id,
            partner_ids=[self.env.user.partner_id.id],
            notify_author=True,
            subject=self.env._("Your export is ready: %(name)s", name=filename),
            body=self.env._(
                "The export you asked for is ready: %(name)s.", name=filename
            ),
            attachment_ids=[attachment.id],
        )
        return attachment
