# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import billing_uuid_mixin
from . import account_move
from . import account_move_send
from . import account_move_line
from . import account_payment
from . import billing_payment_channel
from . import billing_payment_profile
from . import ir_http
from . import product_product
from . import product_template
from . import res_company
from . import res_partner
from . import res_users
from . import res_users_apikeys
from . import billing_invoice_growth_report
from . import billing_idempotency_key
from . import billing_xlsx_export
