"""Helpers for the end-to-end tests that drive Odoo as separate processes."""

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ADDON = "billing_payments"


def odoo_command(database, *args, env=None, timeout=900):
    """Run ``python3 -m odoo`` on ``database`` with our addons path; check it."""
    command = [
        sys.executable,
        "-m",
        "odoo",
        "-d",
        database,
        f"--addons-path={REPO_ROOT}",
        "--stop-after-init",
        "--log-level=warn",
        *args,
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env=env, check=False
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result


def odoo_script(database, code, timeout=300):
    """Run ``code`` with ``env`` (superuser) bound on ``database``; its stdout."""
    program = f"""
import odoo
from odoo.modules.registry import Registry
odoo.tools.config.parse_config(
    ["-d", {database!r}, "--addons-path={REPO_ROOT}", "--log-level=warn"]
)
with Registry({database!r}).cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {{}})
{_indent(code)}
    cr.commit()
"""
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout


def _indent(code):
    return "\n".join("    " + line for line in code.strip().splitlines())


def psql(database, query, env=None):
    """Rows of ``query`` as lists of strings (psql -At)."""
    result = subprocess.run(
        ["psql", "-X", "-At", "-F", "\t", "-d", database, "-c", query],
        capture_output=True,
        text=True,
        env=env or os.environ,
        check=True,
    )
    return [line.split("\t") for line in result.stdout.splitlines() if line]


def dropdb(database, env=None):
    subprocess.run(
        ["dropdb", "--if-exists", database], env=env or os.environ, check=False
    )
