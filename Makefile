# The command index. `make run` and `make test` are the two commands of the README.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run install build validate test lint typecheck bench clean

run: build ## install, then build and validate the graph (serving arrives with the endpoint)

install: $(STAMP) ## create .venv and install partnergraph with its development tools

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

build: install ## validate graph/ and write out/partnergraph.nq
	$(VENV)/bin/partnergraph build

validate: install ## validate graph/ and print the report
	$(VENV)/bin/partnergraph validate

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: install
	$(PY) -m mypy

test: lint typecheck ## install, lint, type-check and run the whole test suite
	$(PY) -m pytest

bench: install ## validation benchmark (see benchmarks/README.md)
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) benchmarks/validate.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
