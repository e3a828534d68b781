# Two commands on a fresh machine: `make run` and `make test`.
# Both install exactly the versions in the hash lock, never "whatever is newest today".
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
# Flags shared by both locks: hashes for every file, pip/setuptools included (the build itself
# is pinned), and no machine-specific index or wheel folder written into the lock.
COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --all-build-deps \
	--strip-extras --no-emit-index-url --no-emit-find-links --no-emit-trusted-host

.PHONY: run test lint install dev lock lock-sync drift docker-check

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11+ est requis ($(PYTHON) introuvable)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(LOCK) pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --require-hashes -r $(LOCK)
	$(PIP) install --quiet --quiet --no-deps --no-build-isolation -e .
	@touch $@

$(VENV)/.installed-dev: $(DEV_LOCK) pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --require-hashes -r $(DEV_LOCK)
	$(PIP) install --quiet --quiet --no-deps --no-build-isolation -e .
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

run: install
	$(BIN)/relais run

test: dev
	$(BIN)/python -m pytest

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Refresh both locks to the newest versions pyproject.toml allows, then test them before you
# commit: the dev lock is resolved first and constrains the runtime lock, so production runs
# exactly the versions the suite ran. `make lock-sync` records a change of pyproject.toml (a new
# dependency) and keeps every other pin where it is.
lock: UPGRADE := --upgrade
lock lock-sync: dev
	$(COMPILE) $(UPGRADE) --extra dev --output-file $(DEV_LOCK) pyproject.toml
	$(COMPILE) $(UPGRADE) --constraint $(DEV_LOCK) --output-file $(LOCK) pyproject.toml
	$(PIP) install --quiet --require-hashes -r $(DEV_LOCK)
	$(PIP) install --quiet --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pytest -q

# What the next `make lock` would break: a throwaway venv with the newest allowed versions.
drift:
	@bash .ci/drift

# The Dockerfile's install steps, in its order, in a throwaway venv, plus hadolint.
docker-check: dev
	@bash .ci/docker-check
