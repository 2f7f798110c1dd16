# shellcheck shell=bash
# Helpers shared by scripts/run.sh, scripts/test.sh and scripts/lint.sh.
# Source it (". scripts/lib.sh"); it is not meant to be executed.
#
# Environment it honours:
#   PYTHON                        interpreter to use (default: python3)
#   PGHOST PGPORT PGUSER PGPASSWORD   usual libpq variables; passed on to Odoo

# The repository root is the addons directory: it holds billing_payments/.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ADDON=billing_payments
PYTHON="${PYTHON:-python3}"

die() { # die <exit code> <message...>
  local code=$1
  shift
  printf '%s\n' "$*" >&2
  exit "$code"
}

# --- Odoo ------------------------------------------------------------------

# Exit 2 with installation instructions unless $PYTHON imports Odoo 18.0.
require_odoo() {
  local py out found reason=""
  py="$(command -v "$PYTHON" 2>/dev/null || echo "$PYTHON (not on PATH)")"
  # `cd /` so that nothing in the current directory can shadow the package.
  if out="$(cd / && "$PYTHON" -c 'import odoo.release as r; print(r.version_info[0], r.version_info[1], r.version)' 2>/dev/null)"; then
    if [[ "$out" == "18 0 "* ]]; then
      return 0
    fi
    found="${out#* * }" # "17 0 17.0" -> "17.0"
  else
    found="nothing"
    # One line of why (e.g. "ModuleNotFoundError: No module named 'odoo'"),
    # never the whole traceback.
    reason="$(cd / && "$PYTHON" -c 'import odoo.release' 2>&1 | tail -n 1)" || true
  fi
  {
    echo "Odoo 18.0 is not importable by $py (found: $found)." \
      "Install Odoo 18.0 from upstream (https://github.com/odoo/odoo, branch 18.0:" \
      "clone it, \`pip install -r requirements.txt\` (psycopg2-binary works)," \
      "then \`pip install -e .\`) so that \`python3 -c 'import odoo'\` works."
    if [[ -n "$reason" ]]; then
      echo "(python said: $reason)"
    fi
  } >&2
  exit 2
}

# Sets ADDONS_PATH: this repository first, then Odoo's own addons directories
# (passing --addons-path replaces Odoo's default, so they must be added back).
# scripts/addons_path.py is the one computation of it, shared with the
# benchmarks and the end-to-end tests. `cd /` so that nothing in the current
# directory can shadow the odoo package it looks for.
compute_addons_path() {
  # shellcheck disable=SC2034 # read by the scripts that source this file
  ADDONS_PATH="$(cd / && "$PYTHON" "$REPO_ROOT/scripts/addons_path.py")" ||
    die 2 "Could not compute the addons path (scripts/addons_path.py failed)."
}

# Installs the optional companion addons the tests use (OCA queue_job, pinned
# in scripts/extra_addons.sh) into .cache/addons, never site-packages; exits
# with its message when that fails (e.g. the package index is unreachable).
# Run it before compute_addons_path, which adds .cache/addons when present.
ensure_extra_addons() {
  "$BASH" "$REPO_ROOT/scripts/extra_addons.sh" || exit $?
}

# --- Browser for the tours -------------------------------------------------

# Prints the Chrome/Chromium executable that Odoo's test browser
# (odoo.tests.common.ChromeBrowser) would start, as Odoo itself finds it
# (_find_executable: on Linux google-chrome, chromium, chromium-browser or
# google-chrome-stable on PATH or in Odoo's bin_path; fixed paths on macOS and
# Windows). Returns 1 when there is none, 2 when Odoo could not be asked.
_odoo_chrome_executable() {
  local rc=0
  (cd / && "$PYTHON" - 2>/dev/null) <<'EOF' || rc=$?
import sys
import unittest

try:
    from odoo.tests.common import _find_executable
except Exception:
    sys.exit(2)
try:
    print(_find_executable())
except unittest.SkipTest:  # Odoo's way of saying "not found"
    sys.exit(1)
EOF
  return "$rc"
}

