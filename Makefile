# Two commands: `make demo` (the worked-example walkthrough) and `make test` (the whole suite).
# Each creates the virtual environment in .venv when it is missing and installs what it needs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# -qq: pip's own notes about this machine's package sources are not the project's to show
PIP := $(PY) -m pip --quiet --quiet

.PHONY: demo test bench bench-update wheel site clean

demo: $(VENV)/.installed
	$(PY) -m autograd walkthrough

# The suite in two worker processes (pytest-xdist); TEST_WORKERS=0 runs it in this one.
TEST_WORKERS ?= 2
test: $(VENV)/.installed-dev
	$(PY) -m pytest -n $(TEST_WORKERS)

# The benchmarks write into build/ (not tracked); bench-update replaces benchmarks/RESULTS.md.
bench: $(VENV)/.installed-dev
	$(PY) benchmarks/run.py --out build/benchmarks/RESULTS.md

bench-update: $(VENV)/.installed-dev
	$(PY) benchmarks/run.py --out benchmarks/RESULTS.md

# The package as a wheel in dist/ (for a Gradescope autograder's setup.sh: docs/problem-sets.md).
wheel: $(VENV)/bin/python
	$(PY) -m pip wheel --no-deps -w dist .

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV) || { echo "error: '$(PYTHON) -m venv' failed; install Python's venv module"; exit 2; }
	$(PIP) install --upgrade pip

$(VENV)/.installed: pyproject.toml $(VENV)/bin/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/bin/python
	$(PIP) install -e '.[dev]'
	touch $(VENV)/.installed $@

# The explorer as a static site in site/ (Pyodide from the npm registry, pinned; our package as a
# wheel, compiled to bytecode by Pyodide under Node): serve it with `python -m http.server -d site`.
# Needs npm (Node.js 20). SETS=examples/problem-sets/*.toml adds a sheet and self-check page per set.
site: $(VENV)/.installed-dev
	$(PY) -m autograd site site/ $(if $(SETS),--sets $(SETS))

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis *.egg-info build dist
