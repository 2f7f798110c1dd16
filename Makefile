# Entry points; the work is done by the scripts in scripts/.
#   make test ARGS='-k profile -x'    extra arguments are passed to pytest

ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help run test lint

help:
	@echo "Targets:"
	@echo "  make run     install/update billing_payments with demo data in \$$BILLING_DB"
	@echo "               (default billing_demo), print an API key, serve on"
	@echo "               127.0.0.1:\$$BILLING_HTTP_PORT (default 8069)"
	@echo "  make test    lint, then pytest on a fresh database (dropped afterwards);"
	@echo "               ARGS='...' is passed to pytest, e.g. make test ARGS='-k profile'"
	@echo "  make lint    ruff check, ruff format --check, pylint-odoo mandatory checks"
	@echo "  make help    this list"

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh $(ARGS)

lint:
	bash scripts/lint.sh
