# Two commands do everything on a fresh machine:  `make demo`  and  `make test`.
# The virtual environment is built on first use with the Python that .python-version selects (3.12).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-all bench ui clean-venv

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), f"servicesim needs Python >= 3.12, found {sys.version.split()[0]} (see .python-version)"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip > $(VENV)/install.log 2>&1
	$(BIN)/python -m pip install -e '.[test]' >> $(VENV)/install.log 2>&1 || { tail -30 $(VENV)/install.log; exit 1; }
	touch $(STAMP)

## The headline: bersin vs hierarchical styles over a simulated year.
demo: $(STAMP)
	$(BIN)/servicesim compare-presets hierarchical bersin --days 250 --seed 1

## The test suite (fast tests; `make test-all` adds the slow statistical ones).
test: $(STAMP)
	$(BIN)/python -m pytest -q -m 'not slow'

test-all: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_model.py

clean-venv:
	rm -rf $(VENV)
