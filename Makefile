# Two commands for a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test lint bench bench-quick soak fault messages screens clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## run: install, migrate the SQLite database, load the demo, print the login, serve
run: install
	$(BIN)/skm migrate --noinput
	$(BIN)/skm demo --reset-admin --url http://$(HOST):$(PORT)/
	$(BIN)/skm runserver $(HOST):$(PORT)

## test: install test dependencies and run the whole suite
test: install-test
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/skm makemigrations --check --dry-run

bench: install-test
	$(BIN)/python bench/run.py

bench-quick: install-test
	$(BIN)/python bench/run.py --quick

## soak: 10 minutes of kiosk submissions at half the measured maximum rate
soak: install-test
	$(BIN)/python bench/soak.py

## fault: kill gunicorn and restart PostgreSQL under kiosk load, fill the evidence disk
## (tests/faults, docs/faults.md; needs PostgreSQL on 127.0.0.1:5432 and root; ~1 minute)
fault: install-test
	$(BIN)/pytest -m fault tests/faults

## screens: photograph the demo's main pages into docs/screens/ (docs/screens.md;
## needs Debian's chromium, fonts-noto-color-emoji and chromium-l10n; ~30 seconds)
screens: install-test
	$(BIN)/python scripts/screens.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

## messages: extract translatable strings and compile the catalogues (needs xgettext)
messages: install-test
	$(BIN)/python scripts/messages.py
