# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Billing Payments: benchmark floor",
    "summary": "A no-op API route measuring the fixed cost of an API request",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/billing-payments/billing_payments",
    "author": "billing_payments contributors",
    "maintainers": ["billing-payments"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["billing_payments"],
}
