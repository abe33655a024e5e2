# Tuopin: `make run` serves the demo, `make test` runs every test (README).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
# Everything started from here is a developer's machine (the development SECRET_KEY is
# allowed); a server started any other way is production (config/base.py, docs/deploy.md).
TUOPIN_ENV ?= development
export TUOPIN_ENV

.PHONY: install analytics run test lint browser-deps serve clean fuzz

install: $(STAMP)
	@$(BIN)/python -m tuopin.core.catalogues

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

# The `analytics` extra (pyspark, Splink) and a Java runtime for Spark, ADR 0004: apart
# from `install` so that `make run` stays light (pyspark is a 460 MB download, built
# once into pip's wheel cache); `make test`, and so CI, install it and run the Spark
# engine's tests (tuopin/policy/tests/test_spark.py, docs/analytics.md).
ANALYTICS_STAMP := $(VENV)/.analytics-stamp
analytics: $(ANALYTICS_STAMP)

$(ANALYTICS_STAMP): $(STAMP)
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing a Java runtime for Spark"; \
	    (apt-get install -y -qq default-jre-headless >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null)); \
	  else echo "Spark needs Java 17 or later: apt-get install default-jre-headless"; fi; }
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev,analytics]"
	@touch $@

# Debian's chromium and a CJK font for the browser tests; only root with apt can do it.
browser-deps:
	@if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "wenquanyi\|noto.*cjk"; then \
	  true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing chromium and fonts-wqy-microhei for the browser tests"; \
	  (apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null 2>&1 || \
	   (apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null)) || \
	   echo "could not install chromium; browser tests will be skipped"; \
	else \
	  echo "browser tests need: apt-get install chromium fonts-wqy-microhei (run as root)"; \
	fi

# One process sets up the whole demo (migrate, divisions, users, 2,000 households with two
# years of income, exit evaluations, and work waiting for every demo user: cases at each
# step); a second run keeps what is there (--if-empty). tuopin/cases/demo.py, README.
run: install
	@$(BIN)/tuopin demo --region 411421 --households 2000 --year 2018 --seed 1 --if-empty
	@$(MAKE) --no-print-directory serve

# The web server and the background-job worker side by side; Ctrl-C stops both.
serve:
	@$(BIN)/tuopin worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	echo "serving on http://$(HOST):$(PORT)/"; \
	$(BIN)/tuopin runserver --noreload $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	@$(BIN)/tuopin makemigrations --check --dry-run >/dev/null || \
	  (echo "models changed without a migration: run tuopin makemigrations"; exit 1)

# Two pytest processes (pytest-xdist), each with its own test database (SQLite file or
# PostgreSQL database, suffixed _gw0, _gw1): the suite is one process's CPU work, and
# this machine has two cores (docs/benchmarks.md, "Test suite time"). The first worker
# to need its database migrates it; the other copies it (tests/shared_test_database.py).
# TEST_WORKERS=0 runs it in one process.
# --dist loadgroup keeps a module marked xdist_group on one worker (the Spark tests share
# one JVM); every other test is spread as before.
TEST_WORKERS ?= 2
test: install analytics browser-deps lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Schemathesis over every /api/v1 operation, as the demo city user (a Bearer token), on a
# throw-away SQLite database with a small demo registry; fails on any 5xx, any status code
# the OpenAPI document does not list, and any response that does not match its schema.
# Not part of `make test`: it takes minutes. Bounded by FUZZ_EXAMPLES per operation and a
# hard limit of FUZZ_TIMEOUT seconds (exceeding it fails the run); FUZZ_MAX_TIME instead
# gives schemathesis a budget it spends in full, repeating fuzzing until it is used up.
# Only 127.0.0.1 is served and called. Ids and codes of real rows come from
# tuopin/api/fuzz.py, so that the calls get past "not found". Schemathesis runs in the
# temporary directory (it keeps a crash cache where it runs); reports go to var/fuzz.
# Figures: docs/benchmarks.md.
FUZZ_PORT ?= 8765
FUZZ_USER ?= city
FUZZ_EXAMPLES ?= 50
FUZZ_MAX_TIME ?=
FUZZ_TIMEOUT ?= 1800
FUZZ_SEED ?= 1
FUZZ_CHECKS ?= not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance
fuzz: install
	@test -x $(BIN)/schemathesis || $(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev,fuzz]"
	@set -euo pipefail; \
	dir=$$(mktemp -d -t tuopin-fuzz-XXXXXX); \
	export TUOPIN_SQLITE_PATH=$$dir/fuzz.sqlite3 MEDIA_ROOT=$$dir/media; unset DATABASE_URL; \
	echo "fuzz database: $$dir/fuzz.sqlite3"; \
	$(BIN)/tuopin migrate --no-input -v 0; \
	$(BIN)/tuopin regions load >/dev/null; \
	$(BIN)/tuopin demo_users >/dev/null; \
	$(BIN)/tuopin seed --households 200 --region 411421 --seed 1 --if-empty --ledgers -v 0; \
	token=$$($(BIN)/tuopin users token $(FUZZ_USER) --name fuzz | tail -n 1); \
	$(BIN)/python -m tuopin.api.fuzz config $(FUZZ_USER) $$dir/schemathesis.toml; \
	$(BIN)/tuopin runserver --noreload 127.0.0.1:$(FUZZ_PORT) >$$dir/server.log 2>&1 & server=$$!; \
	trap 'kill $$server 2>/dev/null; wait $$server 2>/dev/null || true; rm -rf $$dir' EXIT INT TERM; \
	start=$$(date +%s); report=$(CURDIR)/var/fuzz; mkdir -p $$report; \
	cd $$dir; \
	status=0; timeout $(FUZZ_TIMEOUT) $(CURDIR)/$(BIN)/schemathesis \
	  --config-file $$dir/schemathesis.toml run \
	  http://127.0.0.1:$(FUZZ_PORT)/api/v1/openapi.json \
	  --wait-for-schema 60 --header "Authorization: Bearer $$token" \
	  --checks $(FUZZ_CHECKS) --max-examples $(FUZZ_EXAMPLES) \
	  $(if $(FUZZ_MAX_TIME),--max-time $(FUZZ_MAX_TIME)) \
	  --seed $(FUZZ_SEED) --workers 1 --generation-database none --no-color \
	  --report junit,ndjson --report-dir $$report --report-ndjson-path $$report/last.ndjson \
	  $(FUZZ_ARGS) || status=$$?; \
	$(CURDIR)/$(BIN)/python -m tuopin.api.fuzz summary $$report/last.ndjson || true; \
	echo "fuzz: $$(( $$(date +%s) - start )) s; server errors logged: $$(grep -c 'Internal Server Error' $$dir/server.log || true)"; \
	exit $$status

clean:
	rm -rf $(VENV) var test-artifacts
