# Two entry points for a fresh machine (Python 3.11+): `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: setup demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)  ## explain the bundled example article offline
	$(BIN)/footnote explain examples/ice-agents-state-prosecution.html --engine local

test: $(STAMP)  ## lint, validate the legal knowledge base, run the tests
	$(BIN)/ruff check bot tests bench
	$(BIN)/footnote legal check
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/pipeline_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
