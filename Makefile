# The workflow: raw/ --(make pipeline)--> processed/ ; make test ; make evaluate ; make bench
# make train: train/*.jsonl + train/config.cfg --> pipeline/model/textcat (the shipped classifier)
# Every target sets up .venv first if it is missing or pyproject.toml changed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: pipeline test evaluate bench train venv clean

pipeline: $(STAMP)
	$(BIN)/python -m pipeline run raw --out processed

test: $(STAMP)
	$(BIN)/python -m pytest

evaluate: $(STAMP)
	$(BIN)/python -m pipeline evaluate

train: $(STAMP)
	$(BIN)/python -m pipeline train

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/rerun.py
	$(BIN)/python bench/pdf.py

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: Python 3.11 not found (looked for python3.11, python3)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
