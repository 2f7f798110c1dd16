/** @odoo-module **/
// Copyright 2026 billing_payments contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
//
// Run by tests/test_browser_tours.py (which builds the data): an accountant
// opens a posted customer invoice, clicks Pay, attaches a proof of payment,
// sees the customer's active payment profile proposed, confirms, and finds
// the invoice paid and the proof and profile on the payment.
//
// Every step waits on a selector (the tour engine retries a trigger until it
// matches, visible and enabled, or the tour times out); there is no sleep.
import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";

// The proof: a 1x1 PNG, built here so that the tour needs no file on disk.
// tests/test_browser_tours.py decodes the same base64 to compare the bytes.
export const PROOF_NAME = "receipt.png";
export const PROOF_BASE64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const PROFILE = "Monthly invoices";

function proofFile() {
    const bytes = Uint8Array.from(atob(PROOF_BASE64), (c) => c.charCodeAt(0));
    return new File([bytes], PROOF_NAME, { type: "image/png" });
}

registry.category("web_tour.tours").add("billing_payments_pay_with_proof", {
    steps: () => [
        {
            content: "The posted invoice is open, not paid yet",
            trigger:
                ".o_form_view:has(.o_statusbar_status .o_arrow_button_current:contains(Posted)) .o_form_sheet div[name=partner_id]",
        },
        {
            content: "and shows no payment ribbon",
            trigger: ".o_form_view:not(:has(.ribbon)) .o_statusbar_buttons",
        },
        {
            content: "Register a payment",
            trigger: ".o_statusbar_buttons button[name=action_register_payment]",
            run: "click",
        },
        {
            content: "The Pay wizard proposes the customer's active payment profile",
            trigger: `.modal div[name=billing_payment_profile_id] input:value(${PROFILE})`,
        },
        {
            content: "Attach the proof of payment",
            trigger: ".modal div[name=billing_proof] .o_select_file_button",
            async run() {
                await inputFiles(".modal div[name=billing_proof] input.o_input_file", [
                    proofFile(),
                ]);
            },
        },
        {
            content: "The proof is attached",
            trigger: `.modal div[name=billing_proof] input.o_input:value(${PROOF_NAME})`,
        },
        {
            content: "Create the payment",
            trigger: ".modal .modal-footer button[name=action_create_payments]:enabled",
            run: "click",
        },
        {
            content: "The wizard is closed and the invoice shows it is paid",
            trigger: "body:not(:has(.modal)) .o_form_view .ribbon:contains(Paid)",
        },
        {
            content: "Open the invoice's payment",
            trigger: ".o-form-buttonbox button[name=open_payments]",
            run: "click",
        },
        {
            content: "The payment carries the payment profile",
            trigger: `.o_form_view div[name=payment_profile_id]:contains(${PROFILE}), .o_form_view div[name=payment_profile_id] input:value(${PROFILE})`,
        },
        {
            content: "The payment carries the proof, by name",
            trigger: `.o_form_view div[name=proof].o_field_binary input:value(${PROOF_NAME})`,
        },
        {
            content: "and shows the proof image",
            trigger: ".o_form_view div[name=proof].o_field_image img[src*='/proof']",
        },
        {
            content: "The payment is linked to the invoice",
            trigger: ".o-form-buttonbox button[name=button_open_invoices]",
        },
    ],
});
