# Everything a fresh machine needs: `make demo`, `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo test lint train evaluate bench clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/linkverifier demo --out-dir demo-output

# The report test renders in headless Chromium (Debian's package).
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

test: $(STAMP) chromium
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