# Makes sure the browser tours (billing_payments/tests/test_browser_tours.py)
# have a browser: fine when Odoo finds one; else installs Debian's chromium
# when running as root with apt-get; else exits 2 naming the package. Odoo's
# HttpCase would otherwise *skip* the tours; the tests fail without a browser
# too, so a missing one is never silent.
ensure_chromium() {
  local exe rc=0
  exe="$(_odoo_chrome_executable)" || rc=$?
  if [[ $rc -eq 0 ]]; then
    echo "Browser for the tours: $exe" >&2
    return 0
  elif [[ $rc -ne 1 ]]; then
    die 2 "Could not ask Odoo for its Chrome/Chromium executable" \
      "(importing odoo.tests.common failed; run: $PYTHON -c 'import odoo.tests.common')."
  fi
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "No Chrome/Chromium found for the browser tours; installing Debian's chromium..." >&2
    # The package lists may be empty on a fresh machine: update once on failure.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >&2 ||
      { DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >&2; } ||
      die 2 "apt-get install -y chromium failed; install the chromium package and retry."
    rc=0
    exe="$(_odoo_chrome_executable)" || rc=$?
    [[ $rc -eq 0 ]] ||
      die 2 "chromium is installed but Odoo still finds no browser (it looks for" \
        "google-chrome, chromium, chromium-browser, google-chrome-stable on PATH)."
    echo "Browser for the tours: $exe" >&2
    return 0
  fi
  die 2 "No Chrome/Chromium found for the browser tests (Odoo looks for google-chrome," \
    "chromium, chromium-browser or google-chrome-stable on PATH). Install the" \
    "package chromium (Debian/Ubuntu: apt-get install chromium), or Google Chrome."
}

# --- PostgreSQL ------------------------------------------------------------

