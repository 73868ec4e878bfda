# Two entry points: `make run` (set up, ingest on first start, serve on http://127.0.0.1:8000)
# and `make test`. Both create .venv at the repo root when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test bench bench-load eval eval-retrieval clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# CPU build of torch, pinned: an unpinned torch pulls a multi-GB CUDA build.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[st,ui,eval,dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/advisor serve

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks.core

bench-load: $(STAMP)
	$(BIN)/python -m benchmarks.load

eval: $(STAMP)
	$(BIN)/advisor eval --out eval-report --check-thresholds

eval-retrieval: $(STAMP)
	$(BIN)/python -m evals.measure_retrieval

clean:
	rm -rf $(VENV) data .pytest_cache
