"""Print the addons path to run this addon with: this repository, the
optional companion addons of .cache/addons (when installed), then Odoo's.

    python3 scripts/addons_path.py

The one computation of it: scripts/lib.sh runs this file, the benchmarks
and tests/e2e.py import it. Passing ``--addons-path`` replaces Odoo's default
path, so Odoo's own addons directories must be added back: ``odoo/addons``
(base, which Odoo re-adds anyway) and ``../addons`` next to the package,
where ``account`` lives in a git clone of odoo/odoo.

scripts/extra_addons.sh installs OCA queue_job with ``pip install --target
.cache/addons`` (never into site-packages, where it would shadow an editable
Odoo): its addons live in ``.cache/addons/odoo/addons``.
"""

import importlib.util
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# Where scripts/extra_addons.sh installs the companion addons' wheels.
EXTRA_ADDONS_DIR = REPO_ROOT / ".cache" / "addons"


def odoo_core_addons_dirs():
    """Odoo's own addons directories, found as Odoo's config finds them.

    The package is located without being imported, so that calling this
    neither configures nor slows down the caller.
    """
    spec = importlib.util.find_spec("odoo")
    if spec is None or not spec.origin:
        return []
    root = Path(spec.origin).resolve().parent
    candidates = [root / "addons", root.parent / "addons"]
    # As Odoo's config._is_addons_path: a directory holding at least one module.
    return [
        str(path)
        for path in candidates
        if path.is_dir() and any(path.glob("*/__manifest__.py"))
    ]


def extra_addons_dirs():
    """The companion addons' directory of a ``pip install --target``, when
    it holds at least one module (nothing before scripts/extra_addons.sh)."""
    path = EXTRA_ADDONS_DIR / "odoo" / "addons"
    return [str(path)] if any(path.glob("*/__manifest__.py")) else []


def addons_path():
    """This repository first, then the installed companion addons, then
    Odoo's own addons, comma-separated."""
    return ",".join([str(REPO_ROOT), *extra_addons_dirs(), *odoo_core_addons_dirs()])


if __name__ == "__main__":
    print(addons_path())
