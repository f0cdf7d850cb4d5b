# The command index. `make run` and `make test` are the two commands of the README.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run install system-packages build validate dump serve test lint typecheck bench bench-dumps clean

run: install ## install, then build, validate and serve the graph on http://127.0.0.1:8000/
	$(VENV)/bin/partnergraph serve

install: $(STAMP) ## create .venv and install partnergraph with its development tools

$(STAMP): pyproject.toml package.json package-lock.json
	@$(MAKE) --no-print-directory system-packages
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

# Debian packages, installed only when missing: npm (the query editor, YASGUI, comes
# from the npm registry), chromium (the browser tests; never a browser download),
# virtuoso-opensource (the remote backend's suite runs over a real Virtuoso) and haproxy
# (`partnergraph deploy` and its tests start their own; its service is never used). As
# root, or through sudo; scripts/apt-install waits (bounded) while another process holds
# the package manager's lock.
system-packages:
	@missing=""; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	command -v virtuoso-t >/dev/null 2>&1 || missing="$$missing virtuoso-opensource"; \
	command -v haproxy >/dev/null 2>&1 || missing="$$missing haproxy"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  scripts/apt-install $$missing || \
	  { echo "could not install$$missing: install the Debian packages by hand" >&2; exit 1; }; \
	fi

build: install ## validate graph/ and write out/: the graph, a release and the snapshot served
	$(VENV)/bin/partnergraph build

validate: install ## validate graph/ and print the report
	$(VENV)/bin/partnergraph validate

dump: install ## validate graph/ and write a release of dumps into out/dumps/
	$(VENV)/bin/partnergraph dump

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: install
	$(PY) -m mypy

# The suite runs on every core (pytest-xdist). worksteal: each worker starts on its half
# of the tests and takes over the rest of the other's when done, as the pySHACL tests
# take seconds each and most others milliseconds. `make test WORKERS=0`: one process.
WORKERS ?= auto
test: lint typecheck ## install, lint, type-check and run the whole test suite
	$(PY) -m pytest -n $(WORKERS) --dist worksteal

bench: install ## validation benchmark (see benchmarks/README.md)
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) benchmarks/validate.py

bench-dumps: install ## dumps against oxigraph dump (see benchmarks/README.md)
	$(PY) benchmarks/dumps.py

clean:
	rm -rf $(VENV) node_modules out .pytest_cache .mypy_cache .ruff_cache
