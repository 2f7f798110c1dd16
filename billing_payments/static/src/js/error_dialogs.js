/** @odoo-module **/
// Copyright 2026 billing_payments contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
//
// The addon's business errors subclass Odoo's UserError and ValidationError,
// but the web client picks its dialog by the exception's full class name: an
// unknown name gets the "Oops! Something went wrong" dialog with a traceback.
// These are user errors, shown as Odoo shows its own.
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { WarningDialog, odooExceptionTitleMap } from "@web/core/errors/error_dialogs";

const BILLING_ERRORS = {
    "odoo.addons.billing_payments.exceptions.BillingConflictError": _t("Invalid Operation"),
    "odoo.addons.billing_payments.exceptions.ConcurrentUpdate": _t("Invalid Operation"),
    "odoo.addons.billing_payments.exceptions.ProofRejected": _t("Validation Error"),
};

for (const [name, title] of Object.entries(BILLING_ERRORS)) {
    odooExceptionTitleMap.set(name, title);
    registry.category("error_dialogs").add(name, WarningDialog);
}
