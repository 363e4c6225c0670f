PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed

.PHONY: install run test stress lint typecheck bench bench-e2e bench-websocket bench-cache screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/uvicorn examples.app:application

test: $(STAMP)
	$(BIN)/python -m pytest --cov=microdj --cov-branch --cov-report=term $(PYTEST_ARGS)

stress: $(STAMP)
	MICRODJ_STRESS=1 $(BIN)/python -m pytest tests/load -m stress $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check microdj tests examples benchmarks
	$(BIN)/ruff format --check microdj tests examples benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $(BENCH_STAMP)

# Refresh the error-page screenshots in docs/screenshots/ (needs Debian's chromium).
screenshots: $(STAMP)
	MICRODJ_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -p no:cov tests/views/test_debug_chromium.py

bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks

bench-e2e: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks --e2e

# Page cache and sessions on a real Redis (starts redis-server itself), microdj against Django.
bench-cache: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks.bench_cache --save

clean:
	rm -rf $(VENV) .coverage build *.egg-info

# WebSocket echo (in-process and under uvicorn) and group broadcast benchmark.
bench-websocket: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks.bench_websocket --e2e --save
