#!/usr/bin/env bash
# `make test` (and CI, through .ci/run): lint, then the test suite on a
# throw-away database.
#
#   scripts/test.sh [pytest args...]     e.g. scripts/test.sh -k profile -x
#
# Steps: lint (scripts/lint.sh); create billing_test_<pid>; install the addon
# without demo data; run pytest-odoo on billing_payments/tests and tests/.
# The database (and its filestore) is dropped on exit, failed or not.
# Fails when anything fails, when no test ran, or when no test passed.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_odoo
ensure_postgres
cd "$REPO_ROOT"
install_python_deps requirements.txt requirements-test.txt
odoo_db_args
compute_addons_path

# Default test locations, unless the caller names paths itself
# (scripts/test.sh billing_payments/tests/test_x.py::TestX -x). An argument
# counts as a path when it exists and is not the value of an option such as
# -k or -m.
user_paths=0
prev=""
for a in "$@"; do
  case "$prev" in
    -k | -m | -p | -o | -c | --ignore | --deselect | --rootdir | --basetemp) ;;
    *) if [[ "$a" != -* && -e "${a%%::*}" ]]; then user_paths=1; fi ;;
  esac
  prev="$a"
done
paths=()
if [[ $user_paths -eq 0 ]]; then
  for p in "$ADDON/tests" tests; do
    if [[ -d "$p" ]]; then paths+=("$p"); fi
  done
  [[ ${#paths[@]} -gt 0 ]] ||
    die 1 "FAILED: no test ran (neither $ADDON/tests nor tests/ exists)."
fi

bash scripts/lint.sh

DB="billing_test_$$"
LOG="$(mktemp "${TMPDIR:-/tmp}/billing-pytest.XXXXXX")"

cleanup() {
  local rc=$? fs
  trap - EXIT
  rm -f "$LOG"
  if db_exists "$DB" 2>/dev/null; then
    # --force ends leftover sessions (PostgreSQL >= 13); fall back without it.
    dropdb --force --if-exists "$DB" 2>/dev/null || dropdb --if-exists "$DB" ||
      echo "warning: could not drop test database $DB" >&2
  fi
  # Odoo keeps the database's attachments in its filestore; remove it too.
  fs="$(cd / && "$PYTHON" -c '
import sys
from odoo.tools import config
config.parse_config([], setup_logging=False)
print(config.filestore(sys.argv[1]))
' "$DB" 2>/dev/null)" || fs=""
  if [[ "$fs" == */filestore/"$DB" && -d "$fs" ]]; then
    rm -rf -- "$fs"
  fi
  exit "$rc"
}
trap cleanup EXIT
# Turn Ctrl-C / kill into a normal exit so the EXIT trap drops the database.
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== Creating test database $DB and installing $ADDON (no demo data)"
createdb "$DB"
"$PYTHON" -m odoo -d "$DB" --addons-path="$ADDONS_PATH" -i "$ADDON" \
  --without-demo=all --stop-after-init --log-level=warn "${ODOO_DB_ARGS[@]}" ||
  die 1 "FAILED: installing $ADDON failed (see the log above)."
# Odoo exits 0 when it skips a module it cannot find or install.
state="$(addon_state "$DB")"
[[ "$state" == installed ]] ||
  die 1 "FAILED: $ADDON is not installed (state: '${state:-absent}'; see the log above)."

# pytest-odoo passes --odoo-extra=<name>=<value> to Odoo as --<name>=<value>.
extra=(--odoo-extra=http-interface=127.0.0.1)
for a in "${ODOO_DB_ARGS[@]}"; do
  extra+=("--odoo-extra=${a#--}")
done
color=()
if [[ -t 1 ]]; then color=(--color=yes); fi # keep colours despite the tee

echo "== pytest"
# --odoo-http: without it pytest-odoo skips every HttpCase.
# Odoo's own addons are in --odoo-addons-path too: pytest-odoo hands it to
# Odoo as --addons-path, which replaces Odoo's default (see lib.sh).
set +e
"$PYTHON" -m pytest --odoo-database="$DB" --odoo-addons-path="$ADDONS_PATH" \
  --odoo-http --odoo-log-level=warn "${extra[@]}" -p no:cacheprovider \
  "${color[@]}" "${paths[@]}" "$@" 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e

if [[ $rc -eq 5 ]]; then
  die 1 "FAILED: no test ran (pytest collected no tests)."
elif [[ $rc -ne 0 ]]; then
  die 1 "FAILED: pytest exited with status $rc."
fi
# All skipped (or deselected) is not a pass. Read the final summary line
# ("== 12 passed, 1 skipped in 9.1s =="), colours stripped.
summary="$(sed 's/\x1b\[[0-9;]*m//g' "$LOG" |
  grep -E '[0-9]+ (passed|failed|skipped|deselected|xfailed|xpassed|warnings?|errors?)\b.* in [0-9.]+s' |
  tail -n 1 | sed -E 's/^=+ *//; s/ *=+$//')" || true
passed="$(grep -Eo '[0-9]+ passed' <<<"$summary" | cut -d' ' -f1)" || true
if [[ "${passed:-0}" -eq 0 ]]; then
  die 1 "FAILED: no test passed (${summary:-no pytest summary found})."
fi
echo "Tests passed: $summary"
