# ASN training-evaluation project. `make` alone lists the targets.
# Everything runs in a local virtual environment (.venv) created on first use.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help setup bytecode kernel data reports test test-fast lint format bench stages lab clean

help: ## list every target
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# constraints.txt pins the versions the test suite last passed with (`make lock` rewrites it);
# pyproject.toml keeps the ranges a user's own environment may resolve within.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	$(PY) -m ipykernel install --sys-prefix --name asn-eval --display-name "Python (asn-eval)" > /dev/null
	@touch $(STAMP)

# Compiled bytecode of the package, refreshed where a source changed. Python writes it on first
# import anyway, unless PYTHONDONTWRITEBYTECODE is set (as in many containers): then every
# process (each notebook kernel too) compiles the package's 143 modules again, about 0.2 s.
bytecode: $(STAMP) ## compile the package's bytecode (the targets that run notebooks do it first)
	@$(PY) -m compileall -q src

setup: $(STAMP) ## create .venv, install the package (versions of constraints.txt) and register the Jupyter kernel

lock: ## rewrite constraints.txt from a fresh install of pyproject.toml's ranges (then run make test)
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e ".[dev]"
	{ echo "# Versions the test suite passed with; written by 'make lock' (pip constraints)."; \
	  .venv-lock/bin/python -m pip freeze --exclude-editable; } > constraints.txt.tmp
	mv constraints.txt.tmp constraints.txt && rm -rf .venv-lock

kernel: $(STAMP) ## also register the kernel for a JupyterLab outside .venv (~/.local)
	$(PY) -m ipykernel install --user --name asn-eval --display-name "Python (asn-eval)"

data: $(STAMP) ## regenerate the synthetic example data under data/raw (seeded, deterministic)
	$(PY) -m helpers.simulate

reports: bytecode ## build every region's HTML report and reports/index.html from data/raw
	$(PY) -m helpers.pipeline run $(ARGS)

test: bytecode ## lint, then the whole test suite, slow and end-to-end tests included (what CI runs)
	$(PY) -m ruff check src tests notebooks benchmarks
	$(PY) -m ruff format --check src tests notebooks benchmarks
	$(PY) -m pytest -m "slow or not slow" $(ARGS)

test-fast: bytecode ## run the quick tests only (skips tests marked slow)
	$(PY) -m pytest $(ARGS)

lint: $(STAMP) ## ruff lint + format check of code and notebooks, and check notebooks carry no outputs
	$(PY) -m ruff check src tests notebooks benchmarks
	$(PY) -m ruff format --check src tests notebooks benchmarks
	$(PY) -m pytest -q tests/test_notebooks.py

format: $(STAMP) ## format code and notebooks with ruff
	$(PY) -m ruff format src tests notebooks benchmarks
	$(PY) -m ruff check --fix src tests notebooks benchmarks

bench: bytecode ## measure the batch vs its floor, rebuild time and --jobs 2 (benchmarks/batch.py)
	$(PY) benchmarks/batch.py $(ARGS)

stages: bytecode ## seconds per stage per region, in one process (benchmarks/stages.py)
	$(PY) benchmarks/stages.py $(ARGS)

lab: $(STAMP) ## open JupyterLab on the notebooks
	$(VENV)/bin/jupyter lab notebooks

clean: ## remove processed data, reports and build files (never data/raw)
	rm -rf data/processed/*/ reports/*.html reports/build
