# Two commands on a fresh Debian machine: `make demo` and `make test`.
# Both install whatever is missing first (Debian packages, then a venv).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := chromium chromium-headless-shell fonts-noto-cjk fonts-liberation \
                openssl sqlite3 poppler-utils python3-venv pngcheck nodejs npm

.PHONY: all system-deps venv npm-tools test demo bench clean

all: test

system-deps:
	@missing=""; \
	for pkg in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

venv: $(BIN)/.installed

# npm test tools, pinned in tools/har/package.json (+ package-lock.json):
# har-validator checks every HAR the tests capture against the HAR 1.2 schema.
tools/har/node_modules/.installed: tools/har/package.json tools/har/package-lock.json
	cd tools/har && npm ci --no-audit --no-fund
	touch $@

npm-tools: tools/har/node_modules/.installed

# pytest exits 5 when it collects no tests (e.g. a -k filter that matches
# nothing); that is said loudly and not treated as a failure of the code.
test: system-deps venv npm-tools
	@$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests (exit 5)"; rc=0; fi; \
	exit $$rc

demo: system-deps venv
	$(BIN)/python scripts/demo.py

# Benchmarks, each against a baseline measured in the same run; results in bench/RESULTS.md.
bench: system-deps venv
	$(BIN)/python bench/bench_capture.py
	$(BIN)/python bench/bench_custody.py
	$(BIN)/python bench/bench_verify.py
	$(BIN)/python bench/bench_store.py

clean:
	rm -rf $(VENV) .pytest_cache demo-output
