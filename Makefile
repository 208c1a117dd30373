# Two commands: `make run` (the dashboard, with the demo data on first start) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test demo lint bench-etl
.DEFAULT_GOAL := run

$(INSTALLED): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

run: $(INSTALLED)
	$(BIN)/python -m etl demo --if-missing
	$(BIN)/streamlit run dashboard.py --server.port 8501

test: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

demo: $(INSTALLED)
	$(BIN)/python -m etl demo

bench-etl: $(INSTALLED)
	$(BIN)/python -m etl.bench
