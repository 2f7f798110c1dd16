#!/usr/bin/env bash
# `make test` (and CI, through .ci/run): lint, then the test suite on a
# throw-away database.
#
#   scripts/test.sh [pytest args...]     e.g. scripts/test.sh -k profile -x
#
# Steps: find (or install) the browser for the tours (ensure_chromium in
# lib.sh); install OCA queue_job into .cache/addons when missing
# (scripts/extra_addons.sh); lint (scripts/lint.sh); create
# billing_test_<pid> ($BILLING_TEST_DB when set; it must not exist yet);
# install the addon without demo data; fix its planner statistics (below);
# run pytest-odoo on billing_payments/tests and tests/, with the ten slowest
# tests listed. The database (and its filestore)
# is dropped on exit, failed or not. Prints its own duration and how many SQL
# statements of the test database took more than a second.
# Fails when anything fails, when no test ran, or when no test passed.
#
# Planner statistics: every test runs inside one transaction that is rolled
# back, so to any other session the rows a test class creates are "in
# progress": a VACUUM or ANALYZE there (autovacuum's, which the dead rows of
# earlier test classes trigger) counts none of them live, and stores
# reltuples = 0 with the table's real page count. PostgreSQL then estimates
# one row for tables that hold thousands, and chose nested loops for Odoo's
# payment-state query (account.move._compute_payment_state) that ran for
# minutes. So right after the install the tables get true statistics (VACUUM
# ANALYZE, committed rows only) and autovacuum is switched off on every table
# of this throw-away database, so that it never replaces them mid-run. (The
# planner then scales those statistics by each table's current size.)
set -euo pipefail
started=$SECONDS
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_odoo
ensure_postgres
cd "$REPO_ROOT"
install_python_deps requirements.txt requirements-test.txt
# The browser tours (test_browser_tours.py) need Chrome/Chromium: found, or
# installed (Debian's chromium, as root), or this stops here naming it.
ensure_chromium
# OCA queue_job for tests/test_queue_job_export.py: into .cache/addons (on the
# addons path from then on), or this stops here saying what failed.
ensure_extra_addons
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

# freeze_planner_statistics <db>: true statistics now, and no autovacuum
# (which would overwrite them with "empty" ones mid-run; see the top).
freeze_planner_statistics() {
  psql -X -q -v ON_ERROR_STOP=1 -d "$1" -c 'VACUUM ANALYZE' >/dev/null &&
    psql -X -q -v ON_ERROR_STOP=1 -d "$1" >/dev/null <<'SQL'
DO $$
DECLARE
  t regclass;
BEGIN
  FOR t IN
    SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
  LOOP
    EXECUTE format('ALTER TABLE %s SET (autovacuum_enabled = off, toast.autovacuum_enabled = off)', t);
  END LOOP;
END
$$;
SQL
}

# Slow statements: the test database logs every statement over SLOW_MS
# (ALTER DATABASE, superusers only); slow_log_report counts them in the
# server log written during the run, when that log is readable: the file
# $BILLING_PG_LOG, or the local Debian/Ubuntu cluster's (pg_lsclusters).
SLOW_MS=1000
SLOW_LOG=""
SLOW_LOG_OFFSET=0
SLOW_LOG_NOTE=""
slow_log_start() {
  local db=$1 prefix
  if [[ "$(psql -X -d "$db" -Atc 'select rolsuper from pg_roles where rolname = current_user')" != t ]]; then
    SLOW_LOG_NOTE="only a PostgreSQL superuser may set log_min_duration_statement"
    return 0
  fi
  if ! psql -X -q -d "$db" -v ON_ERROR_STOP=1 -v db="$db" -v ms="$SLOW_MS" \
    <<<'ALTER DATABASE :"db" SET log_min_duration_statement = :ms' >/dev/null; then
    SLOW_LOG_NOTE="ALTER DATABASE ... SET log_min_duration_statement failed"
    return 0
  fi
  SLOW_LOG="${BILLING_PG_LOG:-}"
  if [[ -z "$SLOW_LOG" ]] && _pg_is_local && command -v pg_lsclusters >/dev/null 2>&1; then
    SLOW_LOG="$(pg_lsclusters --no-header 2>/dev/null |
      awk -v port="${PGPORT:-5432}" '$3 == port && $4 == "online" { print $7; exit }')" || SLOW_LOG=""
  fi
  prefix="$(psql -X -d "$db" -Atc 'show log_line_prefix')" || prefix=""
  if [[ -z "$SLOW_LOG" ]]; then
    SLOW_LOG_NOTE="server log unknown; set BILLING_PG_LOG to its path"
  elif [[ ! -f "$SLOW_LOG" || ! -r "$SLOW_LOG" ]]; then
    SLOW_LOG_NOTE="server log $SLOW_LOG is not readable here"
    SLOW_LOG=""
  elif [[ "$prefix" != *%d* ]]; then
    SLOW_LOG_NOTE="log_line_prefix ('$prefix') does not name the database"
    SLOW_LOG=""
  else
    SLOW_LOG_OFFSET="$(stat -c %s "$SLOW_LOG")"
  fi
}

