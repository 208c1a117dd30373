# Two commands: `make run` (the dashboard, with the demo data on first start) and `make test` (every test).
# `make run PORT=8600 ADDRESS=0.0.0.0` serves on another port and to other machines (default: this one only);
# `make etl ARGS="uploads"` runs the command line (`python -m etl uploads`) in the project's virtual environment.
# Dependencies are declared in pyproject.toml; requirements.txt pins them and all they need (`make lock` rewrites it).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PORT ?= 8501
ADDRESS ?= 127.0.0.1
ARGS ?= --help

.PHONY: run test demo etl lint lock bench-etl
.DEFAULT_GOAL := run

$(INSTALLED): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed: $(PYTHON) is $$($(PYTHON) --version 2>&1)."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

run: $(INSTALLED)
	$(BIN)/python -m etl demo --if-missing
	$(BIN)/streamlit run dashboard.py --server.port $(PORT) --server.address $(ADDRESS)

test: lint
	$(BIN)/python -m pytest

# ruff on everything; mypy on the packages listed in pyproject.toml ([tool.mypy] files).
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/mypy

demo: $(INSTALLED)
	$(BIN)/python -m etl demo

etl: $(INSTALLED)
	$(BIN)/python -m etl $(ARGS)

# After changing pyproject.toml's dependencies and installing them into .venv: pin every package at its installed version.
lock:
	$(BIN)/python tools/lock_requirements.py

bench-etl: $(INSTALLED)
	$(BIN)/python -m etl.bench
