# Everything a fresh machine needs: `make demo`, `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo test lint train evaluate bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/linkverifier demo --out-dir demo-output

test: $(STAMP)
	$(VENV)/bin/ruff check crawler extract scoring tests bench
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check crawler extract scoring tests bench

train: $(STAMP)
	PYTHONHASHSEED=0 $(PY) -m scoring.train --no-cache

evaluate: $(STAMP)
	$(PY) -m scoring.evaluate

bench: $(STAMP)
	$(PY) bench/throughput.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache *.egg-info
