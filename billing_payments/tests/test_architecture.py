# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The layers of the addon, checked on its import statements.

Plain modules (``utils``, ``money``, ``exceptions``, ``kept_counts``,
``invoice_totals``) import no other layer;
models import no dialect or controller, except ``models/ir_http.py`` that
looks up the dialect registry to render errors; dialects import no model
module (they reach models through ``env`` only).
"""

import ast
from pathlib import Path

from odoo.tests import BaseCase, tagged

ADDON_DIR = Path(__file__).resolve().parent.parent
ADDON = "billing_payments"
PLAIN_MODULES = {"utils", "money", "exceptions", "kept_counts", "invoice_totals"}
LICENCE_HEADER = (
    "# Copyright 2026 billing_payments contributors\n"
    "# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).\n"
)
ALLOWED = {("models.ir_http", "dialects")}


def module_name(path):
    """``models/account_move.py`` → ``models.account_move``."""
    parts = path.relative_to(ADDON_DIR).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imported_modules(path):
    """The addon-relative names of the addon modules ``path`` imports."""
    name = module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = [*base, *(node.module.split(".") if node.module else [])]
            elif node.module and node.module.startswith(f"odoo.addons.{ADDON}"):
                target = node.module.split(".")[3:]
            else:
                continue
            # ``from . import x`` imports the submodule x.
            names = [alias.name for alias in node.names] if not node.module else []
            for imported in names or [None]:
                full = [*target, imported] if imported else target
                found.add(".".join(full))
    return found


def layer(name):
    return name.split(".")[0] if name else ""


@tagged("post_install", "-at_install")
class TestImportLayers(BaseCase):
    def imports(self):
        for path in sorted(ADDON_DIR.rglob("*.py")):
            if "tests" in path.relative_to(ADDON_DIR).parts:
                continue
            if "migrations" in path.relative_to(ADDON_DIR).parts:
                continue
            yield module_name(path), imported_modules(path)

    def test_the_scanner_sees_relative_imports(self):
        found = dict(self.imports())
        self.assertIn("utils", found["models.account_move"])
        self.assertIn("dialects", found["models.ir_http"])
        self.assertIn("dialects.waldur.fields", found["dialects.waldur.payments"])

    def test_layers(self):
        for name, targets in self.imports():
            for target in targets:
                pair = (name, layer(target))
                with self.subTest(module=name, imports=target):
                    if layer(name) in PLAIN_MODULES:
                        self.assertIn(
                            layer(target), PLAIN_MODULES, "plain modules stay plain"
                        )
                    if layer(name) == "models" and pair not in ALLOWED:
                        self.assertNotIn(layer(target), ("dialects", "controllers"))
                    if layer(name) == "dialects":
                        self.assertNotIn(layer(target), ("models", "controllers"))

    def test_every_python_file_has_the_licence_header(self):
        missing = [
            str(path.relative_to(ADDON_DIR))
            for path in sorted(ADDON_DIR.rglob("*.py"))
            if not path.read_text().startswith(LICENCE_HEADER)
        ]
        self.assertEqual(missing, [])
