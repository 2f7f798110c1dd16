# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import billing_growth_export_wizard
from . import account_payment_register
from . import billing_payment_link_wizard
from . import billing_send_notification_wizard
