# The two commands that matter: `make demo` (set up, ingest the demo data, run a prior-art search) and
# `make test` (set up, run the tests). Both work from a fresh clone with only Python 3.11+ installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DATA := .demo-data

.PHONY: setup demo test lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: setup
	$(BIN)/novum ingest data/demo --data-dir $(DEMO_DATA)
	$(BIN)/novum stats --data-dir $(DEMO_DATA)
	$(BIN)/novum search "encrypted file access control by application" --before 2013-06-01 --limit 5 --data-dir $(DEMO_DATA)
	$(BIN)/novum search "Buchholz relay between transformer tank and conservator" --limit 3 --data-dir $(DEMO_DATA)

test: setup
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src

bench: setup
	$(BIN)/python bench/ingest_bench.py

clean:
	rm -rf $(VENV) $(DEMO_DATA) .pytest_cache .mypy_cache .ruff_cache
