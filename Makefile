# Two commands for a newcomer: `make run` (demo on http://127.0.0.1:8000) and `make test`;
# `make serve` runs a production server (docs/deployment.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.12 || command -v python3.13 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages: gettext (translations), WeasyPrint's Pango/HarfBuzz, a font with Vietnamese
# glyphs, and Chromium for the browser tests (never a downloaded browser).
SYSTEM_PACKAGES := gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-dejavu-core
TEST_SYSTEM_PACKAGES := $(SYSTEM_PACKAGES) chromium poppler-utils

.PHONY: run serve test fuzz audit system-deps system-deps-test lint bench worker messages clean

system-deps:
	@bash scripts/ensure-system-packages.sh $(SYSTEM_PACKAGES)

system-deps-test:
	@bash scripts/ensure-system-packages.sh $(TEST_SYSTEM_PACKAGES)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt
	touch $@

$(VENV)/.test-installed: requirements/base.txt requirements/test.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt -r requirements/test.txt
	touch $@ $(VENV)/.base-installed

messages: $(VENV)/.base-installed
	$(BIN)/python manage.py compilemessages --ignore='.venv/*' -v0

# The demo runs as production does (DEBUG off: the Vietnamese error pages, static files through
# WhiteNoise after collectstatic) on plain http://127.0.0.1, which OCOP_LOCAL_DEMO allows there
# only. Its secret key is generated once into var/. DJANGO_DEBUG=true make run: developers' mode.
DJANGO_DEBUG ?= false
# Its e-mails go to the console of the worker that sends them (var/worker.log), not to a mail
# server on localhost:25 that a laptop does not run (every notification e-mail failed there).
RUN_ENV := DJANGO_DEBUG=$(DJANGO_DEBUG) OCOP_LOCAL_DEMO=true DJANGO_SECRET_KEY="$$(cat var/secret-key)" \
  EMAIL_URL="$${EMAIL_URL:-consolemail://}"

var/secret-key:
	@mkdir -p var && umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(64))" >$@

run: system-deps $(VENV)/.base-installed messages var/secret-key
	@export $(RUN_ENV); set -e; \
	  $(BIN)/python manage.py migrate --noinput -v0; \
	  $(BIN)/python manage.py collectstatic --noinput -v0; \
	  $(BIN)/python manage.py demo --if-empty; \
	  $(BIN)/python manage.py demo_logins; \
	  echo "Serving on http://$(HOST):$(PORT)/ (DJANGO_DEBUG=$(DJANGO_DEBUG); Ctrl+C to stop); background worker started (restarted if it dies)."; \
	  bash scripts/supervise.sh $(BIN)/python manage.py worker >var/worker.log 2>&1 & \
	  worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  if [ "$(DJANGO_DEBUG)" = true ]; then $(BIN)/python manage.py runserver $(HOST):$(PORT); \
	  else $(BIN)/gunicorn ocop.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile -; fi

# Production on one server (docs/deployment.md): scripts/serve.sh refuses to start without
# DATABASE_URL or with a deployment warning, then runs gunicorn and a supervised worker.
serve: $(VENV)/.base-installed messages
	@BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) bash scripts/serve.sh

worker: $(VENV)/.base-installed
	$(BIN)/python manage.py worker

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: system-deps-test $(VENV)/.test-installed messages
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The API fuzz test of `make test` with many more examples per operation (docs/api.md).
FUZZ_EXAMPLES ?= 100
fuzz: $(VENV)/.test-installed messages
	OCOP_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest ocop/api/tests/test_fuzz.py $(PYTEST_ARGS)

# Known vulnerabilities in the locked dependencies (base and test), from the PyPI advisory feed:
# run on demand, not by `make test`, which must not depend on a network feed. --strict: a package
# the feed cannot answer for fails the audit instead of passing unchecked.
$(VENV)/.audit-installed: requirements/audit.txt $(VENV)/.test-installed
	$(BIN)/pip install --quiet --require-hashes -r requirements/audit.txt
	touch $@

audit: $(VENV)/.audit-installed
	$(BIN)/pip-audit --strict --disable-pip --require-hashes -r requirements/base.txt -r requirements/test.txt

bench: $(VENV)/.test-installed
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var
