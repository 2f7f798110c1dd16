#!/usr/bin/env bash
# Installs the optional companion addons the tests use: OCA queue_job (the
# queued large XLSX exports, tests/test_queue_job_export.py), pinned below.
#
#   bash scripts/extra_addons.sh      (scripts/test.sh runs it; idempotent)
#
# The wheel goes into $REPO_ROOT/.cache/addons (gitignored) with
# `pip install --no-deps --target`, never into site-packages: there, next to
# an editable Odoo (`pip install -e`), its `odoo/addons/` directory shadows
# the `odoo` package. scripts/addons_path.py puts .cache/addons/odoo/addons
# on the addons path when it exists. Its dependencies are Odoo 18.0 itself
# and requests (requirements-test.txt), so --no-deps installs nothing else.
#
# Nothing is downloaded when the pinned version is there already, so runs
# work offline once it is; otherwise pip needs the package index (PyPI).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

QUEUE_JOB_REQUIREMENT="odoo-addon-queue-job==18.0.4.1.2.2"
# pip names the installed metadata after the wheel: what proves it is there.
QUEUE_JOB_DIST_INFO="odoo_addon_queue_job-18.0.4.1.2.2.dist-info"
CACHE="$REPO_ROOT/.cache"
TARGET="$CACHE/addons" # scripts/addons_path.py: EXTRA_ADDONS_DIR

if [[ -d "$TARGET/$QUEUE_JOB_DIST_INFO" && -f "$TARGET/odoo/addons/queue_job/__manifest__.py" ]]; then
  exit 0
fi

mkdir -p "$CACHE"
# One installer at a time (two test runs of one clone may start together).
exec 9>"$CACHE/addons.lock"
flock 9
if [[ -d "$TARGET/$QUEUE_JOB_DIST_INFO" && -f "$TARGET/odoo/addons/queue_job/__manifest__.py" ]]; then
  exit 0
fi

echo "Installing $QUEUE_JOB_REQUIREMENT into $TARGET (pip --target, not site-packages)..." >&2
# Into a fresh directory, then swapped in: an interrupted download never
# leaves a half-installed addon, and another pinned version is replaced.
staging="$(mktemp -d "$CACHE/addons.XXXXXX")"
trap 'rm -rf -- "$staging"' EXIT
log="$staging.log"
if ! "$PYTHON" -m pip install -q --disable-pip-version-check --no-deps \
  --only-binary=:all: --target "$staging" "$QUEUE_JOB_REQUIREMENT" >"$log" 2>&1; then
  reason="$(grep -v '^\s*$' "$log" | tail -n 3)"
  rm -f -- "$log"
  die 2 "FAILED: could not install $QUEUE_JOB_REQUIREMENT from the package index" \
    "(pip install --target $TARGET). The queue_job end-to-end test needs it." \
    "Is PyPI (or your PIP_INDEX_URL) reachable? pip said:" $'\n'"$reason"
fi
rm -f -- "$log"
[[ -f "$staging/odoo/addons/queue_job/__manifest__.py" && -d "$staging/$QUEUE_JOB_DIST_INFO" ]] ||
  die 2 "FAILED: pip installed $QUEUE_JOB_REQUIREMENT but $TARGET/odoo/addons/queue_job" \
    "or $QUEUE_JOB_DIST_INFO is missing from what it wrote."
# Its Python dependency besides Odoo (the manifest's external_dependencies).
(cd / && "$PYTHON" -c 'import requests') 2>/dev/null ||
  die 2 "FAILED: queue_job needs the Python package requests: pip install -r requirements-test.txt"
rm -rf -- "$TARGET"
mv -T -- "$staging" "$TARGET"
trap - EXIT
echo "Installed $QUEUE_JOB_REQUIREMENT: $TARGET/odoo/addons/queue_job" >&2
