# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# `make run` is a local demo: debug on unless the environment says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-true}

.PHONY: run test lint format install install-dev chromium bench clean

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

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: install-dev chromium lint
	$(PY) -m pytest

bench: install
	$(PY) bench/upstream_calls.py
	$(PY) bench/page_calls.py

clean:
	rm -rf $(VENV) staticfiles test-artifacts
