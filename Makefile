# Two commands do everything on a fresh machine:  `make demo`  and  `make test`.
# The virtual environment is built on first use with the Python that .python-version selects (3.12).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast test-all lint bench ui assets clean-venv

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), f"servicesim needs Python >= 3.12, found {sys.version.split()[0]} (see .python-version)"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip > $(VENV)/install.log 2>&1
	$(BIN)/python -m pip install -e '.[test]' >> $(VENV)/install.log 2>&1 || { tail -30 $(VENV)/install.log; exit 1; }
	touch $(STAMP)

## The headline: the four management styles over a simulated year, 10 paired replicates,
## 95 % intervals; prints the key results and writes results/headline/report/report.md.
## Running it again resumes (nothing re-run) and rewrites the report.
demo: $(STAMP)
	$(BIN)/servicesim sweep bersin_vs_hierarchical --out results/headline --replicates 10 --days 250
	$(BIN)/servicesim report results/headline

## Offline JavaScript for the browser app (the CDN is unreachable): fills .assets-cache/ once.
assets: $(STAMP)
	$(BIN)/python -m servicesim.viz.assets --quiet

## The browser app: explore, compare, follow a request (EN/FR), offline.
ui: assets
	$(BIN)/servicesim ui --host $${HOST:-127.0.0.1} --port $${PORT:-8765}

## The whole test suite, slow end-to-end checks included (about 8 minutes on 2 cores);
## `make test-fast` leaves out the tests marked slow. The browser app's tests need Chromium
## (/usr/bin/chromium or `chromium` on PATH): without it the run fails and says how to install it;
## `make test SERVICESIM_SKIP_BROWSER=1` leaves them out, and says so at the end (tests/conftest.py).
test: $(STAMP) assets
	$(BIN)/python -m pytest -q

test-fast: $(STAMP) assets
	$(BIN)/python -m pytest -q -m 'not slow'

test-all: test

## The linter (ruff, configured in pyproject.toml) over the whole tree; CI runs it before the tests.
lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_model.py
	$(BIN)/python benchmarks/bench_sweep.py

clean-venv:
	rm -rf $(VENV)
