# The README's two commands are `make run` and `make test`; everything else is a step of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# System packages the test suite needs, as Debian package = a file it installs (globs allowed).
SYSTEM_DEPS := postgresql=/usr/lib/postgresql/*/bin/initdb libcairo2=/usr/lib/*/libcairo.so.2 \
	chromium=/usr/bin/chromium chromium-driver=/usr/bin/chromedriver npm=/usr/bin/npm \
	libpango-1.0-0=/usr/lib/*/libpango-1.0.so.0 libpangoft2-1.0-0=/usr/lib/*/libpangoft2-1.0.so.0 \
	fonts-dejavu-core=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf poppler-utils=/usr/bin/pdftoppm \
	libnss3-tools=/usr/bin/certutil \
	nginx=/usr/sbin/nginx dbus-daemon=/usr/bin/dbus-daemon xvfb=/usr/bin/Xvfb xdotool=/usr/bin/xdotool

.PHONY: run test lint types js pytest bench system-deps install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files so repeated runs skip pip when nothing changed.
$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(BIN)/unknot serve

system-deps:
	@missing=""; for dep in $(SYSTEM_DEPS); do \
	  package=$${dep%%=*}; file=$${dep#*=}; \
	  ls $$file >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Missing system packages. Run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

# Each phase prints its wall time (issue 15: every issue says how many seconds it added).
TIMED = bash -c 'start=$$(date +%s%N); "$$@"; status=$$?; ms=$$(( ($$(date +%s%N) - start) / 1000000 )); \
	printf "make: %s took %d.%01d s\n" "$$PHASE" $$((ms / 1000)) $$((ms % 1000 / 100)); exit $$status' --

lint: install-test
	@PHASE=lint $(TIMED) sh -c '$(BIN)/ruff check . && $(BIN)/ruff format --check .'

types: install-test
	@PHASE=types $(TIMED) $(BIN)/mypy

# The browser's modules: JSDoc types checked by TypeScript, emitting nothing (issue 15).
js: node_modules/.bin/tsc
	@PHASE="JS checks" $(TIMED) node_modules/.bin/tsc -p tsconfig.json

# axe-core, injected into pages by the browser tests, and TypeScript for `make js` (npm; no
# lock file is committed).
node_modules/axe-core/axe.min.js node_modules/.bin/tsc: package.json | system-deps
	npm install --no-package-lock --no-audit --no-fund --loglevel=error
	touch node_modules/axe-core/axe.min.js node_modules/.bin/tsc

# CPU-bound tests on two workers, then the ones that start processes, one at a time.
pytest: install-test system-deps node_modules/axe-core/axe.min.js
	@PHASE="pytest, parallel" $(TIMED) $(BIN)/pytest -q -n 2 -m "not serial" --durations=8
	@PHASE="pytest, serial" $(TIMED) $(BIN)/pytest -q -m serial --durations=8

test: lint types js pytest

bench: install-test system-deps node_modules/axe-core/axe.min.js
	@command -v wrk >/dev/null && command -v h2load >/dev/null || { [ "$$(id -u)" = "0" ] && apt-get install -y -qq wrk nghttp2-client; } || echo "bench: wrk and h2load missing: sudo apt-get install wrk nghttp2-client"
	@[ -x node_modules/.bin/lighthouse ] || npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error lighthouse@12
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
