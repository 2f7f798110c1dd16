# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import models
from . import controllers
from . import wizards
from .hooks import pre_init_hook, uninstall_hook
