# Two commands for a fresh machine: `make run` and `make test`. Both create .venv from the
# pinned lock file on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint sample benchmark bench-link bench-febrl bench-unseen bench-labels clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/sweep run

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

sample: $(STAMP)
	$(BIN)/sweep generate --staff 2000 --nominals 20000 --seed 7 --enrich 5 --defects 1 --out data/sample

benchmark: $(STAMP)
	$(BIN)/python benchmarks/bench_pipeline.py

# Sweep vs Splink on the same flat files; Splink goes into benchmarks/data/splink-venv only.
bench-link: $(STAMP)
	$(BIN)/python benchmarks/bench_link.py

# The same on data Sweep was never built on: FEBRL 4 (downloaded once into benchmarks/data/febrl).
bench-febrl: $(STAMP)
	$(BIN)/python benchmarks/febrl.py

# The same on sets from a generator of its own, with none of Sweep's name lists (u1, u2).
bench-unseen: $(STAMP)
	$(BIN)/python benchmarks/bench_unseen.py

# m from labelled pairs (sweep link --labels) against EM, scored on held-out people: FEBRL 1-4.
bench-labels: $(STAMP)
	$(BIN)/python benchmarks/labels.py --febrl

clean:
	rm -rf $(VENV) out
