# Kota Pintar — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The public address written into QR codes, certificates and CAP links: this server's, unless set.
SITE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
export SITE_URL

.PHONY: run test install migrate seed lint format types check bench clean messages openapi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/kotapintar migrate --no-input

seed: migrate
	$(BIN)/kotapintar seed-demo

## Venv, install, migrate, Pekalongan demo data, then web server + task worker (+ app processes). Ctrl-C stops all.
run: seed
	DEMO=$${DEMO:-1} $(BIN)/kotapintar run --host $(HOST) --port $(PORT)

## The whole suite (unit, API fuzz, browser) on SQLite, or on PostgreSQL when DATABASE_URL is set.
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

types: install
	$(BIN)/mypy

check: lint types test

## Refresh every app's Indonesian catalogue (needs GNU gettext), then compile them.
messages: install
	for d in src/kotapintar/*/; do [ -d "$$d/locale" ] && (cd $$d && $(abspath $(BIN))/kotapintar makemessages -l id --no-obsolete -d django && $(abspath $(BIN))/kotapintar makemessages -l id --no-obsolete -d djangojs) ; done; true
	for d in src/kotapintar/*/; do [ -d "$$d/locale" ] && (cd $$d && $(abspath $(BIN))/kotapintar compilemessages -l id); done; true

openapi: install
	$(BIN)/kotapintar export_openapi_schema --api kotapintar.api.api --indent 2 --sorted --output openapi/v1.json

## bench/wallet.py drives the API with wrk and compares with pgbench (Debian: wrk, postgresql-contrib).
bench: install
	@command -v wrk >/dev/null && command -v pgbench >/dev/null || \
	  (command -v apt-get >/dev/null && (apt-get install -y -qq wrk postgresql-contrib >/dev/null 2>&1 || \
	    (apt-get update -qq && apt-get install -y -qq wrk postgresql-contrib >/dev/null))) || \
	  echo "bench/wallet.py needs wrk and pgbench: apt-get install wrk postgresql-contrib"
	for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
