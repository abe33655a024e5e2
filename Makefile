# Tuopin: `make run` serves the demo, `make test` runs every test (README).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint browser-deps serve clean

install: $(STAMP)
	@$(BIN)/python -m tuopin.core.catalogues

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

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

run: install
	@$(BIN)/tuopin migrate --no-input -v 0
	@$(BIN)/tuopin regions load
	@$(BIN)/tuopin demo_users
	@$(BIN)/tuopin seed --households 2000 --region 411421 --seed 1 --if-empty -v 0
	@$(BIN)/tuopin seed_exit --region 411421 --year 2018 --seed 1 --if-empty
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

test: install browser-deps lint
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var test-artifacts
