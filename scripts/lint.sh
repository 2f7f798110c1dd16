#!/usr/bin/env bash
# Static checks (what `make lint` runs; scripts/test.sh runs it first):
#   ruff check, ruff format --check, and pylint-odoo's mandatory checks on the
#   addon. Every check runs even when an earlier one fails, so one run shows
#   all findings; the script exits 1 if any of them reported something.
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

if [[ ${#failed[@]} -gt 0 ]]; then
  msg="$(printf '%s; ' "${failed[@]}")"
  echo "Lint failed: ${msg%; }" >&2
  exit 1
fi
echo "Lint passed."