slow_log_report() {
  local db=$1 found count
  if [[ -z "$SLOW_LOG" ]]; then
    echo "Statements over ${SLOW_MS} ms: not counted (${SLOW_LOG_NOTE})."
    return 0
  fi
  if [[ "$(stat -c %s "$SLOW_LOG" 2>/dev/null || echo 0)" -lt "$SLOW_LOG_OFFSET" ]]; then
    SLOW_LOG_OFFSET=0 # rotated meanwhile
  fi
  # "<time> [pid] user@db LOG:  duration: 1234.5 ms  statement: <SQL, maybe on
  # the next lines>" -> "1234.5<TAB>first words of the SQL", longest first.
  found="$(tail -c +"$((SLOW_LOG_OFFSET + 1))" "$SLOW_LOG" | awk -v tag="@$db " '
    function flush() {
      if (ms != "") { sub(/^ +/, "", sql); print ms "\t" substr(sql, 1, 110) }
      ms = ""
    }
    index($0, tag) && match($0, /LOG:  duration: [0-9.]+ ms/) {
      flush()
      ms = substr($0, RSTART + 16, RLENGTH - 19)
      sql = $0; sub(/.*LOG:  duration: [0-9.]+ ms +[a-z <>]*: */, "", sql)
      next
    }
    ms != "" && /^[ \t]/ {
      if (length(sql) < 110) { line = $0; gsub(/[ \t]+/, " ", line); sql = sql line }
      next
    }
    ms != "" && !/^[ \t]/ { flush() }
    END { flush() }' | sort -t"$(printf '\t')" -k1,1 -rn)" || found=""
  count="$(grep -c . <<<"$found")" || count=0
  echo "Statements of $db over ${SLOW_MS} ms: $count (server log $SLOW_LOG)."
  if [[ $count -gt 0 ]]; then
    head -n 5 <<<"$found" | sed 's/^/  ms: /'
  fi
}

bash scripts/lint.sh

DB="${BILLING_TEST_DB:-billing_test_$$}"
LOG="$(mktemp "${TMPDIR:-/tmp}/billing-pytest.XXXXXX")"
created=0 # drop only a database this run created

cleanup() {
  local rc=$? fs
  trap - EXIT
  rm -f "$LOG"
  if [[ $created -eq 1 ]] && db_exists "$DB" 2>/dev/null; then
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
  echo "Took $(((SECONDS - started) / 60))m $(((SECONDS - started) % 60))s in all (scripts/test.sh: lint, install, pytest)."
  exit "$rc"
}
trap cleanup EXIT
# Turn Ctrl-C / kill into a normal exit so the EXIT trap drops the database.
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== Creating test database $DB and installing $ADDON (no demo data)"
! db_exists "$DB" || die 1 "FAILED: database $DB exists already (unset BILLING_TEST_DB or drop it)."
createdb "$DB"
created=1
"$PYTHON" -m odoo -d "$DB" --addons-path="$ADDONS_PATH" -i "$ADDON" \
  --without-demo=all --stop-after-init --log-level=warn "${ODOO_DB_ARGS[@]}" ||
  die 1 "FAILED: installing $ADDON failed (see the log above)."
# Odoo exits 0 when it skips a module it cannot find or install.
state="$(addon_state "$DB")"
[[ "$state" == installed ]] ||
  die 1 "FAILED: $ADDON is not installed (state: '${state:-absent}'; see the log above)."

echo "== Planner statistics: VACUUM ANALYZE, then autovacuum off on every table of $DB"
freeze_planner_statistics "$DB" ||
  die 1 "FAILED: could not analyse $DB or switch its autovacuum off (see above)."
slow_log_start "$DB"

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
  --durations=10 "${color[@]}" "${paths[@]}" "$@" 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e
slow_log_report "$DB"

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
