# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, create_index

from .. import kept_counts
from ..exceptions import BillingConflictError, ProofRejected
from ..utils import MIN_DATE_YEAR, proof_is_markup, sniff_proof_mimetype
from .billing_payment_channel import PAYMENT_CHANNELS

PROOF_MAX_SIZE_PARAM = "billing_payments.proof_max_size"
PROOF_DEFAULT_MAX_SIZE = 10 * 1024 * 1024
# The context that stores a proof (field and chatter copies) byte for byte.
# Odoo runs image attachments through PIL to shrink large ones: a proof must
# stay as the customer sent it, and PIL raises errors that Odoo does not
# catch (a 500) on a damaged file that only starts like a PNG or a JPEG.
AS_UPLOADED = {"image_no_postprocess": True}

# Space Invoices' payment lists: newest first over the customer payments
# linked to a customer invoice, with the columns of the multi-company rule
# and the state filter: a page and its exact count are index-only scans.
BILLING_PAYMENT_DATE_INDEX = "account_payment_billing_si_list_index"
# Its first version, without the invoice condition (dropped by init).
_OLD_BILLING_PAYMENT_DATE_INDEX = "account_payment_billing_date_index"
# The domain of Waldur's unfiltered payment list, which the kept count answers.
KEPT_COUNT_DOMAIN = [("payment_profile_id", "!=", False), ("state", "!=", "canceled")]
# Waldur's payment list: creation order over the payments that have a
# payment profile (the only ones it lists), with the columns of the
# multi-company rule and the state filter, so that a page reads its rows in
# order from the index (6.9 → 0.07 ms over 20,000 payments).
BILLING_PAYMENT_LIST_INDEX = "account_payment_billing_list_index"


