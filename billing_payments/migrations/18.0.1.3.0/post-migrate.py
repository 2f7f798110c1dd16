# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Drop the plain uuid indexes that stood next to the UNIQUE(uuid) constraint.

Until 18.0.1.2.0 the uuid field had ``index=True`` as well as its unique
constraint, so each table kept two identical btree indexes. Odoo does not drop
an index that a field no longer asks for: this does.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools.sql import drop_index, make_index_name


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for model in env.registry.values():
        parents = model._inherit
        if isinstance(parents, str):
            parents = [parents]
        if "billing.uuid.mixin" in parents and not model._abstract:
            drop_index(cr, make_index_name(model._table, "uuid"), model._table)
