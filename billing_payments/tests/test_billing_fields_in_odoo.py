# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the API's billing fields mean in Odoo itself.

``reference_number`` is the invoice's payment communication (Odoo's
``payment_reference``: printed on the invoice, on the receivable line, in the
e-mail); ``payment_url`` is a *Pay online* link in the invoice e-mail and on
the customer portal's invoice page.
"""

from lxml import html

from odoo.tests import tagged

from .common import BillingHttpCommon

PAY_URL = "https://pay.example.com/checkout/inv-42?lang=en&x=1"


@tagged("post_install", "-at_install")
class TestReferenceNumberIsThePaymentCommunication(BillingHttpCommon):
    def receivable_names(self, invoice):
        return set(
            invoice.line_ids.filtered(
                lambda line: line.display_type == "payment_term"
            ).mapped("name")
        )

    def test_set_reference_number_becomes_the_payment_reference(self):
        invoice = self.create_invoice()
        self.assertEqual(invoice.payment_reference, invoice.name)
        invoice.with_user(self.billing_user)._billing_set_fields(
            {"reference_number": "RF18 5390 0754 7034"}
        )
        self.assertEqual(invoice.payment_reference, "RF18 5390 0754 7034")
        self.assertEqual(self.receivable_names(invoice), {"RF18 5390 0754 7034"})
        report = self.env["ir.actions.report"]._render_qweb_html(
            "account.report_invoice", invoice.ids
        )[0]
        self.assertIn(b"RF18 5390 0754 7034", report)

    def test_reference_number_given_at_creation(self):
        invoice = self.create_invoice(reference_number="BANK-REF-7")
        self.assertEqual(invoice.payment_reference, "BANK-REF-7")
        self.assertEqual(self.receivable_names(invoice), {"BANK-REF-7"})

    def test_clearing_it_gives_back_odoos_reference(self):
        invoice = self.create_invoice(reference_number="BANK-REF-7")
        invoice._billing_set_fields({"reference_number": ""})
        self.assertEqual(invoice.payment_reference, invoice.name)
        draft = self.create_invoice(post=False, reference_number="BANK-REF-8")
        draft._billing_set_fields({"reference_number": ""})
        self.assertFalse(draft.payment_reference)

    def test_clearing_it_keeps_a_communication_typed_since(self):
        invoice = self.create_invoice(reference_number="BANK-REF-7")
        invoice.payment_reference = "TYPED BY HAND"
        invoice._billing_set_fields({"reference_number": ""})
        self.assertEqual(invoice.payment_reference, "TYPED BY HAND")

    def test_waldur_paid_quotes_it_as_the_memo(self):
        invoice = self.create_invoice(reference_number="BANK-REF-9")
        payment = invoice._billing_register_payment()
        self.assertEqual(payment.memo, "BANK-REF-9")
        self.assertEqual(invoice.payment_state, "paid")


@tagged("post_install", "-at_install")
class TestPaymentUrlIsAPayOnlineLink(BillingHttpCommon):
    def mail_body(self, invoice):
        send = self.env["account.move.send"]
        template = send._get_default_mail_template_id(invoice)
        lang = send._get_default_mail_lang(invoice, template)
        return html.fromstring(send._get_default_mail_body(invoice, template, lang))

    def pay_links(self, tree):
        return tree.xpath("//a[contains(@class, 'billing_pay_online')]")

    def test_invoice_email_has_the_link_while_unpaid(self):
        invoice = self.create_invoice(payment_url=PAY_URL)
        [link] = self.pay_links(self.mail_body(invoice))
        self.assertEqual(link.get("href"), PAY_URL)
        self.assertEqual(link.text_content().strip(), "Pay online")
        # The same body fills Odoo's Send wizard.
        wizard = (
            self.env["account.move.send.wizard"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
        )
        self.assertEqual(
            [a.get("href") for a in self.pay_links(html.fromstring(wizard.mail_body))],
            [PAY_URL],
        )

    def test_no_link_without_url_or_once_paid(self):
        self.assertEqual(self.pay_links(self.mail_body(self.create_invoice())), [])
        invoice = self.create_invoice(payment_url=PAY_URL)
        self.register_payment(invoice)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self.pay_links(self.mail_body(invoice)), [])

    def test_the_link_is_escaped(self):
        invoice = self.create_invoice(payment_url='https://pay.example.com/"><b>x</b>')
        tree = self.mail_body(invoice)
        self.assertEqual(tree.xpath("//b[text()='x']"), [])
        self.assertEqual(
            self.pay_links(tree)[0].get("href"), 'https://pay.example.com/"><b>x</b>'
        )

    def portal_page(self, invoice):
        invoice._portal_ensure_token()
        response = self.url_open(invoice.get_portal_url())
        self.assertEqual(response.status_code, 200)
        return html.fromstring(response.content)

    def test_customer_portal_page_has_a_pay_online_button(self):
        invoice = self.create_invoice(payment_url=PAY_URL)
        [button] = self.portal_page(invoice).xpath(
            "//a[contains(@class, 'o_billing_pay_online')]"
        )
        self.assertEqual(button.get("href"), PAY_URL)
        self.assertEqual(button.get("rel"), "noopener noreferrer")
        self.assertIn("Pay online", button.text_content())
        self.register_payment(invoice)
        self.assertEqual(
            self.portal_page(invoice).xpath(
                "//a[contains(@class, 'o_billing_pay_online')]"
            ),
            [],
        )
