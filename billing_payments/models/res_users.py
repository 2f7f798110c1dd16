# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _billing_new_api_key(self, name, expiration_date=None, replace=False):
        """A new clear-text ``rpc`` API key of this user, named ``name``.

        The one way the run script, the benchmarks and the tests make keys.
        ``replace`` first deletes this user's keys of the same name, so that
        a script run again does not pile them up. API keys are a technical
        model that only its owner may write: ``with_user(self).sudo()`` is
        how Odoo's own key wizard creates them.
        """
        self.ensure_one()
        keys = self.env["res.users.apikeys"].with_user(self).sudo()
        if replace:
            keys.search([("user_id", "=", self.id), ("name", "=", name)]).unlink()
        return keys._generate("rpc", name, expiration_date)
