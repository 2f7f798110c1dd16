# Entry points; the work is done by the scripts in scripts/.
#   make test ARGS='-k profile -x'    extra arguments are passed to pytest

ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help run test test-fast lint readme screenshots

help:
	@echo "Targets:"
	@echo "  make run     install/update billing_payments with demo data in \$$BILLING_DB"
	@echo "               (default billing_demo), print an API key, serve on"
	@echo "               127.0.0.1:\$$BILLING_HTTP_PORT (default 8069)"
	@echo "  make test    lint, then pytest on a fresh database (dropped afterwards);"
	@echo "               ARGS='...' is passed to pytest, e.g. make test ARGS='-k profile'"
	@echo "  make test-fast   the same without the slow end-to-end tests (-m 'not e2e')"
	@echo "  make lint    ruff check, ruff format --check, pylint-odoo mandatory checks,"
	@echo "               OCA's oca-checks-odoo-module and oca-checks-po"
	@echo "  make readme  regenerate billing_payments/README.rst and static/description/index.html"
	@echo "               from billing_payments/readme/*.md (scripts/gen_readme.py)"
	@echo "  make screenshots  retake billing_payments/static/description/screenshot_*.png"
	@echo "               from demo data on a throw-away database (headless Chromium)"
	@echo "  make help    this list"

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh $(ARGS)

test-fast:
	bash scripts/test.sh -m "not e2e" $(ARGS)

lint:
	bash scripts/lint.sh

readme:
	"$${PYTHON:-python3}" scripts/gen_readme.py

screenshots:
	"$${PYTHON:-python3}" scripts/screenshots.py $(ARGS)
