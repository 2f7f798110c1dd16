"""Repository-level pytest configuration (used by scripts/test.sh).

It lives at the repository root on purpose: a conftest.py inside
billing_payments/tests is imported as ``billing_payments.tests.conftest`` and
Odoo refuses imports of addons that do not start with ``odoo.addons``.
"""

import pytest


@pytest.fixture(autouse=True)
def _odoo_current_test(request):
    """Mark the running Odoo test as Odoo's own test runner does.

    pytest-odoo 2.3.0 sets ``odoo.modules.module.current_test`` only on Odoo 19
    and later. Odoo 18 reads it, among others, before opening SMTP connections
    (ir.mail_server): without it, e-mails sent during tests really try SMTP and
    end in the "exception" state. It also sets ``test_enable`` as Odoo's runner
    does. Only BaseCase instances are marked, since
    Odoo's test cursors call ``current_test.check_test_cursor()``.
    """
    # Imported here, not at module level, so that collecting this conftest
    # does not import Odoo before pytest-odoo has parsed its configuration.
    import odoo.modules.module
    from odoo.tests.common import BaseCase
    from odoo.tools import config

    if not isinstance(getattr(request, "instance", None), BaseCase):
        yield
        return
    odoo.modules.module.current_test = request.instance
    # Odoo's own runner runs with --test-enable; reports then render as HTML
    # instead of calling wkhtmltopdf (which test machines may lack).
    test_enable = config["test_enable"]
    config["test_enable"] = True
    try:
        yield
    finally:
        odoo.modules.module.current_test = False
        config["test_enable"] = test_enable
