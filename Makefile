# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# `make run` is a local demo: debug on unless the environment says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-true}

.PHONY: run serve test test-services load load-two load-signins lint format install install-dev chromium gettext pango vnu messages bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

# Translations: the .po files are the source, the .mo files build output compiled here.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | gettext
	msgfmt --check -o $@ $<

install: $(VENV)/.installed $(MO_FILES) pango
install-dev: $(VENV)/.installed-dev $(MO_FILES) pango

# Debian's Pango and fonts, which WeasyPrint draws the PDF statements and receipts with.
pango:
	@dpkg -s libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

# Debian's Chromium drives the browser tests; never a downloaded browser.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# GNU gettext: msgfmt compiles the catalogues, xgettext (makemessages) reads the sources.
gettext:
	@command -v msgfmt >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq gettext >/dev/null; }

# The Nu HTML Checker (npm's vnu-jar, run on Java) for the valid-HTML test.
VNU_VERSION := 26.9.27
VNU := .tools/node_modules/vnu-jar/build/dist/vnu.jar
$(VNU):
	@command -v java >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq default-jre-headless >/dev/null; }
	npm install --silent --no-audit --no-fund --prefix .tools vnu-jar@$(VNU_VERSION)
vnu: $(VNU)

# After changing a translatable string: the catalogues again (then translate what is new).
messages: install
	DEBUG=true $(PY) manage.py makemessages --all
	$(MAKE) install

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
test: install-dev chromium vnu lint
	VNU_JAR=$(VNU) $(PY) -m pytest -n 2

# The whole suite again on a real PostgreSQL and Redis (Debian packages, loopback).
# Two xdist workers, each with its own test database and Redis database, keep CI
# (`make test`, then this) under 20 minutes on two cores.
test-services: install-dev chromium vnu
	VNU_JAR=$(VNU) scripts/with-services.sh $(PY) -m pytest -q -n 2

# Load test: 50 companies on the production server (gunicorn, PostgreSQL, Redis;
# locust, headless, bounded, loopback only).
load: install-dev
	scripts/with-services.sh $(PY) bench/load.py

# The same load on two portal instances behind HAProxy, sharing PostgreSQL and Redis.
load-two: install-dev
	scripts/with-services.sh $(PY) bench/load.py --instances 2

# The worst case: every simulated company signs in again for each cycle of five pages.
load-signins: install-dev
	scripts/with-services.sh $(PY) bench/load.py --mix signins --spawn-rate 10

bench: install
	$(PY) bench/upstream_calls.py
	$(PY) bench/page_calls.py

clean:
	rm -rf $(VENV) staticfiles test-artifacts .tools $(MO_FILES)
