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

# Bytecode for bot/ (pip writes it for an installed wheel, but an editable install compiles every module
# on every start when PYTHONDONTWRITEBYTECODE is set). compileall writes it regardless and skips what is
# current, so every target runs it.
setup: $(STAMP)
	$(BIN)/python -m compileall -q bot

demo: setup  ## explain the bundled example article offline
	$(BIN)/footnote explain examples/ice-agents-state-prosecution.html --engine local

lint: setup  ## ruff's lint rules and its format
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench

test: lint  ## lint, validate the legal knowledge base, run the tests
	$(BIN)/footnote legal check
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python bench/pipeline_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
