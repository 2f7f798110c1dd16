#!/usr/bin/env bash
# `make run`: a local Odoo with billing_payments and its demo data.
#
# Creates (or updates) the database ${BILLING_DB:-billing_demo}, installs or
# updates the addon, prints a fresh API key for the demo administrator with
# ready-to-paste curl lines, then serves Odoo on
# 127.0.0.1:${BILLING_HTTP_PORT:-8069} in the foreground (Ctrl-C stops it).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_odoo
ensure_postgres
cd "$REPO_ROOT"
install_python_deps requirements.txt
odoo_db_args
compute_addons_path

DB="${BILLING_DB:-billing_demo}"
PORT="${BILLING_HTTP_PORT:-8069}"

# -u only when the addon is already installed in an existing database;
# otherwise -i (a new database gets initialised by Odoo on the way).
# Demo data: Odoo loads it for modules installed without --without-demo (the
# default), so it must not be passed here.
state=""
if db_exists "$DB"; then state="$(addon_state "$DB")"; fi
if [[ "$state" == installed ]]; then
  echo "Updating $ADDON in database $DB..." >&2
  mode=(-u "$ADDON")
else
  echo "Installing $ADDON in database $DB..." >&2
  mode=(-i "$ADDON")
fi
"$PYTHON" -m odoo -d "$DB" --addons-path="$ADDONS_PATH" "${mode[@]}" \
  --stop-after-init "${ODOO_DB_ARGS[@]}"

# Odoo exits 0 even when it skips a module it cannot find or install, so
# check the outcome rather than trusting the exit code.
state="$(addon_state "$DB")"
[[ "$state" == installed ]] ||
  die 1 "$ADDON is not installed in $DB (state: '${state:-absent}'); see the log above."

KEY="$("$PYTHON" scripts/demo_api_key.py --database "$DB" \
  --addons-path="$ADDONS_PATH" "${ODOO_DB_ARGS[@]}")"

cat <<EOT

API key of the demo administrator (login admin), named "make run":
  $KEY

Try it once the server below is up:
  curl -H "Authorization: Token $KEY" http://127.0.0.1:$PORT/api/payment-profiles/
  curl -H "Authorization: Bearer $KEY" http://127.0.0.1:$PORT/api/payment-profiles/

Web client: http://127.0.0.1:$PORT/odoo (demo login admin / admin)

EOT

# -d without --db-filter: Odoo then does not list the databases on every
# API request (it has no session cookie), see README "Running at scale".
exec "$PYTHON" -m odoo -d "$DB" --addons-path="$ADDONS_PATH" \
  --http-interface=127.0.0.1 --http-port="$PORT" "${ODOO_DB_ARGS[@]}"
