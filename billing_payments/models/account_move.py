# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, Query, config, create_index
from odoo.tools.misc import format_date

from .. import invoice_totals, kept_counts
from ..exceptions import BillingConflictError
from ..export.invoice_stats_xlsx import (
    SHEET_MAX_ROWS,
    STATS_BATCH,
    selection_table_rows,
    sheet_rows_needed,
    stats_table_rows,
    write_invoice_stats_xlsx,
    write_selection_stats_xlsx,
)
from ..money import quantize
from ..utils import is_http_url

# Invoices that count as billed: everything but cancelled ones.
BILLED_STATES = invoice_totals.BILLED_STATES
GROWTH_PERIODS = 13  # the same month last year through the current month
BILLING_NUMBER_OFFSET = 100000  # Waldur numbers invoices 100000 + database id

# The Waldur list's page query: its base domain and default order
# (billing_year desc, billing_month desc, id desc), with company_id for the
# multi-company rule and billing_state for the state filter, so that the page
# and the exact count are index(-only) scans.
BILLING_LIST_INDEX = "account_move_billing_list_order_index"
# The same for the customer filter (a customer's invoices, in list order).
BILLING_CUSTOMER_LIST_INDEX = "account_move_billing_customer_list_index"
BILLING_LIST_COLUMNS = [
    "billing_year DESC",
    "billing_month DESC",
    "id DESC",
    "company_id",
    "billing_state",
]
# The growth figures: the billed invoices of the window, covering every column
# the two grouped queries (and the company rule) read: index-only scans.
BILLING_GROWTH_INDEX = "account_move_billing_growth_index"

# Odoo payment states that mean "nothing left to collect".
PAID_PAYMENT_STATES = ("paid", "in_payment", "invoicing_legacy")

