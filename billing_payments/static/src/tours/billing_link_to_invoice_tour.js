/** @odoo-module **/
// Copyright 2026 billing_payments contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
//
// Run by tests/test_browser_tours.py (which builds the data): an accountant
// opens a posted payment that is linked to no invoice, clicks Link to
// Invoice, picks the customer's invoice referenced TOUR-LINK-ME among its
// open ones, confirms, and sees the payment linked to the invoice.
//
// Every step waits on a selector; there is no sleep.
import { registry } from "@web/core/registry";

const INVOICE_REF = "TOUR-LINK-ME";

registry.category("web_tour.tours").add("billing_payments_link_to_invoice", {
    steps: () => [
        {
            content: "The payment is linked to no invoice yet",
            trigger:
                "body:not(:has(.o-form-buttonbox button[name=button_open_invoices])) .o_form_view .o_form_sheet div[name=partner_id]",
        },
        {
            content: "Link it to an invoice (it cannot be unlinked yet)",
            trigger:
                ".o_statusbar_buttons:not(:has(button[name=action_billing_unlink_invoice])) button[name=action_billing_link_invoice]",
            run: "click",
        },
        {
            content: "The wizard names the payment's customer",
            trigger: ".modal div[name=partner_id]:not(:empty)",
        },
        {
            // A click (one search), not typing (one search a keystroke, whose
            // successive dropdowns would race the next click).
            content: "List the customer's open invoices",
            trigger: ".modal div[name=invoice_id] input",
            run: "click",
        },
        {
            content: "Choose the invoice",
            trigger: `.modal div[name=invoice_id] .o-autocomplete--dropdown-item:contains(${INVOICE_REF})`,
            run: "click",
        },
        {
            content: "The wizard shows the amount due",
            trigger: ".modal div[name=amount_residual]:contains(/\\d/)",
        },
        {
            content: "Link and reconcile",
            trigger: ".modal .modal-footer button[name=action_link]:enabled",
            run: "click",
        },
        {
            content: "The wizard is closed and the payment shows its invoice",
            trigger:
                "body:not(:has(.modal)) .o-form-buttonbox button[name=button_open_invoices]:contains(Invoice)",
        },
        {
            content: "The payment can be unlinked, no longer linked again",
            trigger:
                ".o_statusbar_buttons:not(:has(button[name=action_billing_link_invoice])) button[name=action_billing_unlink_invoice]",
        },
        {
            content: "Open the invoice",
            trigger: ".o-form-buttonbox button[name=button_open_invoices]",
            run: "click",
        },
        {
            content: "It is the invoice chosen, and it is paid",
            trigger: `.o_control_panel .o_last_breadcrumb_item:contains(${INVOICE_REF})`,
        },
        {
            trigger: ".o_form_view .ribbon:contains(Paid)",
        },
    ],
});
