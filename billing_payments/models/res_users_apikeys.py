# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The API's key check, without a password hash on every request.

Odoo checks an API key with passlib's ``pbkdf2_sha512`` (3.5–8 ms of CPU on
a 2-core machine), on purpose slow. An API client sends the same key on
every request, so each server process remembers the keys it has verified.
The memory is harmless and revocation stays immediate:

- it holds no key: its entries are HMAC-SHA256 digests of the keys under a
  secret drawn when the process starts, mapped to the key's row and the
  stored hash that matched;
- a remembered key still costs one query per request, the same conditions
  as Odoo's own check (the row exists with that hash, its user is active,
  its scope and expiry allow it) on that one row. A key deleted, expired or
  whose user is archived is refused by the very next request, in every
  process;
- only successes are remembered: a wrong key pays the full hash every time,
  so guessing costs what it costs with Odoo's own check.
"""

import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict

from odoo import models
from odoo.tools import SQL

from odoo.addons.base.models.res_users import INDEX_SIZE, KEY_CRYPT_CONTEXT

# Entries per process; the oldest goes first. Each is about 200 bytes.
VERIFIED_KEYS_MAX = 1024
_SECRET = secrets.token_bytes(32)
_verified = OrderedDict()  # (dbname, digest) -> (key id, user id, stored hash)
_verified_lock = threading.Lock()


def _valid_key_conditions(scope):
    """Odoo's conditions for a usable key (``_check_credentials``)."""
    return SQL(
        """u.active
        AND (k.scope IS NULL OR k.scope = %s)
        AND (k.expiration_date IS NULL
             OR k.expiration_date >= now() at time zone 'utc')""",
        scope,
    )


def _digest(key):
    return hmac.new(_SECRET, key.encode(), hashlib.sha256).digest()


def _remembered(entry_key):
    with _verified_lock:
        entry = _verified.get(entry_key)
        if entry is not None:
            _verified.move_to_end(entry_key)
        return entry


def _remember(entry_key, entry):
    with _verified_lock:
        _verified[entry_key] = entry
        _verified.move_to_end(entry_key)
        while len(_verified) > VERIFIED_KEYS_MAX:
            _verified.popitem(last=False)


def _forget(entry_key):
    with _verified_lock:
        _verified.pop(entry_key, None)


def forget_all_verified_keys():
    """Empty this process's memory of verified keys (tests, benchmarks)."""
    with _verified_lock:
        _verified.clear()


class ResUsersApikeys(models.Model):
    _inherit = "res.users.apikeys"

    def _billing_check_api_key(self, key, scope="rpc"):
        """The id of the user owning the valid API key ``key``, or None.

        The same answer as Odoo's ``_check_credentials(scope=, key=)``, in
        one query and no hash when this process has verified the key before
        (see the module's docstring).
        """
        entry_key = (self.env.cr.dbname, _digest(key))
        entry = _remembered(entry_key)
        if entry is not None:
            key_id, user_id, stored_hash = entry
            self.env.cr.execute(
                SQL(
                    """SELECT k.user_id FROM %s k JOIN res_users u ON u.id = k.user_id
                    WHERE k.id = %s AND k.key = %s AND k.user_id = %s AND %s""",
                    SQL.identifier(self._table),
                    key_id,
                    stored_hash,
                    user_id,
                    _valid_key_conditions(scope),
                )
            )
            if self.env.cr.fetchone():
                return user_id
            # Deleted, expired, its user archived: check it as a new key.
            _forget(entry_key)
        # Odoo's check (res.users.apikeys._check_credentials), keeping which
        # row matched.
        self.env.cr.execute(
            SQL(
                """SELECT k.id, k.user_id, k.key FROM %s k
                JOIN res_users u ON u.id = k.user_id
                WHERE k.index = %s AND %s""",
                SQL.identifier(self._table),
                key[:INDEX_SIZE],
                _valid_key_conditions(scope),
            )
        )
        for key_id, user_id, stored_hash in self.env.cr.fetchall():
            if KEY_CRYPT_CONTEXT.verify(key, stored_hash):
                _remember(entry_key, (key_id, user_id, stored_hash))
                return user_id
        return None
