# market-snapshots: `make build` builds the warehouse from raw/, `make test` runs every test.
# Each target bootstraps .venv from uv.lock first (and only when the lock or pyproject changed).
# --compile-bytecode: every process (the build, each dbt step) then reads .pyc files instead of
# compiling ~1,400 modules, 3-4 s a process where Python may not write them (PYTHONDONTWRITEBYTECODE).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV := $(PYTHON) -m uv
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.synced
# Optional dependency groups for .venv, e.g. SYNC_EXTRAS="--extra spark" (dbt on Spark; .ci/run
# sets it, docs/spark.md). Taken when .venv is (re)synced, i.e. when the lock changed.
SYNC_EXTRAS ?=
# pytest-xdist workers for make test / test-fast (each test file runs whole on one worker, so its
# module fixtures build once; the session's shared builds are made once for all workers).
TEST_WORKERS ?= 2

.PHONY: help env build test test-fast coverage dev export docs bench bi-check lint format clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-9s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): uv.lock pyproject.toml
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet 'uv>=0.5,<1'
	$(UV) sync --frozen --compile-bytecode $(SYNC_EXTRAS)
	@touch $@

env: $(STAMP) ## Create or refresh .venv from uv.lock (every other target does this first)

build: $(STAMP) ## Build and publish the warehouse ($$MARKET_RAW_DIR -> $$MARKET_WAREHOUSE)
	$(BIN)/market-snapshots build

test: $(STAMP) ## Run the whole test suite (unit, dbt, Dagster end to end; docs/testing.md)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --hypothesis-profile=ci --durations=25

test-fast: $(STAMP) ## Run every test that needs no full build (the inner loop, ~1.5 min)
	$(BIN)/pytest -m "not e2e" -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --hypothesis-profile=dev -q

coverage: $(STAMP) ## make test under coverage.py, subprocesses included; prints the line coverage
	rm -f .coverage .coverage.*
	COVERAGE_FILE=$(CURDIR)/.coverage $(BIN)/coverage run -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --hypothesis-profile=ci -q $(COVERAGE_ARGS)
	COVERAGE_FILE=$(CURDIR)/.coverage $(BIN)/coverage combine --quiet
	COVERAGE_FILE=$(CURDIR)/.coverage $(BIN)/coverage report --sort=cover

dev: $(STAMP) ## Open the Dagster UI on http://127.0.0.1:$${DAGSTER_PORT:-3000}
	$(BIN)/market-snapshots dev

export: $(STAMP) ## Write every mart as Parquet + marts.sql (<warehouse dir>/export/) for any DuckDB
	$(BIN)/market-snapshots export

docs: $(STAMP) ## Write the dbt docs site of the last build (<warehouse dir>/docs/index.html, offline)
	$(BIN)/market-snapshots docs

bench: $(STAMP) ## Measure normalising, builds and BI queries (~25 min; BENCH_ARGS=--quick)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bi-check: $(STAMP) ## Drive Superset, Harlequin, SQLAlchemy, Evidence on a fresh build (not in make test)
	$(BIN)/python -m tests.bi_check $(BI_CHECK_ARGS)

lint: $(STAMP) ## ruff + mypy --strict + import-linter contracts (pyproject.toml) + SQLFluff (dbt templater)
	$(BIN)/ruff check dagster_project tests bench
	$(BIN)/ruff format --check dagster_project tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	cd dbt && MARKET_WORK_DB=:memory: $(CURDIR)/$(BIN)/sqlfluff lint models tests

format: $(STAMP) ## Format the Python code
	$(BIN)/ruff format dagster_project tests
	$(BIN)/ruff check --fix dagster_project tests

clean: ## Remove the default warehouse and state directory (raw/ is never touched)
	rm -rf warehouse
