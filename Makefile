# Ouderbuddy. `make run` to try it, `make test` for the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PYTEST := $(VENV)/bin/pytest
VENDOR := static/vendor
NPM := node_modules/.installed
WORKERS ?= 2

.PHONY: run serve install install-prod lock test test-sqlite test-postgres test-browser e2e lint format bench bench-load messages clean demo

run: install .env
	@$(PY) manage.py migrate --no-input -v 0
	@$(PY) manage.py seed_demo
	@echo "Starting the task worker, the scheduler and the web server on http://127.0.0.1:8000 (Ctrl+C stops all)."
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py db_worker --interval 1 & \
	  $(PY) manage.py run_scheduler & \
	  $(PY) manage.py runserver 127.0.0.1:8000

# Development: requirements-dev.lock (the runtime packages plus tests, lint, demo data
# and benchmarks). Production installs requirements.lock only: `make install-prod`.
install: $(VENV)/.installed $(NPM) $(VENDOR)/.copied messages

$(VENV)/.installed: requirements-dev.lock
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found; set PYTHON=...)."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@touch $@

# Production (docs/DEPLOY.md): the runtime lock only, so no Playwright, pytest, mypy,
# ruff, hypothesis, Faker or mentor-match; then the front-end files and the catalogues.
# Run it with the production environment exported; it writes no .env.
install-prod: $(NPM) $(VENDOR)/.copied
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found; set PYTHON=...)."; exit 1; }
	@test ! -e $(VENV)/.installed || { echo "$(VENV) holds the development packages; remove it first (make clean)."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(PY) manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules

# Both locks again from pyproject.toml (uv: UV=/path/to/uv). The development lock keeps
# its pins unless pyproject.toml changes them; the runtime lock takes the same pins.
UV ?= uv
lock:
	$(UV) pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes --no-strip-extras -o requirements-dev.lock
	$(UV) pip compile pyproject.toml --python-version 3.11 --generate-hashes -c requirements-dev.lock -o requirements.lock

$(NPM): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Copy just the front-end files the pages use out of node_modules (no JS build step).
$(VENDOR)/.copied: $(NPM)
	@mkdir -p $(VENDOR)/utrecht $(VENDOR)/htmx
	cp node_modules/@utrecht/component-library-css/dist/index.css $(VENDOR)/utrecht/component-library.css
	cp node_modules/@utrecht/design-tokens/dist/index.css $(VENDOR)/utrecht/design-tokens.css
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/htmx.min.js
	@touch $@

# Secrets for this machine only; never committed.
.env: $(VENV)/.installed
	@$(PY) -c "import secrets; from cryptography.fernet import Fernet; \
	print('DEBUG=1'); print('SECRET_KEY=' + secrets.token_urlsafe(50)); \
	print('FIELD_ENCRYPTION_KEYS=' + Fernet.generate_key().decode())" > $@
	@echo "Wrote .env with fresh development secrets."

messages: $(VENV)/.installed .env
	@$(PY) manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules

# Coverage is measured on the SQLite and browser runs (the PostgreSQL run runs the
# same code), added up in var/coverage and printed at the end: the files below 100%
# with their missing lines, then the total.
COVERAGE := $(VENV)/bin/coverage
COV ?= --cov --cov-append --cov-report=

test: install .env
	@rm -rf var/coverage && mkdir -p var/coverage
	$(MAKE) test-sqlite
	$(MAKE) test-postgres
	SCREENSHOT_DIR=$${SCREENSHOT_DIR:-off} $(MAKE) test-browser
	@$(COVERAGE) report --show-missing
	@echo "Coverage of ouderbuddy/ (SQLite and browser runs): $$($(COVERAGE) report --format=total)%"

test-sqlite: install .env
	@mkdir -p var/coverage
	$(PYTEST) -q -n $(WORKERS) -m "not browser" --ignore=tests/browser $(COV)

test-postgres: install .env
	scripts/with-postgres $(PYTEST) -q -n $(WORKERS) -m "not browser" --ignore=tests/browser

# Browser tests on $(WORKERS) workers too: each has its own live server and Chromium, and
# one journey mostly waits on the other process (browser or server), so two overlap.
# `make test` takes no screenshots (they check nothing and cost a fifth of the run);
# `make test-browser` takes them, to look at the pages (SCREENSHOT_DIR=off skips them).
test-browser e2e: install .env
	@mkdir -p var/coverage
	$(PYTEST) -q -n $(WORKERS) -m browser tests/browser $(COV)

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy --strict ouderbuddy
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install .env
	$(PY) bench/run.py
	$(PY) bench/matching.py
	$(PY) bench/matching_db.py
	scripts/with-postgres $(PY) bench/casework_pages.py
	$(PY) bench/search.py
	$(PY) bench/load.py $(LOAD_ARGS)
	$(PY) bench/reports.py

# The load benchmark alone (16 clients, gunicorn, PostgreSQL in var/bench/pg):
# `make bench-load LOAD_ARGS="--quick"`, `LOAD_ARGS="--growth"`, `LOAD_ARGS="--reseed"`.
bench-load: install .env
	$(PY) bench/load.py $(LOAD_ARGS)
	$(PY) bench/reports.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var db.sqlite3*
