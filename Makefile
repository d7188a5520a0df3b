# Two commands on a fresh Debian machine: `make demo` and `make test`.
# Both install whatever is missing first (Debian packages, then a venv).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := chromium chromium-headless-shell fonts-noto-cjk fonts-liberation \
                openssl sqlite3 poppler-utils python3-venv pngcheck \
                postgresql redis-server
# Node.js and npm (for the pinned npm test tools) come from Debian only when the
# machine has none: a machine with another Node.js build already has its own npm,
# and Debian's npm package conflicts with it.
NODE_PACKAGES := nodejs npm

.PHONY: all system-deps venv npm-tools test realworld fuzz demo bench clean replay-assets wacz-venv

all: test

system-deps:
	@missing=""; \
	for pkg in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "ok installed" || missing="$$missing $$pkg"; \
	done; \
	command -v npm >/dev/null 2>&1 || missing="$$missing $(NODE_PACKAGES)"; \
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

# ReplayWeb.page for `evidence replay`: the pinned npm release, fetched once into a
# cache and checked against its tarball SHA-256; nothing is fetched at run time.
RWP_VERSION := 2.5.3
RWP_SHA256  := b7d35c39c4da9b7121c5a393911d8675d4cc6f19513c380191e16b086bea812c
RWP_DIR     := .cache/replaywebpage-$(RWP_VERSION)

$(RWP_DIR)/.installed:
	mkdir -p $(RWP_DIR).tmp
	cd $(RWP_DIR).tmp && npm pack --silent replaywebpage@$(RWP_VERSION) >/dev/null
	echo "$(RWP_SHA256)  $(RWP_DIR).tmp/replaywebpage-$(RWP_VERSION).tgz" | sha256sum -c --quiet
	tar -xzf $(RWP_DIR).tmp/replaywebpage-$(RWP_VERSION).tgz -C $(RWP_DIR).tmp
	mkdir -p $(RWP_DIR)
	cp $(RWP_DIR).tmp/package/ui.js $(RWP_DIR).tmp/package/sw.js $(RWP_DIR).tmp/package/LICENSE $(RWP_DIR)/
	rm -rf $(RWP_DIR).tmp
	touch $@

replay-assets: $(RWP_DIR)/.installed

# py-wacz (`wacz validate`) pins frictionless and friends: it lives in its own venv,
# used by the tests as an independent validator of our WACZ files.
WACZ_VENV := .venv-wacz
$(WACZ_VENV)/.installed:
	test -x $(WACZ_VENV)/bin/python || $(PYTHON) -m venv $(WACZ_VENV)
	$(WACZ_VENV)/bin/python -m pip install -q 'wacz==0.6.0'
	touch $@

wacz-venv: $(WACZ_VENV)/.installed


# pytest exits 5 when it collects no tests (e.g. a -k filter that matches
# nothing); that is said loudly and not treated as a failure of the code.
test: system-deps venv npm-tools replay-assets wacz-venv
	@$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests (exit 5)"; rc=0; fi; \
	exit $$rc

# The 13-page real-world run (tests/data/readability, served locally): every HAR
# valid, no English in zh output, the record within 60 pages and 8 MB.
realworld: system-deps venv npm-tools
	REALWORLD_ALL=1 REALWORLD_OUT=bench/out/realworld $(BIN)/python -m pytest -q -s -p no:timeout tests/test_realworld.py

# The mutation fuzzer (tests/test_fuzz.py) for longer than CI gives it: FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 300
fuzz: system-deps venv
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python -m pytest -q -p no:timeout tests/test_fuzz.py

demo: system-deps venv replay-assets wacz-venv
	$(BIN)/python scripts/demo.py

# Benchmarks, each against a baseline measured in the same run; results in bench/RESULTS.md.
# The Scoop comparison needs Scoop built outside the repo: bench/scoop_build.sh (else skipped).
CAPTURE_ROUNDS ?= 5
bench: system-deps venv
	$(BIN)/python bench/bench_capture.py --rounds $(CAPTURE_ROUNDS) --json
	$(BIN)/python bench/bench_custody.py
	$(BIN)/python bench/bench_verify.py
	$(BIN)/python bench/bench_store.py
	$(BIN)/python bench/bench_patrol.py
	$(BIN)/python bench/bench_archive.py

clean:
	rm -rf $(VENV) $(WACZ_VENV) .cache .pytest_cache demo-output
