# The workflow: raw/ --(make pipeline)--> processed/ ; make test ; make evaluate ; make bench
# make train: train/*.jsonl + tests/data + corrections.csv labels + train/config.cfg (sentences read
#   in context from ../shared/corpus and raw/) --> pipeline/model/textcat (the shipped classifier)
# Every target sets up .venv first: pyproject.toml + requirements.lock --> .venv, with exactly
# the versions in the lock; redone when either changes, from scratch when $(PYTHON) is
# another Python than the venv's.
# make lock: pyproject.toml --> requirements.lock (the newest versions it allows; then make test)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
VERSION := -c 'import sys; print(sys.version)'

.PHONY: pipeline test evaluate bench train venv lock clean

pipeline: $(STAMP)
	$(BIN)/python -m pipeline run raw --out processed

test: $(STAMP)
	$(BIN)/python -m pytest

evaluate: $(STAMP)
	$(BIN)/python -m pipeline evaluate --folds 5

train: $(STAMP)
	$(BIN)/python -m pipeline train

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/rerun.py
	$(BIN)/python bench/pdf.py
	$(BIN)/python bench/web_pages.py
	$(BIN)/python bench/scale.py

venv: $(STAMP)

# A venv whose interpreter is not $(PYTHON) (another version, or gone) is made anew.
ifneq ($(shell $(PYTHON) $(VERSION) 2>/dev/null),$(shell $(BIN)/python $(VERSION) 2>/dev/null))
FRESH_VENV := yes
$(STAMP): FORCE
endif

# Installed from the lock as constraints; anything installed that the lock does not pin
# came from a dependency added since the lock was made (or by hand), and is an error.
# (setuptools, which spaCy asks for, comes with Python 3.11's venv; another Python's
# venv gets it from pip.)
$(STAMP): pyproject.toml $(LOCK)
	@test -n "$(PYTHON)" || { echo "error: Python 3.11 not found (looked for python3.11, python3)"; exit 1; }
	$(if $(FRESH_VENV),rm -rf $(VENV))
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade -c $(LOCK) pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[test]'
	@$(BIN)/python -m pip freeze --exclude-editable --exclude setuptools | grep -vxF -f $(LOCK) \
	  && { echo "error: installed but not in $(LOCK) (above): run make lock"; exit 1; } || true
	touch $(STAMP)

# Throwaway venv, no constraints: the newest versions pyproject.toml allows (and the
# newest pip), frozen, without the project itself.
lock:
	@test -n "$(PYTHON)" || { echo "error: Python 3.11 not found (looked for python3.11, python3)"; exit 1; }
	set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet --upgrade pip; \
	"$$tmp/venv/bin/python" -m pip install --quiet -e '.[test]'; \
	{ echo "# Exact versions of everything \`pip install -e '.[test]'\` installs, and pip: make"; \
	  echo "# installs them as constraints (pip install -c $(LOCK) -e '.[test]')."; \
	  echo "# Made by \`make lock\` (a throwaway venv, the newest versions pyproject.toml allows,"; \
	  echo "# pip freeze) with Python $$($(PYTHON) -c 'import platform; print(platform.python_version())')."; \
	  echo "# Refresh: make lock && make test, then commit this file."; \
	  "$$tmp/venv/bin/python" -m pip freeze --all --exclude-editable | grep -i '^pip=='; \
	  "$$tmp/venv/bin/python" -m pip freeze --exclude-editable; } > "$$tmp/lock"; \
	mv "$$tmp/lock" $(LOCK)
	@echo "wrote $(LOCK); run make test"

FORCE:

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
