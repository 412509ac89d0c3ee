# Everything a fresh machine needs: `make demo`, `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo test lint train evaluate bench clean system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/linkverifier demo --out-dir demo-output

# Services the tests run for real: headless Chromium renders the report,
# redis-server carries `verify --queue` (Debian's packages, installed when missing).
system-deps:
	@command -v chromium >/dev/null && command -v redis-server >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium redis-server >/dev/null)

test: $(STAMP) system-deps
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
