# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# `make run` is a local demo: debug on unless the environment says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-true}

.PHONY: run serve test test-services load lint format install install-dev chromium bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian's Chromium drives the browser tests; never a downloaded browser.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

run: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput --verbosity 0
	$(RUN_ENV) $(PY) manage.py sandbox seed-demo
	@echo "Portal:  http://127.0.0.1:8000   (sign-in codes: http://127.0.0.1:8000/sandbox/mailbox/)"
	@echo "Console: http://127.0.0.1:8000/sandbox/console/ (staff login: $(PY) manage.py sandbox create-staff --username staff --password <choose one>)"
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# Production: static files collected and hashed, migrations, then gunicorn.
# Reads DEBUG (false), SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, CACHE_URL, PORT,
# WEB_CONCURRENCY and the CODEGO_* / SANDBOX_* variables (README, "Production").
SERVE_ENV := DEBUG=$${DEBUG:-false}
serve: install
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(PY) manage.py migrate --noinput --verbosity 0
	$(SERVE_ENV) $(VENV)/bin/gunicorn portal.wsgi:application --config portal/gunicorn_conf.py

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Two xdist workers, one per core; browser tests included.
test: install-dev chromium lint
	$(PY) -m pytest -n 2

# The whole suite again on a real PostgreSQL and Redis (Debian packages, loopback).
# Two xdist workers, each with its own test database and Redis database, keep CI
# (`make test`, then this) under 20 minutes on two cores.
test-services: install-dev chromium
	scripts/with-services.sh $(PY) -m pytest -q -n 2

# Load test: 50 companies on the production server (gunicorn, PostgreSQL, Redis;
# locust, headless, bounded, loopback only).
load: install-dev
	scripts/with-services.sh $(PY) bench/load.py

bench: install
	$(PY) bench/upstream_calls.py
	$(PY) bench/page_calls.py

clean:
	rm -rf $(VENV) staticfiles test-artifacts
