# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_models
from . import test_views
from . import test_auth
from . import test_waldur_payment_profiles
from . import test_dialect_common
from . import test_payment_accounting
from . import test_waldur_invoice_detail
from . import test_waldur_invoice_list
from . import test_waldur_invoice_items
from . import test_waldur_invoice_stats
from . import test_waldur_invoice_growth
from . import test_waldur_invoice_actions
from . import test_invoice_buttons
from . import test_waldur_client
from . import test_waldur_payments
from . import test_waldur_client_payments
from . import test_spaceinvoices_payments
from . import test_spaceinvoices_filters
from . import test_spaceinvoices_fuzz
from . import test_unit_parsers
from . import test_architecture
from . import test_i18n
