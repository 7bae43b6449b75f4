# Vigie on a fresh machine: `make run` screens the shipped sample, `make test` runs every check CI runs.
# Both create .venv if it is missing and install the exact versions of requirements.lock (hashes checked).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
RUNTIME_LOCK := requirements-runtime.lock
INSTALLED := $(VENV)/.installed
DB := vigie.sqlite3
SAMPLE := policies/examples/sample.jsonl
CHARTER := policies/charter.toml
UV := uv==0.13.8

.PHONY: run test lint lock clean

run: $(INSTALLED)
	$(BIN)/python -m bot screen --summary --charter $(CHARTER) --db $(DB) $(SAMPLE)

test: lint
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m bot charter check $(CHARTER)

# Re-pin every dependency of pyproject.toml for Python 3.11 on every platform: runtime and all extras
# for developers and CI, then the runtime alone for the image, at the very same versions.
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet "$(UV)"
	$(BIN)/uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 \
		--generate-hashes --quiet --output-file $(LOCK)
	$(BIN)/uv pip compile pyproject.toml --constraint $(LOCK) --universal --python-version 3.11 \
		--generate-hashes --quiet --output-file $(RUNTIME_LOCK)
	@echo "$(LOCK) and $(RUNTIME_LOCK) regenerated; commit them with the pyproject.toml change."

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Vigie needs Python 3.11 or newer (PYTHON=$(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# The lock is complete, so nothing else is resolved; the project itself is installed editable on top.
$(INSTALLED): $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm
