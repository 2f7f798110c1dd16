"""Create a fresh API key for the demo administrator and print it.

Used by scripts/run.sh after installing the addon:

    python3 scripts/demo_api_key.py --database DB [odoo options...]

Any option other than --database is handed to Odoo's config parser (for
example --addons-path, --db_host, --db_port, --db_user, --db_password).
Previous keys of the administrator named "make run" are removed first, so
repeated runs do not pile up keys. Only the key is printed on stdout; Odoo's
logs go to stderr.
"""

import argparse
import sys

import odoo
from odoo.modules.registry import Registry

KEY_NAME = "make run"
ADMIN_LOGIN = "admin"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", "-d", required=True)
    args, odoo_args = parser.parse_known_args(argv)

    # Quiet by default: info logs would bury the key for a human reader.
    if not any(a.startswith("--log-level") for a in odoo_args):
        odoo_args.append("--log-level=warn")
    odoo.tools.config.parse_config(
        ["--database", args.database, *odoo_args], setup_logging=True
    )

    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        admin = (
            env["res.users"]
            .with_context(active_test=False)
            .search([("login", "=", ADMIN_LOGIN)], limit=1)
        )
        if not admin:
            sys.exit(f"No user with login {ADMIN_LOGIN!r} in {args.database}.")
        key = admin._billing_new_api_key(KEY_NAME, replace=True)
        cr.commit()
    sys.stdout.write(key + "\n")


if __name__ == "__main__":
    main()
