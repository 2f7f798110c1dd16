import base64

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

PROOF_MAX_SIZE_PARAM = "billing_payments.proof_max_size"
PROOF_DEFAULT_MAX_SIZE = 10 * 1024 * 1024


def sniff_proof_mimetype(content):
    """The mimetype of an accepted proof file, judged by its first bytes.

    Only PDF, PNG, JPEG and WebP are accepted as proof of payment; anything
    else (whatever its name says) gives None.
    """
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


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

    @api.constrains("proof")
    def _check_proof(self):
        max_size = self._billing_proof_max_size()
        for payment in self:
            content = payment._billing_proof_content()
            if not content:
                continue
            if len(content) > max_size:
                raise ValidationError(
                    _(
                        "The proof of payment is %(size)s bytes; "
                        "at most %(max)s bytes are accepted.",
                        size=len(content),
                        max=max_size,
                    )
                )
            if not sniff_proof_mimetype(content):
                raise ValidationError(
                    _("The proof of payment must be a PDF, PNG, JPEG or WebP file.")
                )

    @api.constrains("payment_profile_id", "partner_id")
    def _check_payment_profile_partner(self):
        for payment in self:
            profile = payment.payment_profile_id
            if profile and profile.partner_id.commercial_partner_id != (
                payment.partner_id.commercial_partner_id
            ):
                raise ValidationError(
                    _(
                        "The payment profile %(profile)s belongs to %(owner)s, "
                        "not to the payment's customer.",
                        profile=profile.display_name,
                        owner=profile.partner_id.display_name,
                    )
                )
