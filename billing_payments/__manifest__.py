# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Billing Payments",
    "summary": "Waldur and Space Invoices billing APIs on Odoo invoices and payments",
    "version": "18.0.1.7.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/billing-payments/billing_payments",
    "author": "billing_payments contributors",
    "maintainers": ["billing-payments"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["account"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/billing_payments_security.xml",
        "security/ir.model.access.csv",
        "data/ir_config_parameter_data.xml",
        "data/ir_cron_data.xml",
        "views/account_move_views.xml",
        "views/account_move_line_views.xml",
        "views/account_payment_views.xml",
        "views/billing_payment_profile_views.xml",
        "views/billing_payment_channel_views.xml",
        "views/res_partner_views.xml",
        "views/product_template_views.xml",
        "views/billing_invoice_growth_report_views.xml",
        "views/account_portal_templates.xml",
        "wizards/billing_growth_export_wizard_views.xml",
        "wizards/account_payment_register_views.xml",
        "wizards/billing_payment_link_wizard_views.xml",
        "wizards/billing_send_notification_wizard_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "billing_payments/static/src/js/error_dialogs.js",
            "billing_payments/static/src/fields/key_value_field.js",
            "billing_payments/static/src/fields/key_value_field.xml",
            "billing_payments/static/src/fields/key_value_field.scss",
        ],
        "web.assets_unit_tests": [
            "billing_payments/static/tests/**/*",
        ],
        "web.assets_tests": [
            "billing_payments/static/src/tours/*.js",
        ],
    },
    "demo": [
        "demo/billing_demo.xml",
    ],
    "pre_init_hook": "pre_init_hook",
    "uninstall_hook": "uninstall_hook",
}
