# remit — two commands matter on a fresh machine: `make demo` and `make test`.
# Everything they need (virtualenv, packages, a running PostgreSQL) is set up here.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_DB ?= demo/remit-demo.sqlite3

.PHONY: install demo test test-fast lint typecheck postgres browser java docs bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

postgres:
	@bash scripts/ensure-postgres.sh

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# The Spark screening backend (pyspark, local mode) needs a Java 17 runtime.
java:
	@command -v java >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null)

# Builds the demo database, adds one demo user per role (two sites), prints the logins and serves it.
demo: install
	$(BIN)/remit demo --database $(DEMO_DB) --serve

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

# The whole suite: unit, property, conformance, SQLite and PostgreSQL storage, docs-up-to-date.
test: install postgres browser java
	$(BIN)/python -m pytest -n 2 -q
	$(MAKE) --no-print-directory lint typecheck

# The pure-Python loop for editing (no PostgreSQL).
test-fast: install
	$(BIN)/python -m pytest -q -m "not postgres and not slow" -x

docs: install
	$(BIN)/python -m remit.reference_docs
	$(BIN)/python -m remit.casefiles.reference docs/case-files.md
	$(BIN)/python -m remit.casefiles.schema > docs/reference/case-file.schema.json

bench: install
	$(BIN)/python benchmarks/evaluate_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache demo/*.sqlite3*