class AccountPayment(models.Model):
    _name = "account.payment"
    _inherit = ["account.payment", "billing.uuid.mixin"]

    proof = fields.Binary(
        string="Proof of Payment",
        attachment=True,
        copy=False,
        help="Bank statement extract, receipt or other proof (PDF, PNG, JPEG, WebP).",
    )
    proof_filename = fields.Char(string="Proof File Name", copy=False)
    proof_mimetype = fields.Char(string="Proof Type", compute="_compute_proof_mimetype")
    payment_profile_id = fields.Many2one(
        "billing.payment.profile",
        ondelete="restrict",
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id', '=', partner_id)]",
        tracking=True,
        help="The customer's billing arrangement this payment belongs to.",
    )

    payment_channel = fields.Selection(
        PAYMENT_CHANNELS,
        compute="_compute_payment_channel",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="How the money came in (bank transfer, card, cash…); set by the "
        "billing APIs, else cash for cash journals and bank for the others.",
    )
    # The inverses of the links from a payment's journal entry and its lines
    # back to the payment, for the ORM: when a payment changes, the ORM looks
    # for the entries and lines whose amounts depend on it. Without an
    # inverse field it searches the database on every write of a payment
    # (two queries each time, several times per post or reconciliation);
    # with one it reads them once and keeps them up to date in its cache.
    billing_entry_ids = fields.One2many(
        "account.move",
        "origin_payment_id",
        string="Payment Journal Entries",
        readonly=True,
    )
    billing_entry_line_ids = fields.One2many(
        "account.move.line",
        "payment_id",
        string="Payment Journal Items",
        readonly=True,
    )
    # What the Space Invoices payment lists select, kept on the payment:
    # as a condition on the invoices ("any customer invoice") the count of a
    # page joined every customer invoice (9.7 ms at 50,000 invoices, 39 ms
    # at 200,000), where this column is read from the list's index.
    billing_has_customer_invoice = fields.Boolean(
        string="Linked to a Customer Invoice",
        compute="_compute_billing_has_customer_invoice",
        store=True,
        help="Whether the payment is linked to a customer invoice: the "
        "payments the Space Invoices API lists.",
    )
    billing_deleted_at = fields.Datetime(
        string="Cancelled On",
        readonly=True,
        copy=False,
        help="When the payment was last cancelled (the APIs' deletion time).",
    )

    def init(self):
        """The payment lists' indexes (issue 13): each list's default order
        over the payments it lists, so that a page reads its rows in order
        instead of sorting every payment. Space Invoices: newest first, over
        the customer payments; Waldur: by creation, over the payments with a
        payment profile."""
        result = super().init()
        self.env.cr.execute(
            SQL(
                "DROP INDEX IF EXISTS %s",
                SQL.identifier(_OLD_BILLING_PAYMENT_DATE_INDEX),
            )
        )
        create_index(
            self.env.cr,
            BILLING_PAYMENT_DATE_INDEX,
            self._table,
            ["date DESC", "id", "company_id", "state"],
            where="partner_type = 'customer' AND payment_type = 'inbound' "
            "AND billing_has_customer_invoice",
        )
        create_index(
            self.env.cr,
            BILLING_PAYMENT_LIST_INDEX,
            self._table,
            ["create_date", "id", "company_id", "state"],
            where="payment_profile_id IS NOT NULL",
        )
        # Waldur's payment list's exact count, kept by a trigger.
        kept_counts.PAYMENTS.install(self.env.cr)
        return result

    def _billing_search_count(self, domain):
        """``search_count(domain)``, from the kept counts
        (``kept_counts.PAYMENTS``) when ``domain`` is Waldur's payment list
        unfiltered and the user's rules on payments are the multi-company
        rule alone; Odoo counts any other domain or rule. Both answers are
        the same number (tested)."""
        if [tuple(leaf) for leaf in domain] == KEPT_COUNT_DOMAIN:
            companies = kept_counts.rule_companies(self)
            if companies is not False:
                states = [
                    state
                    for state, _label in self._fields["state"].selection
                    if state != "canceled"
                ]
                # '': a payment without a state, which ``!=`` also counts.
                return kept_counts.PAYMENTS.count(self.env.cr, companies, [*states, ""])
        return self.search_count(domain)

    @api.depends("invoice_ids.move_type")
    def _compute_billing_has_customer_invoice(self):
        for payment in self:
            payment.billing_has_customer_invoice = bool(
                payment._billing_linked_invoices()
            )

    @api.depends("journal_id")
    def _compute_payment_channel(self):
        for payment in self:
            payment.payment_channel = (
                "cash" if payment.journal_id.type == "cash" else "bank"
            )

    @api.depends("proof")
    def _compute_proof_mimetype(self):
        for payment in self:
            content = payment._billing_proof_content()
            payment.proof_mimetype = content and sniff_proof_mimetype(content)

    def _billing_proof_content(self):
        self.ensure_one()
        if not self.proof:
            return b""
        return base64.b64decode(self.with_context(bin_size=False).proof)

    @api.model
    def _billing_proof_max_size(self):
        value = self.env["ir.config_parameter"].sudo().get_param(PROOF_MAX_SIZE_PARAM)
        try:
            return int(value)
        except (TypeError, ValueError):
            return PROOF_DEFAULT_MAX_SIZE

    @api.model
    def _billing_check_proof_content(self, content):
        """Refuse ``content`` as a proof of payment: too large, or not a PDF,
        PNG, JPEG or WebP file by its bytes (whatever its name says), or
        markup dressed as one (``utils.proof_is_markup``).

        The one proof rule: the field's constraint and the APIs (before they
        write anything) both call it.
        """
        max_size = self._billing_proof_max_size()
        if len(content) > max_size:
            raise ProofRejected(
                self.env._(
                    "The proof of payment is %(size)s bytes; "
                    "at most %(max)s bytes are accepted.",
                    size=len(content),
                    max=max_size,
                ),
                too_large=True,
            )
        mimetype = sniff_proof_mimetype(content)
        if not mimetype or proof_is_markup(content, mimetype):
            raise ProofRejected(self.env._("Upload a PDF, PNG, JPEG or WebP file."))

    @api.constrains("proof")
    def _check_proof(self):
        for payment in self:
            content = payment._billing_proof_content()
            if content:
                self._billing_check_proof_content(content)

    @api.constrains("payment_profile_id", "partner_id")
    def _check_payment_profile_partner(self):
        for payment in self:
            profile = payment.payment_profile_id
            if profile and profile.partner_id.commercial_partner_id != (
                payment.partner_id.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "The payment profile %(profile)s belongs to %(owner)s, "
                        "not to the payment's customer.",
                        profile=profile.display_name,
                        owner=profile.partner_id.display_name,
                    )
                )

    @api.constrains("payment_profile_id")
    def _check_payment_profile_active(self):
        """A payment takes only an active profile, as in Waldur.

        Waldur's payment serializer resolves ``profile`` among active profiles
        only, on create and on every update (400 "Invalid hyperlink - Object
        does not exist."); its dialect here refuses the same before any write.
        This rule holds for every door (web client, wizards, model methods).
        It fires when a payment gets a profile, not when a profile is
        deactivated: payments keep the profile they were made under.
        """
        for payment in self:
            self._billing_check_profile_active(payment.payment_profile_id)

    @api.model
    def _billing_check_profile_active(self, profile):
        """Refuse ``profile`` for a payment unless it is active."""
        if profile and not profile.is_active:
            raise ValidationError(
                self.env._(
                    "%(profile)s is not the customer's active payment profile; "
                    "a payment can only be given an active profile.",
                    profile=profile.display_name,
                )
            )

    @api.onchange("payment_profile_id")
    def _onchange_payment_profile_id(self):
        return self.payment_profile_id._billing_inactive_warning(
            self.env._("the payment cannot be saved with it")
        )

    def copy_data(self, default=None):
        # A duplicate is a new payment: it keeps the profile only while that
        # profile is still active.
        vals_list = super().copy_data(default=default)
        if default and "payment_profile_id" in default:
            return vals_list
        for payment, vals in zip(self, vals_list, strict=True):
            if not payment.payment_profile_id.is_active:
                vals.pop("payment_profile_id", None)
        return vals_list

    # --- business actions (API, web client and tests call these) ----------

    @api.model
    def _billing_check_date(self, date):
        """Refuse a payment date before ``MIN_DATE_YEAR`` (ValidationError).

        Odoo's change tracking cannot format such years: a payment dated
        then could be created, but not changed or deleted afterwards.
        """
        if date and date.year < MIN_DATE_YEAR:
            raise ValidationError(
                self.env._(
                    "Payment dates before the year %(year)s are not accepted.",
                    year=MIN_DATE_YEAR,
                )
            )

    @api.model
    def _billing_check_lock_date(self, company, journal, date):
        """409 when ``date`` falls in a locked accounting period of ``company``."""
        violations = company._get_violated_lock_dates(date, False, journal)
        if violations:
            raise BillingConflictError(
                self.env._(
                    "The accounting period of %(date)s is locked (%(locks)s); "
                    "payments dated then cannot be added, changed or deleted.",
                    date=date,
                    locks=company._format_lock_dates(violations),
                )
            )

    @api.model
    def _billing_receive(self, customer, journal, payment_date, amount, **vals):
        """An inbound payment of ``customer`` on ``journal``, for both APIs.

        Refused in a locked period; posted when ``amount`` is positive (a zero
        payment stays draft until it gets an amount). ``vals`` adds fields.
        """
        company = journal.company_id
        self._billing_check_date(payment_date)
        self._billing_check_lock_date(company, journal, payment_date)
        payment = self.with_company(company).create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": customer.id,
                "journal_id": journal.id,
                "date": payment_date,
                "amount": amount,
                **vals,
            }
        )
        if payment.currency_id.compare_amounts(payment.amount, 0) > 0:
            # The payment is new: posting it changes no value its chatter
            # would show (Odoo logs no tracking for it), so the tracking
            # bookkeeping of the post is skipped. Links and updates of
            # existing payments keep their tracking.
            payment.with_context(mail_notrack=True).action_post()
        return payment

    @api.model
    def _billing_create_payment(self, profile, payment_date, amount, proof=None):
        """A payment of the profile's customer on the profile's journal.

        ``proof`` is a (file name, bytes) pair.
        """
        payment = self._billing_receive(
            profile.partner_id.commercial_partner_id,
            profile.journal_id,
            payment_date,
            amount,
            payment_profile_id=profile.id,
        )
        if proof:
            payment._billing_set_proof(proof)
        return payment

    def _billing_write_journal(self, journal, vals):
        """Write ``vals``, which move the payment to ``journal``.

        Odoo sets a payment's outstanding account once, at creation (from
        the method line, else the chart's default); on a journal change it
        would recompute it from the method line alone, which may have none,
        and fail to rewrite the entry. It is set here as creation sets it,
        and kept from being recomputed during the write.
        """
        method_line = (
            self.env["account.payment.method.line"].browse(
                vals.get("payment_method_line_id")
            )
            or journal.inbound_payment_method_line_ids[:1]
        )
        outstanding = method_line.payment_account_id or self._get_outstanding_account(
            self.payment_type
        )
        outstanding_field = self._fields["outstanding_account_id"]
        with self.env.protecting([outstanding_field], self):
            self.outstanding_account_id = outstanding
            self.write({**vals, "payment_method_line_id": method_line.id})

    def _billing_detach(self):
        """Lock these payments and unreconcile them from their invoices.

        The first step of a cancel and of a delete; refused (409) when a
        payment lies in a locked period. Returns the invoices they were
        linked to (the links themselves stay).
        """
        self._billing_lock()
        linked = self._billing_linked_invoices()
        for payment in self:
            self._billing_check_lock_date(
                payment.company_id, payment.journal_id, payment.date
            )
            payment._billing_unreconcile(payment._billing_linked_invoices())
        return linked

    def _billing_cancel(self):
        """Soft delete: unreconcile from the invoices, then cancel.

        The payment keeps its link to the invoices, so that it can still be
        listed as a deleted payment of its invoice.
        """
        self._billing_detach()
        self.action_cancel()
        return True

    def write(self, vals):
        if "proof" in vals and not self.env.context.get("image_no_postprocess"):
            # A proof is kept byte for byte (see AS_UPLOADED).
            return self.with_context(**AS_UPLOADED).write(vals)
        if "proof" not in vals or self.env.context.get("billing_proof_logged"):
            return super().write(vals)
        # A proof changed in the web client: log it as API uploads are, and
        # keep the file it replaces attached to the note.
        previous = {
            payment: (
                payment.proof_filename or "proof",
                payment._billing_proof_content(),
            )
            for payment in self
        }
        result = super().write(vals)
        for payment, (old_name, old_content) in previous.items():
            files = [(old_name, old_content)] if old_content else []
            content = payment._billing_proof_content()
            if content:
                name = payment.proof_filename or "proof"
                files.insert(0, (name, content))
                body = self.env._("Proof of payment: %(name)s", name=name)
            elif old_content:
                body = self.env._("Proof of payment %(name)s removed.", name=old_name)
            else:
                continue
            payment._billing_log_note(body, files=files)
        return result

    def action_cancel(self):
        result = super().action_cancel()
        self.billing_deleted_at = fields.Datetime.now()
        return result

    def action_draft(self):
        self.filtered("billing_deleted_at").billing_deleted_at = False
        return super().action_draft()

    def _billing_set_proof(self, proof):
        """Store ``proof``, a (file name, bytes) pair, and show it in the chatter.

        The field keeps the current proof; the chatter message keeps a copy
        (the filestore stores identical content once) so that the history of
        proofs stays visible.
        """
        self.ensure_one()
        filename, content = proof
        payment = self.with_context(billing_proof_logged=True, **AS_UPLOADED)
        payment.write({"proof": base64.b64encode(content), "proof_filename": filename})
        payment._billing_log_note(
            self.env._("Proof of payment: %(name)s", name=filename),
            files=[(filename, content)],
        )

    def _billing_linked_invoices(self):
        """The customer invoices this payment is linked to."""
        return self.invoice_ids.filtered(lambda move: move.move_type == "out_invoice")

    def _billing_update(
        self,
        profile=None,
        payment_date=None,
        amount=None,
        proof=None,
        channel=None,
        memo=None,
    ):
        """Change what the APIs let change, as an accountant would.

        When the ledger side of a posted payment changes (amount, date, memo,
        journal through its profile or channel), the payment is unreconciled,
        reset to draft, changed, posted again and reconciled again with the
        same invoices, all in this transaction. ``None`` leaves a value as it
        is.
        """
        self.ensure_one()
        self._billing_lock()
        vals = {}
        if profile and profile != self.payment_profile_id:
            self._billing_check_profile_active(profile)
            if (
                self._billing_linked_invoices()
                and profile.partner_id.commercial_partner_id
                != self.partner_id.commercial_partner_id
            ):
                raise UserError(
                    self.env._(
                        "A payment linked to an invoice cannot move to another "
                        "customer's profile; unlink it from the invoice first."
                    )
                )
            vals.update(
                payment_profile_id=profile.id,
                partner_id=profile.partner_id.commercial_partner_id.id,
                journal_id=profile.journal_id.id,
            )
        if channel and channel != self.payment_channel:
            journal, method_line = self.env["billing.payment.channel"]._billing_journal(
                self.company_id, channel
            )
            vals["payment_channel"] = channel
            if journal != self.journal_id:
                vals["journal_id"] = journal.id
            if method_line != self.payment_method_line_id:
                vals["payment_method_line_id"] = method_line.id
        if payment_date and payment_date != self.date:
            self._billing_check_date(payment_date)
            vals["date"] = payment_date
        if amount is not None and self.currency_id.compare_amounts(amount, self.amount):
            vals["amount"] = amount
        if memo is not None and (memo or False) != (self.memo or False):
            vals["memo"] = memo
        if set(vals) - {"payment_channel"}:
            self._billing_repost(vals)
        elif vals:
            self.write(vals)  # the channel alone is no accounting change
        if proof:
            self._billing_set_proof(proof)
        return self

    def _billing_repost(self, vals):
        """Write ``vals`` between an unreconcile/draft and a post/reconcile."""
        new_journal = self.env["account.journal"].browse(
            vals.get("journal_id", self.journal_id.id)
        )
        self._billing_check_lock_date(self.company_id, self.journal_id, self.date)
        self._billing_check_lock_date(
            new_journal.company_id, new_journal, vals.get("date", self.date)
        )
        invoices = self._billing_linked_invoices()
        if self.state != "draft":
            self._billing_unreconcile(invoices)
            self.action_draft()
        if "journal_id" in vals:
            self._billing_write_journal(new_journal, vals)
        else:
            self.write(vals)
        if self.currency_id.compare_amounts(self.amount, 0) > 0:
            self.action_post()
            self._billing_reconcile(invoices)

    def _billing_delete(self):
        """Unreconcile and unlink the payment, then delete it with its entry.

        Where Odoo would refuse to delete the entry (see
        ``_billing_entry_deletable``), the payment is cancelled instead, as
        Odoo advises; the billing APIs do not show cancelled payments.
        """
        invoices = self._billing_detach()
        for payment in self:
            payment._billing_linked_invoices().matched_payment_ids -= payment
        deletable = self.filtered(lambda payment: payment._billing_entry_deletable())
        (self - deletable).action_cancel()
        deletable.filtered(lambda payment: payment.state != "draft").action_draft()
        deletable.unlink()
        invoices.invalidate_recordset()
        return True

    def _billing_entry_deletable(self):
        """Whether Odoo lets this user delete the payment's journal entry.

        The same conditions as ``account.move``'s ``ondelete`` checks: an
        entry kept by the audit trail or sealed by a hash cannot go, and
        neither can one whose number is not the last of its sequence (it
        would leave a gap), unless the user is an accounting manager or the
        company is in quick-edit mode.
        """
        self.ensure_one()
        move = self.move_id
        if not move:
            return True
        if move.inalterable_hash or move._is_protected_by_audit_trail():
            return False
        return bool(
            self.env.user.has_group("account.group_account_manager")
            or move.company_id.quick_edit_mode
            or move.check_move_sequence_chain()
        )

    def _billing_link_invoice(self, invoice):
        """Link and reconcile this payment with a posted customer invoice."""
        self.ensure_one()
        self._billing_lock_with(invoice)
        self._billing_check_unlinked()
        # A payment is made out to the commercial partner (see
        # ``_billing_receive``): then the partner need not be read again.
        if self.partner_id != invoice.commercial_partner_id and (
            invoice.commercial_partner_id != self.partner_id.commercial_partner_id
        ):
            raise UserError(
                self.env._(
                    "The passed invoice does not belong to the selected customer."
                )
            )
        self._billing_reconcile(invoice)
        self._billing_log_link(invoice, linked=True)
        return True

    def _billing_lock_with(self, invoices):
        """Lock these payments and ``invoices`` in one statement.

        The same row locks as ``_billing_lock`` on each recordset (see its
        docstring), one round trip instead of two.
        """
        if not invoices:
            return self._billing_lock()
        if not self:
            return invoices._billing_lock()
        self.env.cr.execute(
            SQL(
                "SELECT payment.id FROM %s payment, %s invoice"
                " WHERE payment.id IN %s AND invoice.id IN %s"
                " FOR UPDATE OF payment, invoice",
                SQL.identifier(self._table),
                SQL.identifier(invoices._table),
                tuple(self.ids),
                tuple(invoices.ids),
            )
        )
        return None

    def _billing_log_link(self, invoices, linked):
        """Say in both chatters that this payment was linked or unlinked."""
        for invoice in invoices:
            values = {"payment": self.display_name, "invoice": invoice.display_name}
            if linked:
                body = self.env._(
                    "Payment %(payment)s linked to invoice %(invoice)s.", **values
                )
            else:
                body = self.env._(
                    "Payment %(payment)s unlinked from invoice %(invoice)s.", **values
                )
            self._billing_log_note(body)
            invoice._billing_log_note(body)

    def _billing_check_unlinked(self):
        if self._billing_linked_invoices():
            raise UserError(self.env._("Link to an invoice exists."))

    def _billing_unlink_invoice(self):
        """Undo exactly this payment's reconciliation and link with its invoice."""
        self.ensure_one()
        self._billing_lock()
        invoices = self._billing_linked_invoices()
        if not invoices:
            raise UserError(self.env._("Link to an invoice does not exist."))
        invoices._billing_lock()
        self._billing_unreconcile(invoices)
        invoices.matched_payment_ids -= self
        self._billing_log_link(invoices, linked=False)
        return True

    # --- web client actions ------------------------------------------------------

    def action_billing_link_invoice(self):
        """Button: pick one of the customer's open invoices to link."""
        self.ensure_one()
        self._billing_check_unlinked()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Link to Invoice"),
            "res_model": "billing.payment.link.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_payment_id": self.id},
        }

    def action_billing_unlink_invoice(self):
        """Button (after a confirmation): undo the link and reconciliation."""
        self.ensure_one()
        return self._billing_unlink_invoice()

    def _billing_receivable_lines(self):
        return self.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    def _billing_reconcile(self, invoices):
        """Link to ``invoices`` and reconcile with their open receivable lines.

        As Odoo's register-payment wizard does: reconcile, then link. The
        link is the same row of ``account_move__account_payment`` whichever
        side writes it; written from the payment, it skips what a write of
        the invoices would run for nothing (their dynamic lines
        re-synchronised, their balance checked), and after the
        reconciliation the payment's state is recomputed once. The invoices'
        write access is still required, as writing them would.
        """
        if not invoices:
            return
        invoices.check_access("write")
        if self.state != "draft":  # else nothing is posted to reconcile yet
            # The lines of both sides are read together: one read of the
            # entries, their lines and accounts instead of one per side.
            lines = (self.move_id | invoices).line_ids.filtered(
                lambda line: (
                    line.account_id.account_type == "asset_receivable"
                    and not line.reconciled
                )
            )
            if len(lines.move_id) > 1:
                exchange = self._billing_exchange_difference_possible(lines)
                lines.with_context(no_exchange_difference=not exchange).reconcile()
        self.write({"invoice_ids": [Command.link(invoice.id) for invoice in invoices]})

    @api.model
    def _billing_exchange_difference_possible(self, lines):
        """Whether reconciling ``lines`` could need an exchange difference entry.

        Not when every line is in its company's currency (amounts in currency
        equal balances, so no rate can leave a difference) and the company
        uses no cash basis taxes (whose rounding fix shares that entry). Odoo
        would then look up the exchange journal and its numbering for an
        entry with no lines; ``no_exchange_difference`` skips that search.
        """
        return bool(
            len(lines.currency_id) > 1
            or lines.currency_id != lines.company_currency_id
            or any(lines.company_id.mapped("tax_exigibility"))
        )

    def _billing_unreconcile(self, invoices):
        """Remove the partial reconciliations between this payment and ``invoices``."""
        payment_lines = self._billing_receivable_lines()
        invoice_lines = invoices.line_ids
        partials = (
            payment_lines.matched_debit_ids | payment_lines.matched_credit_ids
        ).filtered(
            lambda partial: (
                partial.debit_move_id in invoice_lines
                or partial.credit_move_id in invoice_lines
            )
        )
        if partials:
            partials.unlink()
