# Seq2Seq Attention Lab. The README's two commands: `make run` and `make test`.
# Each target installs what it needs first, so both work on a fresh machine.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 8501

.PHONY: setup run hall axe test test-fast test-js browser serving bench bench-long checkpoints lint clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install the pinned requirements

run: setup  ## start the app on the shipped checkpoints
	$(PY) -m streamlit run lecture/asgi.py --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

hall: setup serving  ## a lecture hall: REPLICAS replicas (default: the cores) behind HAProxy on PORT, rooms in Redis
	$(PY) -m serving.hall --port $(PORT) $(if $(REPLICAS),--replicas $(REPLICAS),)

browser:  ## Debian's Chromium for the browser tests (Playwright drives it; nothing downloaded)
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

serving:  ## Debian's redis-server and haproxy: a hall's shared rooms and its load balancer
	@command -v redis-server >/dev/null 2>&1 && command -v haproxy >/dev/null 2>&1 || { \
		echo "installing Debian's redis-server and haproxy"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server haproxy >/dev/null; }

AXE_VERSION := 4.14.1
AXE := .cache/axe/node_modules/axe-core/axe.min.js

$(AXE):
	@command -v npm >/dev/null 2>&1 || { \
		echo "installing Debian's npm for axe-core"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@$(AXE_VERSION)

axe: $(AXE)  ## axe-core from npm, for the accessibility tests (the app never loads it)

test: setup browser serving axe lint test-js  ## lint, then every test: unit, AppTest pages, Chromium end to end, JavaScript
	$(PY) -m pytest -q

test-fast: setup serving test-js  ## the tests that need no browser
	$(PY) -m pytest -q -m "not browser"

test-js: setup  ## the step view's JavaScript, with Node's own runner, on fixtures Python writes
	@command -v node >/dev/null 2>&1 || { \
		echo "installing Debian's nodejs for the JavaScript tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null; }
	$(PY) -m pytest -q tests/unit/test_stepview_fixtures.py
	node --test tests/js/*.test.mjs

bench: setup browser  ## benchmarks (~19 min on 2 cores): merged into benchmarks/latest.json, a table
	$(PY) -m benchmarks.run

bench-long: setup serving  ## the long benchmarks: the Transformer's seconds to 99% over seeds, a hall of 300, a 30-minute soak (~1.7 h)
	$(PY) -m benchmarks.run --long

checkpoints: setup  ## retrain every shipped checkpoint into checkpoints/ (see README for time)
	$(PY) -m s2s_core zoo --build

lint: setup  ## ruff, the formatter check, the layer contract (import-linter), mypy
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts
