# Everything a fresh machine needs: `make demo`, `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo test test-fast lint train evaluate bench bench-advertools bench-memory bench-render bench-report soak clean system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/linkverifier demo --out-dir demo-output

# Services the tests run for real: headless Chromium renders the report,
# redis-server carries `verify --queue`, LibreOffice opens the CSV and XLSX
# output (Debian's packages, installed when missing).
system-deps:
	@command -v chromium >/dev/null && command -v redis-server >/dev/null && command -v soffice >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium redis-server libreoffice-calc-nogui >/dev/null)

test: $(STAMP) system-deps
	$(VENV)/bin/ruff check crawler extract scoring tests bench
	$(PY) -m pytest -q

# The quick loop while changing code (under 2 minutes): everything but the slow modules (tests/conftest.py).
test-fast: $(STAMP)
	$(VENV)/bin/ruff check crawler extract scoring tests bench
	$(PY) -m pytest -q -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check crawler extract scoring tests bench

# Training also reads Princeton WordNet 3.0 (Debian's wordnet-base), four of
# FreeDict's CC BY-SA dictionaries (scoring/training/freedict.py) and the
# wordfreq lists (the `train` extra); the full data comes from LINKVERIFIER_DATA.
FREEDICT_PACKAGES = dict-freedict-ell-eng dict-freedict-eng-bul dict-freedict-eng-fin dict-freedict-fin-eng
train: $(STAMP)
	$(PY) -m pip install --quiet -e '.[train,test]'
	test -f /usr/share/wordnet/data.noun || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wordnet-base >/dev/null)
	dpkg -s $(FREEDICT_PACKAGES) >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(FREEDICT_PACKAGES) >/dev/null)
	PYTHONHASHSEED=0 $(PY) -m scoring.training.train --no-cache

evaluate: $(STAMP)
	$(PY) -m scoring.evaluate

bench: $(STAMP)
	$(PY) bench/throughput.py

# The same benchmark with advertools' list-mode crawl beside it; advertools
# lives in its own environment, never in the project's.
bench-advertools: $(STAMP)
	test -x .venv-advertools/bin/python || (python3 -m venv .venv-advertools && .venv-advertools/bin/pip install -q advertools)
	$(PY) bench/throughput.py --advertools .venv-advertools/bin/python

# Peak memory of a 100,000-row list against a generated local web (about 20 minutes on 2 cores).
bench-memory: $(STAMP)
	$(PY) bench/memory.py

# The report and `serve` on a generated profile of 50,000 links: report time and memory, and in Chromium
# at 1,300 px the time to open, sort, filter and scroll; serve's first page and canned queries.
bench-report: $(STAMP) system-deps
	$(PY) bench/report_scale.py --links 50000

# What --render costs: 200 pages whose link only a script adds, with and without it.
bench-render: $(STAMP) system-deps
	$(PY) bench/render.py

# verify on a seeded hostile web of 2,000 rows (real pages from ../shared/data, faults of every kind):
# plain, then Ctrl-C at 40% and --resume, then kill -9 at 40% and --resume (about 6 minutes on 2 cores).
soak: $(STAMP)
	$(PY) bench/soak.py --rows 2000 --timeout 5
	$(PY) bench/soak.py --rows 2000 --timeout 5 --interrupt 0.4
	$(PY) bench/soak.py --rows 2000 --timeout 5 --kill 0.4

clean:
	rm -rf $(VENV) .venv-advertools demo-output .pytest_cache *.egg-info
