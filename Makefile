# Each target creates .venv and installs what it needs, so a fresh clone needs only python3.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench lint format clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,postgres]'
	touch $@

$(VENV)/.bench: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test,postgres,bench]'
	touch $@

HOST ?= 127.0.0.1
PORT ?= 8000

run: $(VENV)/.installed
	$(BIN)/gallery demo
	$(BIN)/gallery serve --host $(HOST) --port $(PORT)

# The whole suite once per catalogue: SQLite, then a throwaway PostgreSQL server the tests start
# themselves. .ci/setup-system installs the system packages (or says which command to run).
# `make test DBS=sqlite` runs one.
# On PostgreSQL the search lives there too (GALLERY_SEARCH=postgres); Whoosh on PostgreSQL is run by
# tests/test_outbox.py and tests/test_scaleout.py in that run.
DBS ?= sqlite postgres

test: $(VENV)/.installed
	.ci/setup-system
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	set -e; for db in $(DBS); do \
	    search=whoosh; [ $$db = postgres ] && search=postgres; \
	    echo "== tests on $$db, search $$search"; $(BIN)/pytest --db $$db --search $$search; \
	done

bench: $(VENV)/.bench
	$(BIN)/python -m tests.bench

lint: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# After changing user-facing text: extract it, merge it into the Chinese catalogue, translate the
# new entries in messages.po, then run this again to compile.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o gallery/translations/messages.pot .
	$(BIN)/pybabel update -i gallery/translations/messages.pot -d gallery/translations -l zh --no-fuzzy-matching
	$(BIN)/pybabel compile -d gallery/translations -l zh

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