# True when the server is (supposed to be) on this machine: PGHOST unset,
# localhost/loopback, or a Unix-socket directory.
_pg_is_local() {
  case "${PGHOST:-}" in
    "" | localhost | 127.0.0.1 | ::1 | /*) return 0 ;;
    *) return 1 ;;
  esac
}

# Runs a command as root: directly when we are root, else through
# non-interactive sudo (fails rather than prompting).
_as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  else
    sudo -n "$@"
  fi
}

# Runs a command as the postgres OS user with PGHOST/PGUSER/PGPASSWORD
# dropped (so it connects over the local socket with peer auth), keeping a
# socket-directory PGHOST and PGPORT. `cd /` avoids "could not change
# directory" noise when the current directory is not readable by postgres.
_as_postgres() {
  local keep_host=()
  if [[ "${PGHOST:-}" == /* ]]; then
    keep_host=(PGHOST="$PGHOST")
  fi
  (
    cd /
    if [[ "$(id -u)" -eq 0 ]]; then
      runuser -u postgres -- env -u PGHOST -u PGUSER -u PGPASSWORD "${keep_host[@]}" "$@"
    else
      sudo -n -u postgres env -u PGHOST -u PGUSER -u PGPASSWORD "${keep_host[@]}" "$@"
    fi
  )
}

# Makes sure a PostgreSQL server answers and that our role exists in it.
# A remote server (PGHOST set to another host) is only checked, never managed.
ensure_postgres() {
  local where="${PGHOST:-local socket}${PGPORT:+ port $PGPORT}"
  if ! command -v psql >/dev/null 2>&1 || ! command -v pg_isready >/dev/null 2>&1; then
    if [[ -z "${PGHOST:-}" ]]; then
      die 2 "PostgreSQL is not installed (no psql/pg_isready on PATH)." \
        "Install it (Debian/Ubuntu: apt-get install postgresql), or point" \
        "PGHOST/PGPORT/PGUSER/PGPASSWORD at a running server."
    fi
    die 2 "The PostgreSQL client tools (psql, pg_isready, createdb, dropdb) are" \
      "needed to talk to $where. Install them (Debian/Ubuntu: apt-get install postgresql-client)."
  fi

  if ! pg_isready -q; then
    if ! _pg_is_local; then
      die 2 "PostgreSQL at $where does not answer (pg_isready failed)."
    fi
    if command -v pg_lsclusters >/dev/null 2>&1; then
      # Debian/Ubuntu clusters: start every one that is down.
      local ver name _port status _rest
      while read -r ver name _port status _rest; do
        if [[ "$status" == down* ]]; then
          echo "Starting PostgreSQL cluster $ver/$name..." >&2
          _as_root pg_ctlcluster "$ver" "$name" start ||
            echo "Could not start cluster $ver/$name (need root or passwordless sudo)." >&2
        fi
      done < <(pg_lsclusters --no-header)
    fi
    local i
    for ((i = 0; i < 30; i++)); do
      pg_isready -q && break
      sleep 1
    done
    pg_isready -q ||
      die 2 "PostgreSQL at $where does not answer and could not be started." \
        "Start it (e.g. pg_ctlcluster <version> main start) and retry."
  fi

  local err role="${PGUSER:-$(id -un)}"
  if ! err="$(psql -X -d postgres -Atc 'select 1' 2>&1 >/dev/null)"; then
    if [[ "$err" == *"role \"$role\" does not exist"* ]] && _pg_is_local; then
      echo "Creating PostgreSQL superuser role \"$role\"..." >&2
      _as_postgres createuser -s "$role" ||
        die 2 "Could not create role \"$role\" (run as root, or: sudo -u postgres createuser -s $role)."
      err="$(psql -X -d postgres -Atc 'select 1' 2>&1 >/dev/null)" ||
        die 2 "Cannot connect to PostgreSQL at $where as \"$role\": $err"
    else
      die 2 "Cannot connect to PostgreSQL at $where as \"$role\": $err"
    fi
  fi
}

# Sets ODOO_DB_ARGS: Odoo's database options mirroring the libpq variables
# that are set. (libpq would read them from the environment anyway; being
# explicit makes the command lines self-describing.)
odoo_db_args() {
  ODOO_DB_ARGS=()
  if [[ -n "${PGHOST:-}" ]]; then ODOO_DB_ARGS+=("--db_host=$PGHOST"); fi
  if [[ -n "${PGPORT:-}" ]]; then ODOO_DB_ARGS+=("--db_port=$PGPORT"); fi
  if [[ -n "${PGUSER:-}" ]]; then ODOO_DB_ARGS+=("--db_user=$PGUSER"); fi
  if [[ -n "${PGPASSWORD:-}" ]]; then ODOO_DB_ARGS+=("--db_password=$PGPASSWORD"); fi
}

# True when database $1 exists.
db_exists() {
  # Through stdin so that psql quotes the name (:'db'); -c does no interpolation.
  [[ "$(psql -X -d postgres -At -v db="$1" <<<"select 1 from pg_database where datname = :'db'")" == 1 ]]
}

# Prints the state of the addon in database $1 ("installed", "uninstalled",
# "to install"...), or nothing when the database is not an Odoo one.
addon_state() {
  psql -X -d "$1" -Atc "select state from ir_module_module where name = '$ADDON'" 2>/dev/null || true
}

# --- Python dependencies ---------------------------------------------------

# install_python_deps [requirements file...]  (default: requirements.txt)
# Skips pip entirely when every requirement is already satisfied, so runs
# work offline once the dependencies are there.
install_python_deps() {
  local files=("$@") args=() f
  if [[ ${#files[@]} -eq 0 ]]; then
    files=("$REPO_ROOT/requirements.txt")
  fi
  if "$PYTHON" - "${files[@]}" <<'EOF'; then
# Exit 0 when every requirement line of the given files is satisfied by an
# installed distribution; otherwise list the unsatisfied ones and exit 1.
import sys

try:
    from importlib import metadata
    from packaging.requirements import Requirement
except ImportError:
    sys.exit(1)

missing = []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.split(" #", 1)[0].strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("-"):  # pip options (-r, -e, --index-url...): let pip decide
                missing.append(line)
                continue
            req = Requirement(line)
            if req.marker and not req.marker.evaluate():
                continue
            try:
                version = metadata.version(req.name)
            except metadata.PackageNotFoundError:
                missing.append(line)
                continue
            if not req.specifier.contains(version, prereleases=True):
                missing.append(f"{line} (installed: {version})")
if missing:
    print("Missing or mismatched Python packages:", *missing, sep="\n  ", file=sys.stderr)
    sys.exit(1)
EOF
    return 0
  fi
  for f in "${files[@]}"; do
    args+=(-r "$f")
  done
  echo "Installing Python dependencies with pip..." >&2
  "$PYTHON" -m pip install -q --disable-pip-version-check "${args[@]}"
}
