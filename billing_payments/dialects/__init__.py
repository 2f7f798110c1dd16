# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Wire formats of the billing APIs.

Each dialect is a plain module: request parsing and validation, response
rendering and its error format. No accounting happens here; the models do
that. ``DIALECTS`` lets ``ir.http`` find the module whose error format a
failed request must use (routes name it in their ``billing_dialect`` key).
"""

from . import common
from . import spaceinvoices
from . import waldur

DIALECTS = {
    "spaceinvoices": spaceinvoices,
    "waldur": waldur,
}