BILLING_STATES = [
    ("pending", "Pending"),
    ("created", "Created"),
    ("paid", "Paid"),
    ("canceled", "Canceled"),
]


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "billing.uuid.mixin"]

    # Indexed: the APIs filter and group invoices by customer.
    commercial_partner_id = fields.Many2one(index=True)
    backend_id = fields.Char(
        string="Backend ID",
        size=255,
        copy=False,
        tracking=True,
        help="Identifier of this invoice in an external billing backend.",
    )
    payment_url = fields.Char(
        string="Payment URL",
        size=200,
        copy=False,
        tracking=True,
        help="Where the customer pays this invoice online (http or https).",
    )
    reference_number = fields.Char(
        size=300,
        copy=False,
        tracking=True,
        help="Reference the customer quotes when paying (e.g. a bank reference).",
    )
    billing_state = fields.Selection(
        BILLING_STATES,
        compute="_compute_billing_state",
        store=True,
        index=True,
        readonly=True,
        help="State of the invoice as the billing APIs show it: pending (draft), "
        "created (posted, not fully paid), paid (posted and paid) or canceled.",
    )
    billing_year = fields.Integer(
        compute="_compute_billing_period",
        store=True,
        index=True,
        help="Year of the billing period: from the invoice date, "
        "else from the creation date.",
    )
    billing_month = fields.Integer(
        compute="_compute_billing_period",
        store=True,
        index=True,
        help="Month (1-12) of the billing period.",
    )
    billing_period_start = fields.Date(
        compute="_compute_billing_period",
        store=True,
        index=True,
        help="First day of the billing period (Waldur's invoice 'created' date).",
    )
    billing_period_label = fields.Char(
        string="Billing Period",
        compute="_compute_billing_period_label",
        help="The billing month in the user's language, e.g. October 2026.",
    )

    def init(self):
        """The read-path indexes (issue 13); their WHERE clauses are the
        domains of the Waldur list and of ``_billing_growth``, so that the
        planner can use them. Created once: a changed definition needs a new
        index name."""
        result = super().init()
        cr = self.env.cr
        for name, columns in [
            (BILLING_LIST_INDEX, BILLING_LIST_COLUMNS),
            (
                BILLING_CUSTOMER_LIST_INDEX,
                ["commercial_partner_id", *BILLING_LIST_COLUMNS],
            ),
        ]:
            create_index(
                cr, name, self._table, columns, where="move_type = 'out_invoice'"
            )
        billed = SQL(", ").join(SQL("%s", state) for state in BILLED_STATES)
        create_index(
            cr,
            BILLING_GROWTH_INDEX,
            self._table,
            [
                "billing_period_start",
                "commercial_partner_id",
                "billing_year",
                "billing_month",
                "company_id",
                "amount_total_signed",
                "amount_untaxed_signed",
            ],
            where=cr.mogrify(
                SQL("move_type = 'out_invoice' AND billing_state IN (%s)", billed)
            ).decode(),
        )
        # The list's exact count and growth's totals, kept by triggers.
        kept_counts.INVOICES.install(cr)
        invoice_totals.install(cr)
        return result

    @api.depends("move_type", "state", "payment_state")
    def _compute_billing_state(self):
        for move in self:
            if not move.is_sale_document(include_receipts=True):
                move.billing_state = False  # only what we bill has a billing state
            elif move.state == "draft":
                move.billing_state = "pending"
            elif move.state == "cancel" or move.payment_state == "reversed":
                # A fully reversed invoice is cancelled by its credit note.
                move.billing_state = "canceled"
            elif move.payment_state in PAID_PAYMENT_STATES:
                move.billing_state = "paid"
            else:
                move.billing_state = "created"

    @api.depends("billing_period_start")
    @api.depends_context("lang")
    def _compute_billing_period_label(self):
        for move in self:
            move.billing_period_label = move.billing_period_start and format_date(
                self.env, move.billing_period_start, date_format="LLLL y"
            )

    @api.depends("invoice_date", "create_date")
    def _compute_billing_period(self):
        today = fields.Date.context_today(self)
        for move in self:
            period = (
                move.invoice_date
                or (move.create_date and move.create_date.date())
                or today
            )
            move.billing_year = period.year
            move.billing_month = period.month
            move.billing_period_start = period.replace(day=1)

    @api.constrains("payment_url")
    def _check_payment_url(self):
        for move in self:
            if move.payment_url and not is_http_url(move.payment_url):
                raise ValidationError(
                    self.env._(
                        "The payment URL %(url)s is not valid: "
                        "enter an absolute http:// or https:// address.",
                        url=move.payment_url,
                    )
                )

    # --- reference_number is Odoo's payment communication -----------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("reference_number") and "payment_reference" not in vals:
                vals["payment_reference"] = vals["reference_number"]
        return super().create(vals_list)

    def write(self, vals):
        if "reference_number" not in vals or "payment_reference" in vals:
            return super().write(vals)
        # A set reference number becomes the payment communication (printed on
        # the invoice, quoted in its e-mail, put on the receivable line). A
        # cleared one hands the communication back to Odoo's own reference,
        # unless the accountant had typed another one meanwhile.
        reference = vals["reference_number"]
        if reference:
            return super().write({**vals, "payment_reference": reference})
        followed = self.filtered(
            lambda move: (
                move.reference_number
                and move.payment_reference == move.reference_number
            )
        )
        result = super().write(vals)
        for move in followed:
            computed = (
                move.state == "posted"
                and move.move_type == "out_invoice"
                and move._get_invoice_computed_reference()
            )
            move.payment_reference = computed or False
        return result

    # --- business actions (API, web client and tests call these) ----------

    def _billing_check_created(self):
        if self.billing_state != "created":
            raise BillingConflictError(
                self.env._("Valid states for operation: Created.")
            )

    def _billing_check_payable(self):
        """Payments can be added to posted customer invoices only."""
        for invoice in self:
            if invoice.move_type != "out_invoice" or invoice.state != "posted":
                raise UserError(
                    self.env._(
                        "Payments can only be added to a posted customer "
                        "invoice; %(invoice)s is not one.",
                        invoice=invoice.display_name,
                    )
                )

    def _billing_pay(
        self,
        amount=None,
        payment_date=None,
        journal=None,
        profile=None,
        proof=None,
        memo=None,
        channel=None,
    ):
        """Pay this posted customer invoice; return the payment.

        The one way every door pays an invoice (Waldur's ``paid``, Space
        Invoices' ``POST /v1/documents/:id/payments``, the web client), so a
        refusal is the same everywhere. Defaults: ``amount`` the residual (in
        the invoice currency; more than is due stays open as customer
        credit), ``payment_date`` today, ``profile`` the customer's active
        payment profile, ``journal`` from ``channel`` (bank, cash, card… see
        ``billing.payment.channel``) when one is given, else the profile's,
        else the bank channel's. ``proof`` (file name, bytes) is checked by
        content and size before anything is written; a locked period is
        refused (409). The payment is posted, reconciled with the invoice and
        listed in its ``matched_payment_ids``, and both chatters say so.
        """
        self.ensure_one()
        if proof:
            self.env["account.payment"]._billing_check_proof_content(proof[1])
        self._billing_lock()
        self._billing_check_payable()
        company = self.company_id
        customer = self.commercial_partner_id
        if profile is None:
            profile = self.env["billing.payment.profile"]._billing_active_profile(
                customer, company
            )
        method_line = self.env["account.payment.method.line"]
        if journal is None:
            if channel or not profile:
                journal, method_line = self.env[
                    "billing.payment.channel"
                ]._billing_journal(company, channel or "bank")
            else:
                journal = profile.journal_id
        if amount is None:
            amount = self.amount_residual
        payment = self.env["account.payment"]._billing_receive(
            customer,
            journal,
            payment_date or fields.Date.context_today(self),
            amount,
            payment_method_line_id=(
                method_line or journal.inbound_payment_method_line_ids[:1]
            ).id,
            # Without a channel, the payment's own compute derives it from
            # the journal (cash or bank).
            **({"payment_channel": channel} if channel else {}),
            payment_profile_id=profile.id,
            currency_id=self.currency_id.id,
            memo=memo or False,
        )
        payment._billing_reconcile(self)
        if proof:
            payment._billing_set_proof(proof)
        # The proof's copy in the invoice's chatter stays byte for byte too
        # (see account_payment.AS_UPLOADED).
        self.with_context(image_no_postprocess=True)._billing_log_note(
            self.env._(
                "Payment %(payment)s of %(amount)s registered.",
                payment=payment.display_name,
                amount=payment.currency_id.format(payment.amount),
            ),
            files=[proof] if proof else (),
        )
        return payment

    def _billing_register_payment(self, payment_date=None, proof=None):
        """Waldur's ``paid``: pay the whole residual of a created invoice.

        Waldur needs the customer's active payment profile (its journal
        receives the payment); the rest is ``_billing_pay``.
        """
        self.ensure_one()
        self._billing_lock()
        self._billing_check_created()
        profile = self.env["billing.payment.profile"]._billing_active_profile(
            self.commercial_partner_id, self.company_id
        )
        if not profile:
            raise UserError(
                self.env._("The active profile for this customer does not exist.")
            )
        return self._billing_pay(
            payment_date=payment_date,
            profile=profile,
            proof=proof,
            memo=self.payment_reference or self.name,
        )

    def _billing_set_fields(self, values):
        """Write the billing identifiers (backend id, payment URL, reference
        number) the API sets; ``{}`` changes nothing."""
        if values:
            self.write(values)
        return True

    def _billing_queue_notification(self):
        """Queue the invoice e-mail to the customer; nothing is sent here.

        With a PDF renderer (wkhtmltopdf) the invoice joins Odoo's own
        asynchronous sending queue (the "Send invoices" cron), which attaches
        the PDF. Without one, that queue would fail on the PDF, so the invoice
        e-mail is posted without it and left in the outgoing mail queue.
        """
        self.ensure_one()
        self._billing_check_notifiable()
        if self._billing_invoice_pdf_available():
            self.sending_data = {
                "author_user_id": self.env.user.id,
                "author_partner_id": self.env.user.partner_id.id,
                "billing_sending_methods": ["email"],
            }
            self.env.ref("account.ir_cron_account_move_send")._trigger()
            # The queue posts the e-mail only when it sends it: say meanwhile
            # that it was queued, and to whom. (Without a PDF renderer the
            # posted e-mail itself is the trace.)
            self._billing_log_note(
                self.env._(
                    "Invoice e-mail queued for sending to %(recipients)s.",
                    recipients=", ".join(
                        self._billing_notification_recipients().mapped(
                            "email_formatted"
                        )
                    ),
                )
            )
        else:
            self._billing_post_invoice_mail()
        return True

    def _billing_check_notifiable(self):
        """Refuse (UserError) an invoice whose e-mail cannot be queued: not a
        created invoice, or a customer without e-mail address."""
        self.ensure_one()
        if self.billing_state != "created":
            raise UserError(
                self.env._("Notification only for the created invoice can be sent.")
            )
        if not self.partner_id.email:
            raise UserError(
                self.env._(
                    "The customer %(customer)s has no e-mail address to send "
                    "the invoice to.",
                    customer=self.partner_id.display_name,
                )
            )
        if not self._billing_notification_sender():
            raise UserError(
                self.env._(
                    "Unable to send message, please configure the sender's "
                    "email address."
                )
            )

    def _billing_notification_recipients(self):
        """The partners the invoice e-mail goes to: those Odoo's sending
        (wizard and cron) picks, from the invoice's e-mail template, with an
        e-mail address."""
        self.ensure_one()
        send = self.env["account.move.send"]
        template = send._get_default_mail_template_id(self)
        lang = send._get_default_mail_lang(self, template)
        return send._get_default_mail_partner_ids(self, template, lang)

    def _billing_invoice_pdf_available(self):
        """Whether Odoo can render invoice PDFs (tests render HTML instead)."""
        if config["test_enable"] or config["test_file"]:
            return True
        return self.env["ir.actions.report"].get_wkhtmltopdf_state() != "install"

    def _billing_notification_sender(self):
        """The address the invoice e-mail comes from, as Odoo's invoice
        template picks it: the salesperson's, else the company's, else the
        current user's ("" when none has one). API users (integrations)
        usually have no address of their own and need none."""
        self.ensure_one()
        return (
            self.invoice_user_id.email_formatted
            or self.company_id.email_formatted
            or self.env.user.email_formatted
            or ""
        )

    def _billing_post_invoice_mail(self):
        """Post the invoice e-mail (no PDF) for the mail queue to send."""
        send = self.env["account.move.send"]
        template = send._get_default_mail_template_id(self)
        lang = send._get_default_mail_lang(self, template)
        self.with_context(mail_notify_force_send=False).message_post(
            body=send._get_default_mail_body(self, template, lang),
            subject=send._get_default_mail_subject(self, template, lang),
            partner_ids=send._get_default_mail_partner_ids(self, template, lang).ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            author_id=self.env.user.partner_id.id,
            email_from=self._billing_notification_sender(),
        )
        self.is_move_sent = True

    # --- web client actions ------------------------------------------------------

    def action_billing_send_notification(self):
        """Button: confirm, in a wizard naming the recipients, then queue the
        invoice e-mail (same rules as the API). An invoice that cannot be
        notified is refused here, before the wizard opens."""
        self.ensure_one()
        self.check_access("write")
        self._billing_check_notifiable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Invoice Notification"),
            "res_model": "billing.send.notification.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id},
        }

    def open_payments(self):
        """The Payments smart button: on a customer invoice, its payments in
        a list that shows their proof, payment profile and state (one
        payment: its form). Odoo's own list otherwise."""
        if len(self) != 1 or self.move_type != "out_invoice":
            return super().open_payments()
        payments = self.matched_payment_ids
        action = payments.with_context(create=False)._get_records_action(
            name=self.env._("Payments"),
        )
        if len(payments) != 1:
            list_view = self.env.ref(
                "billing_payments.account_payment_view_list_invoice_payments"
            )
            action.update(
                views=[(list_view.id, "list"), (False, "form")],
                domain=[("invoice_ids", "in", self.ids)],
            )
            action.pop("res_id", None)
        return action

    def action_billing_export_stats(self):
        """Button: download this invoice's spend per offering as XLSX; past
        the synchronous row limit, queued (see ``billing.xlsx.export``)."""
        self.ensure_one()
        return self.env["billing.xlsx.export"]._billing_export_action(
            self,
            "_billing_stats_xlsx",
            self._billing_stats_rows_count(),
            {
                "type": "ir.actions.act_url",
                "url": f"/billing_payments/invoices/{self.id}/stats.xlsx",
                "target": "download",
            },
        )

    def _billing_stats_rows_count(self):
        """Table rows of these invoices' statistics export (one per invoice
        and offering): one grouped count query, nothing built."""
        return sum(
            offerings
            for _invoice, offerings in self.env["account.move.line"]._read_group(
                self._billing_selection_lines_domain(),
                ["move_id"],
                ["product_id:count_distinct"],
            )
        )

    def _billing_stats_xlsx(self):
        """(file name, XLSX bytes) of this invoice's offering stats.

        Refuses (UserError), before reading any line, an invoice with more
        offerings than one sheet holds. The rows are read and written in
        batches, so memory stays flat however large the invoice.
        """
        self.ensure_one()
        count = self.env["account.move.line"]._read_group(
            [
                ("move_id", "=", self.id),
                ("display_type", "=", "product"),
                ("product_id", "!=", False),
            ],
            [],
            ["product_id:count_distinct"],
        )[0][0]
        number = self._billing_number()
        name = self._billing_export_name()
        currency = self.currency_id
        header = [
            (self.env._("Company"), self.company_id.name),
            (self.env._("Invoice"), name),
            (self.env._("Invoice number (Waldur)"), str(number)),
            (self.env._("Customer"), self.commercial_partner_id.display_name),
            (self.env._("Billing period"), self.billing_period_label),
            (self.env._("Invoice date"), self.invoice_date),
            (self.env._("Due date"), self.invoice_date_due),
            (self.env._("Currency"), currency.name),
            self._billing_generated_header(),
        ]
        if sheet_rows_needed(count, header) > SHEET_MAX_ROWS:
            raise UserError(
                self.env._(
                    "Invoice %(name)s has %(count)s offerings: more than a spreadsheet"
                    " sheet holds (%(max)s rows). Read its statistics through the"
                    " API's paginated stats instead.",
                    name=name,
                    count=count,
                    max=SHEET_MAX_ROWS,
                )
            )
        title = self.env._("Invoice statistics: %(name)s", name=name)
        content = write_invoice_stats_xlsx(
            stats_table_rows(self._billing_offering_stats(batch_size=STATS_BATCH)),
            title=title,
            currency_name=currency.name,
            decimal_places=currency.decimal_places,
            **self._billing_stats_sheet_options(
                header, company=self.company_id.name, subject=name
            ),
        )
        filename = name.replace("/", "-").replace("\\", "-")
        return f"{filename}-statistics.xlsx", content

    def action_billing_export_selection_stats(self):
        """Invoice list action: download the selected invoices' statistics
        in one workbook. What the export refuses (see
        ``_billing_selection_stats_header``) is refused here, as a dialog,
        before the download starts."""
        self._billing_selection_stats_header()
        ids = ",".join(str(invoice_id) for invoice_id in self.ids)
        return self.env["billing.xlsx.export"]._billing_export_action(
            self,
            "_billing_selection_stats_xlsx",
            self._billing_stats_rows_count(),
            {
                "type": "ir.actions.act_url",
                "url": f"/billing_payments/invoices/stats.xlsx?ids={ids}",
                "target": "download",
            },
        )

    def _billing_selection_stats_header(self):
        """The header block, currency, title and company names of a
        selection's statistics (a dict of these keys).

        Refuses (UserError), before reading any line: an empty selection,
        records that are not customer invoices (a credit note, a bill or an
        entry is named, not skipped), invoices in several currencies (their
        totals would not add up) and more rows than one sheet holds. A few
        queries, whatever the number of invoices.
        """
        if not self:
            raise UserError(self.env._("Select the invoices to export."))
        others = self.search(
            [("id", "in", self.ids), ("move_type", "!=", "out_invoice")]
        )
        if others:
            raise UserError(
                self.env._(
                    "Statistics are exported for customer invoices only; the "
                    "selection also holds %(count)s other records (%(names)s). "
                    "Remove them from the selection and export again.",
                    count=len(others),
                    names=", ".join(others[:5].mapped("display_name"))
                    + (", …" if len(others) > 5 else ""),
                )
            )
        [
            (
                count,
                customers,
                companies,
                currencies,
                first_period,
                last_period,
                first_date,
                last_date,
            )
        ] = self._read_group(
            [("id", "in", self.ids)],
            [],
            [
                "__count",
                "commercial_partner_id:recordset",
                "company_id:recordset",
                "currency_id:recordset",
                "billing_period_start:min",
                "billing_period_start:max",
                "invoice_date:min",
                "invoice_date:max",
            ],
        )
        if len(currencies) > 1:
            raise UserError(
                self.env._(
                    "The selected invoices are in several currencies (%(names)s):"
                    " export the invoices of one currency at a time.",
                    names=", ".join(currencies.sorted("name").mapped("name")),
                )
            )
        rows = sum(
            offerings
            for _invoice, offerings in self.env["account.move.line"]._read_group(
                self._billing_selection_lines_domain(),
                ["move_id"],
                ["product_id:count_distinct"],
            )
        )

        def month(day):
            return day and format_date(self.env, day, date_format="LLLL y")

        periods = " – ".join(dict.fromkeys([month(first_period), month(last_period)]))
        company = ", ".join(companies.mapped("name"))
        header = [
            (self.env._("Company"), company),
            (self.env._("Invoices"), str(count)),
            (
                self.env._("Customers"),
                customers.display_name if len(customers) == 1 else str(len(customers)),
            ),
            (self.env._("Billing period"), periods),
            (self.env._("First invoice date"), first_date),
            (self.env._("Last invoice date"), last_date),
            (self.env._("Currency"), currencies.name),
            self._billing_generated_header(),
        ]
        if sheet_rows_needed(rows, header) > SHEET_MAX_ROWS:
            raise UserError(
                self.env._(
                    "The %(count)s selected invoices have %(rows)s offering rows: "
                    "more than a spreadsheet sheet holds (%(max)s rows). Select "
                    "fewer invoices.",
                    count=count,
                    rows=rows,
                    max=SHEET_MAX_ROWS,
                )
            )
        if count == 1:
            title = self.env._(
                "Invoice statistics: %(name)s", name=self._billing_export_name()
            )
        else:
            title = self.env._("Invoice statistics: %(count)s invoices", count=count)
        return {
            "header": header,
            "currency": currencies,
            "title": title,
            "company": company,
        }

    def _billing_selection_stats_xlsx(self):
        """(file name, XLSX bytes) of the selected invoices' offering stats:
        a row per invoice and offering (see
        ``_billing_selection_offering_stats``), then the totals.

        Refusals first (``_billing_selection_stats_header``); then the rows
        are read and written in batches: memory stays flat and the queries
        do not grow with the number of invoices.
        """
        sheet = self._billing_selection_stats_header()
        currency, title = sheet["currency"], sheet["title"]
        content = write_selection_stats_xlsx(
            selection_table_rows(
                self._billing_selection_offering_stats(batch_size=STATS_BATCH)
            ),
            title=title,
            currency_name=currency.name,
            decimal_places=currency.decimal_places,
            **self._billing_stats_sheet_options(
                sheet["header"], company=sheet["company"], subject=title
            ),
        )
        today = fields.Date.context_today(self)
        return f"invoice-statistics-{today.isoformat()}.xlsx", content

    def _billing_export_name(self):
        """The invoice's name in exports: Odoo's, else the Waldur number."""
        self.ensure_one()
        if self.name and self.name != "/":
            return self.name
        return str(self._billing_number())

    @api.model
    def _billing_generated_header(self):
        """The header block's generation time line, in the user's time zone."""
        generated = fields.Datetime.context_timestamp(self, fields.Datetime.now())
        zone = getattr(generated.tzinfo, "zone", "UTC")  # pytz: the tz's name
        return (
            self.env._("Generated on (%(tz)s)", tz=zone),
            generated.replace(tzinfo=None),
        )

    @api.model
    def _billing_stats_sheet_options(self, header, company, subject):
        """The statistics writers' keyword arguments shared by every export:
        the translated texts, the header block, the quantity decimals, the
        document properties."""
        return {
            "labels": {
                "Invoice": self.env._("Invoice"),
                "Invoice number (Waldur)": self.env._("Invoice number (Waldur)"),
                "Customer": self.env._("Customer"),
                "Billing period": self.env._("Billing period"),
                "Offering": self.env._("Offering"),
                "Category": self.env._("Category"),
                "Service provider": self.env._("Service provider"),
                "Quantity": self.env._("Quantity"),
                "Price": self.env._("Price"),
                "Tax": self.env._("Tax"),
                "Total": self.env._("Total"),
                "Offering UUID": self.env._("Offering UUID"),
                "Service provider UUID": self.env._("Service provider UUID"),
                "Invoice UUID": self.env._("Invoice UUID"),
                "Page": self.env._("Page"),
                "of": self.env._("of"),
            },
            "sheet_name": self.env._("Statistics"),
            "header": header,
            "quantity_places": self.env["decimal.precision"].precision_get(
                "Product Unit of Measure"
            ),
            "properties": {
                "company": company,
                "author": self.env.user.name,
                "subject": subject,
            },
        }

    def _billing_number(self):
        """The invoice's number in the billing APIs (Waldur: 100000 + id)."""
        self.ensure_one()
        return BILLING_NUMBER_OFFSET + self.id

    # --- statistics ------------------------------------------------------------

    def _billing_offering_stats(self, provider=None, batch_size=None):
        """This invoice's product lines summed per product, in line order.

        Returns dicts with ``product``, ``provider`` (see
        ``product.product._billing_service_provider``), ``price``, ``tax``,
        ``total`` as Decimals and ``quantity`` (the lines' summed quantity, a
        float). ``provider`` (a partner) keeps only that provider's products.
        One grouped query. With ``batch_size``, a generator of the same rows
        instead, one grouped query per ``batch_size`` products, each batch's
        products dropped from the cache once passed on (memory stays flat,
        for exports of huge invoices).
        """
        self.ensure_one()
        domain = [
            ("move_id", "=", self.id),
            ("display_type", "=", "product"),
            ("product_id", "!=", False),
        ]
        if provider is not None:
            domain += self.env["account.move.line"]._billing_provider_domain(provider)
        places = self.currency_id.decimal_places

        def rows():
            for product, price, total, quantity in self._billing_offering_groups(
                domain, ["product_id"], "id:min", batch_size
            ):
                price, total = quantize(price, places), quantize(total, places)
                yield {
                    "product": product,
                    "provider": product._billing_service_provider(self.company_id),
                    "price": price,
                    "tax": total - price,
                    "total": total,
                    "quantity": quantity,
                }

        return rows() if batch_size else list(rows())

    def _billing_selection_lines_domain(self):
        """The product lines whose offerings the statistics sum."""
        return [
            ("move_id", "in", self.ids),
            ("display_type", "=", "product"),
            ("product_id", "!=", False),
        ]

    def _billing_selection_offering_stats(self, batch_size=None):
        """``_billing_offering_stats`` of every invoice of the selection.

        A row per invoice and offering: invoices oldest first (accounting
        date, then name), each one's offerings in line order. Each row is an
        invoice's stats row (the same sums and rounding, so the figures equal
        the API's ``stats`` of that invoice) plus ``invoice``,
        ``invoice_name`` (``_billing_export_name``) and ``number`` (the
        Waldur number). One grouped query per ``batch_size`` rows, whatever
        the number of invoices; with ``batch_size`` a generator (see
        ``_billing_offering_groups``), else a list.
        """

        def rows():
            groups = self._billing_offering_groups(
                self._billing_selection_lines_domain(),
                ["move_id", "product_id"],
                # account.move's order reversed: date, name, id ascending
                "move_id DESC, id:min",
                batch_size,
            )
            for invoice, product, price, total, quantity in groups:
                places = invoice.currency_id.decimal_places
                price, total = quantize(price, places), quantize(total, places)
                yield {
                    "invoice": invoice,
                    "invoice_name": invoice._billing_export_name(),
                    "number": invoice._billing_number(),
                    "product": product,
                    "provider": product._billing_service_provider(invoice.company_id),
                    "price": price,
                    "tax": total - price,
                    "total": total,
                    "quantity": quantity,
                }

        return rows() if batch_size else list(rows())

    @api.model
    def _billing_offering_groups(self, domain, groupby, order, batch_size=None):
        """The product lines of ``domain`` summed per ``groupby`` (its last
        key the product): tuples of the group keys, then the sums of
        ``price_subtotal``, ``price_total`` and ``quantity``, in ``order``.

        A generator. With ``batch_size``, one grouped query per
        ``batch_size`` groups; once a batch is passed on, its products and
        invoices are dropped from the cache, so memory stays flat.
        """
        offset = 0
        while True:
            groups = self.env["account.move.line"]._read_group(
                domain,
                groupby,
                ["price_subtotal:sum", "price_total:sum", "quantity:sum"],
                order=order,
                offset=offset,
                limit=batch_size,
            )
            yield from groups
            if not batch_size or len(groups) < batch_size:
                return
            products = self.env["product.product"].union(
                *(group[len(groupby) - 1] for group in groups)
            )
            products.product_tmpl_id.invalidate_recordset()
            products.invalidate_recordset()
            if "move_id" in groupby:
                self.env["account.move"].union(
                    *(group[groupby.index("move_id")] for group in groups)
                ).invalidate_recordset()
            offset += batch_size

    @api.model
    def _billing_growth(self, customers_count=4, untaxed=False, today=None):
        """Waldur's invoice growth over the invoices the user can see.

        Thirteen monthly periods (same month last year through this month);
        the ``customers_count`` customers with the largest invoiced total
        since a year ago get their own series, the others are summed in
        ``other``. Sums are of the tax-included totals, or of the untaxed
        amounts with ``untaxed``, in company currency; cancelled invoices do
        not count. Two grouped queries: from the kept totals
        (``invoice_totals``: at most a row per customer and month, however
        many invoices) when the user's rules on invoices are the
        multi-company rule alone, else from the invoices themselves
        (index-only scans of ``BILLING_GROWTH_INDEX``) under any rule.
        """
        today = today or self._billing_today()
        year_ago = today - relativedelta(months=12)
        periods = [
            (year_ago + relativedelta(months=i)).replace(day=1)
            for i in range(GROWTH_PERIODS)
        ]
        billed = [
            ("move_type", "=", "out_invoice"),
            ("billing_state", "in", BILLED_STATES),
        ]
        amount = "amount_untaxed_signed" if untaxed else "amount_total_signed"
        places = self.env.company.currency_id.decimal_places
        keys = [(period.year, period.month) for period in periods]
        totals, others, per_customer = {}, {}, {}
        majors = self.env["res.partner"]
        # Like a list, growth shows nothing (rather than an error) to users
        # who may not read invoices.
        if self.has_access("read"):
            companies = self._billing_rule_companies()
            if companies is not False:
                major_ids, series = invoice_totals.growth(
                    self.env.cr,
                    companies,
                    year_ago,
                    periods[0],
                    periods[-1],
                    "untaxed" if untaxed else "total",
                    customers_count,
                    self._billing_partner_order(),
                )
                majors = self.env["res.partner"].browse(major_ids)
            else:
                majors = self._billing_growth_majors(billed, customers_count, year_ago)
                series = self._billing_growth_series(
                    [*billed, ("billing_period_start", ">=", periods[0])],
                    amount,
                    majors,
                    periods[-1],
                )
            for partner_id, year, month, value in series:
                key = (year, month)
                value = quantize(value, places)
                totals[key] = totals.get(key, 0) + value
                if partner_id:
                    per_customer[(partner_id, *key)] = value
                else:
                    others[key] = others.get(key, 0) + value
        return {
            "periods": periods,
            "total": [totals.get(key, 0) for key in keys],
            "other": [others.get(key, 0) for key in keys],
            "customers": [
                (partner, [per_customer.get((partner.id, *key), 0) for key in keys])
                for partner in majors.sorted(lambda p: (p.name or "", p.id))
            ],
        }

    # --- the list's count ------------------------------------------------------

    def _billing_search_count(self, domain):
        """``search_count(domain)``, from the kept counts (``kept_counts``)
        when it can be: ``domain`` is the invoice list's own (customer
        invoices, optionally in some billing states) and the user's record
        rules on invoices are the multi-company rule alone, as for every
        accountant and billing user of Odoo's own groups. Any other domain
        or rule (a portal user's, a rule another module adds) is counted by
        Odoo. Both answers are the same number: the count is a sum of rows
        written by the invoices' own transactions (tested)."""
        states = _kept_count_states(domain)
        if states is not False:
            companies = self._billing_rule_companies()
            if companies is not False:
                return kept_counts.INVOICES.count(self.env.cr, companies, states)
        return self.search_count(domain)

    def _billing_rule_companies(self):
        """The companies the user's rules on invoices restrict to
        (``kept_counts.rule_companies``: None, a list, or False)."""
        return kept_counts.rule_companies(self)

    @api.model
    def _billing_compact_invoice_counts(self):
        """Hourly job: fold the appended rows of the kept counts (the
        invoice and payment lists', ``kept_counts``) and of growth's kept
        totals (``invoice_totals``)."""
        for kept in kept_counts.KEPT_COUNTS:
            kept.compact(self.env.cr)
        invoice_totals.compact(self.env.cr)

    def _billing_today(self):
        """``fields.Date.context_today`` in the user's timezone, taken from
        the user's cached context (``res.users.context_get``, one read per
        user and process) rather than from ``env.user.tz``, which reads the
        user and its partner: two of growth's queries on every request of
        an API key, whose context carries no ``tz``. Without a timezone,
        UTC, as ``context_today``."""
        tz = (
            self.env.context.get("tz")
            or self.env["res.users"].context_get().get("tz")
            or "UTC"
        )
        return fields.Date.context_today(self.with_context(tz=tz))

    def _billing_partner_order(self):
        """(FROM, ORDER BY) of res.partner's own order over its table, for
        SQL that ranks customers as ``_read_group`` does."""
        partners = self.env["res.partner"]
        query = Query(self.env, partners._table, SQL.identifier(partners._table))
        order = partners._order_to_sql(partners._order, query)
        return query.from_clause, order

    def _billing_growth_majors(self, billed, customers_count, year_ago):
        """The ``customers_count`` customers with the largest invoiced total
        since ``year_ago`` (Waldur ranks the invoices "created" since then;
        an invoice's billing period starts on the 1st of its month).

        One grouped query of at most ``customers_count`` groups: SQL sums
        and ranks, ties at the cut broken by res.partner's order.
        """
        if not customers_count:
            return self.env["res.partner"]
        ranked = self._read_group(
            [
                *billed,
                ("billing_period_start", ">=", year_ago),
                ("commercial_partner_id", "!=", False),
            ],
            ["commercial_partner_id"],
            ["amount_total_signed:sum"],
            order="amount_total_signed:sum desc, commercial_partner_id",
            limit=customers_count,
        )
        return self.env["res.partner"].union(*(partner for partner, _total in ranked))

    def _billing_growth_series(self, domain, amount, majors, last_period):
        """(major customer id or None, year, month, sum of ``amount``) of the
        invoices of ``domain`` up to ``last_period``'s month: the majors' own
        series, everybody else summed under None.

        One query of at most 13 × (majors + 1) rows whatever the number of
        invoices and customers. The invoices are found by ``_search``, so
        record rules and the user's companies apply as in any search.
        """
        query = self._search(
            [*domain, ("billing_period_start", "<=", last_period)], order=None
        )
        table = SQL.identifier(self._table)
        partner = SQL("%s.commercial_partner_id", table)
        major = SQL(
            "CASE WHEN %s = ANY(%s) THEN %s END", partner, majors.ids or [0], partner
        )
        self.env.cr.execute(
            SQL(
                "SELECT %s, %s.billing_year, %s.billing_month, SUM(%s.%s) "
                "FROM %s WHERE %s GROUP BY 1, 2, 3",
                major,
                table,
                table,
                table,
                SQL.identifier(amount),
                query.from_clause,
                query.where_clause,
            )
        )
        return self.env.cr.fetchall()


def _kept_count_states(domain):
    """The billing states a list ``domain`` counts (None: all), or False
    when it is not of the form the kept counts answer: the customer
    invoices, then at most a billing-state filter."""
    leaves = [tuple(leaf) if isinstance(leaf, list) else leaf for leaf in domain]
    if not leaves or leaves[0] != ("move_type", "=", "out_invoice"):
        return False
    rest = leaves[1:]
    if not rest:
        return None
    if len(rest) == 1 and isinstance(rest[0], tuple) and len(rest[0]) == 3:
        field, operator, value = rest[0]
        if field == "billing_state" and operator == "in":
            return list(value)
    return False
