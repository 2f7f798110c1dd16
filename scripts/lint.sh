#!/usr/bin/env bash
# Static checks (what `make lint` runs; scripts/test.sh runs it first):
#   ruff check, ruff format --check, pylint-odoo's mandatory checks on the
#   addon, and OCA's odoo-pre-commit-hooks: oca-checks-odoo-module (XML, CSV,
#   manifest and file checks of the addon) and oca-checks-po (the addon's
#   i18n/*.po and *.pot files, when there are any). .pre-commit-config.yaml
#   runs the same commands. Every check runs even when an earlier one fails,
#   so one run shows all findings; the script exits 1 if any of them reported
#   something.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$REPO_ROOT"
install_python_deps requirements.txt requirements-test.txt

failed=()
run_check() { # run_check <name> <command...>
  local name=$1
  shift
  echo "== $name: $*"
  if ! "$@"; then
    failed+=("$name")
  fi
}

# Through "$PYTHON -m" so the versions pinned in requirements-test.txt for
# this interpreter are the ones used, not whatever is first on PATH.
# --no-fix: CI must report, never rewrite (OCA's template sets fix = true).
run_check "ruff check" "$PYTHON" -m ruff check --no-fix .
run_check "ruff format" "$PYTHON" -m ruff format --check .
run_check "pylint-odoo (mandatory)" "$PYTHON" -m pylint --rcfile=.pylintrc-mandatory "$ADDON"
# The modules behind the console scripts oca-checks-odoo-module and oca-checks-po.
run_check "oca-checks-odoo-module" "$PYTHON" -m oca_pre_commit_hooks.cli "$ADDON/__manifest__.py"
# The benchmarks' no-op route addon (bench/addons, never shipped) is held to the same checks.
BENCH_ADDON=bench/addons/billing_bench_floor
run_check "pylint-odoo (bench floor addon)" "$PYTHON" -m pylint --rcfile=.pylintrc-mandatory "$BENCH_ADDON"
run_check "oca-checks (bench floor addon)" "$PYTHON" -m oca_pre_commit_hooks.cli "$BENCH_ADDON/__manifest__.py"
shopt -s nullglob
po_files=("$ADDON"/i18n/*.po "$ADDON"/i18n/*.pot)
shopt -u nullglob
if [[ ${#po_files[@]} -gt 0 ]]; then
  run_check "oca-checks-po" "$PYTHON" -m oca_pre_commit_hooks.cli_po "${po_files[@]}"
fi

if [[ ${#failed[@]} -gt 0 ]]; then
  msg="$(printf '%s; ' "${failed[@]}")"
  echo "Lint failed: ${msg%; }" >&2
  exit 1
fi
echo "Lint passed."
