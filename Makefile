# cloudflare_ops.zero_trust: `make demo` and `make test` work on a machine with Python 3.12, make and git.
# The checks are nox sessions (noxfile.py, antsibull-nox.toml); the targets here bootstrap nox and uv into
# .venv-nox, run the sessions, and keep the short names (CONTRIBUTING.md says which session each runs).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell .ci/find-python 3.12)
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)
export EMULATOR_PYTHON := $(BIN)/python
export ANSIBLE_PYTHON_INTERPRETER := $(BIN)/python
BUILD := $(abspath build)
COLL := $(BUILD)/ansible_collections/cloudflare_ops/zero_trust
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL := $(BUILD)/cloudflare_ops-zero_trust-$(VERSION).tar.gz
TARGETS ?=
TESTS ?=
NEED_PYTHON = @test -n "$(PYTHON)" || { echo "Python 3.12 not found: set PYTHON=/path/to/python3.12"; exit 1; }

# nox, antsibull-nox and uv, pinned in requirements-nox.txt: pip installs uv, uv the rest.
NOX_VENV ?= .venv-nox
UV_PIN = $(shell grep '^uv==' requirements-nox.txt)
BOOTSTRAP_WHEELS ?= $(HOME)/.cache/cloudflare_ops-bootstrap
PIP_INTO_NOX_VENV = $(PYTHON) -m pip --python $(NOX_VENV)/bin/python install --quiet
UV := $(abspath $(NOX_VENV))/bin/uv
# --reuse-venv=yes: a session's venv is made once and its pins re-applied (quickly, by uv) on each run.
NOX := $(abspath $(NOX_VENV))/bin/nox --reuse-venv=yes --no-color
# The ansible-core minors requires_ansible admits, as noxfile.py derives them (requirements-core-X.Y.txt).
CORE_VERSIONS = $(sort $(patsubst requirements-core-%.txt,%,$(wildcard requirements-core-2.*.txt)))
CORE_MIN = $(firstword $(CORE_VERSIONS))
CORE_MAX = $(lastword $(CORE_VERSIONS))
# openapi-core for the contract check has a venv of its own (its openapi-schema-validator pin
# conflicts with .venv's); .ci/with-emulator validates every emulator-backed run with it.
VENV_CONTRACT ?= .venv-contract
export CONTRACT_PYTHON := $(abspath $(VENV_CONTRACT))/bin/python
# Python writes the bytecode of what is imported, once (noxfile.py says why uv does not compile it all at install):
# PYTHONDONTWRITEBYTECODE, set on these machines, would make every run compile its imports again.
unexport PYTHONDONTWRITEBYTECODE UV_COMPILE_BYTECODE

.PHONY: help nox venv venv-contract copy build install-tarball demo bench test sanity sanity-min units \
        integration integration-min matrix secrets emulator-tests contract-tests molecule ee-create lint \
        changelog-lint docs-lint license-check extra-checks galaxy-importer bench-smoke bench-ledger docsite awx-lint clean lock

help:
	@echo "make demo   - set up everything and run the example playbook against the local emulator"
	@echo "make test   - everything CI runs"
	@echo "make bench  - the request-count and speed benchmark"
	@echo "make bench-ledger - issue 26's rows: forks and jobs of one host sharing the rate-limit ledger (LEDGER_RUNS=20)"

nox: $(NOX_VENV)/.installed

$(NOX_VENV)/.installed: requirements-nox.txt
	$(NEED_PYTHON)
	rm -rf $(NOX_VENV)
	$(PYTHON) -m venv --without-pip $(NOX_VENV)
	@# The interpreter's pip installs the uv wheel into the venv from a wheel kept in $(BOOTSTRAP_WHEELS) (pip
	@# keeps no cache here, and uv's wheel is 18 MB), downloading it the first time; uv installs the rest.
	$(PIP_INTO_NOX_VENV) --no-index --find-links $(BOOTSTRAP_WHEELS) $(UV_PIN) 2>/dev/null || { \
	  $(PYTHON) -m pip download --quiet --no-deps --only-binary :all: -d $(BOOTSTRAP_WHEELS) $(UV_PIN) && \
	  $(PIP_INTO_NOX_VENV) --no-index --find-links $(BOOTSTRAP_WHEELS) $(UV_PIN); }
	$(UV) pip install --quiet --python $(NOX_VENV)/bin/python -r requirements-nox.txt
	touch $@

# The development venv (make demo, make bench, and by hand: .venv/bin/ansible-playbook ...), made by uv.
venv: $(VENV)/.installed

$(VENV)/.installed: requirements-dev.txt constraints-dev.txt $(NOX_VENV)/.installed
	$(NEED_PYTHON)
	$(UV) venv --quiet --seed --allow-existing --python $(PYTHON) $(VENV)
	$(UV) pip install --quiet --python $(BIN)/python -r requirements-dev.txt -c constraints-dev.txt
	.ci/seed-ansible-test-cache $(VENV)
	touch $@

venv-contract: $(VENV_CONTRACT)/.installed

$(VENV_CONTRACT)/.installed: tests/contract/requirements.txt tests/contract/constraints.txt $(NOX_VENV)/.installed
	$(NEED_PYTHON)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(VENV_CONTRACT)
	$(UV) pip install --quiet --python $(VENV_CONTRACT)/bin/python -r tests/contract/requirements.txt -c tests/contract/constraints.txt
	touch $@

# A copy of the files git knows (committed or not, ignored ones left out) under
# ansible_collections/<namespace>/<name>, for ansible-test and ansible-galaxy by hand (the sessions make their own).
copy: venv venv-contract
	rm -rf $(BUILD)/ansible_collections
	mkdir -p $(COLL)
	git ls-files -z --cached --others --exclude-standard | \
	  xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' | tar --null -T - -cf - | tar -xf - -C $(COLL)
	cd $(COLL) && git init -q . && git add -A >/dev/null

build: copy
	rm -f $(TARBALL)
	cd $(COLL) && $(BIN)/ansible-galaxy collection build --force --output-path $(BUILD) >/dev/null
	@ls $(TARBALL)

install-tarball: build
	$(BIN)/ansible-galaxy collection install --force $(TARBALL) -p $(BUILD)/installed
	test -f $(BUILD)/installed/ansible_collections/cloudflare_ops/zero_trust/plugins/modules/cloudflare_zt_seat.py

demo: install-tarball
	.ci/with-emulator --users-file demo/users.json -- demo/run

bench: install-tarball
	$(BIN)/python bench/bench.py

# Issue 26's rows: many processes on one host sharing the rate-limit ledger (about 2 minutes a run of each row).
LEDGER_RUNS ?= 20
bench-ledger: install-tarball
	$(BIN)/python bench/ledger.py --runs $(LEDGER_RUNS) --collections-path $(BUILD)/installed

# --- make test: every session, three at a time, each one's output printed whole when it ends. ---
# Three on 2 CPUs: the integration steps spend about 40 % of their time waiting (retries, budget windows, slow
# servers), which a third step fills. The longest first, so that the short ones fill the other slots. A failing
# session fails make test after the others ran (-k); each step's result is printed with its wall time and the
# CPU time its processes used (which, unlike the wall time, does not depend on what else the machine runs).
CORE_BETWEEN = $(filter-out $(CORE_MIN) $(CORE_MAX),$(CORE_VERSIONS))
TEST_STEPS := integration integration-min bench-smoke $(addprefix matrix-,$(CORE_BETWEEN)) lint units sanity \
              molecule docsite galaxy-importer emulator-tests awx-lint ee-create docs-lint license-check \
              contract-tests sanity-min changelog-lint extra-checks
JOBS ?= 3
test: nox venv-contract
	@start=$$(date +%s); mkdir -p "$(BUILD)"; \
	if $(MAKE) --no-print-directory -k -j$(JOBS) -O $(addprefix step-,$(TEST_STEPS)); then \
	  times >"$(BUILD)/.cpu-test"; \
	  echo "make test: all checks passed in $$(( $$(date +%s) - start )) s (CPU user, system: $$(tail -n 1 "$(BUILD)/.cpu-test"))"; \
	else echo "make test: failed (see the steps above marked FAILED)"; exit 1; fi

# Every step but the two full integration runs runs at a lower priority: cloudflare_faults (in those) asserts that a
# retried write finished within 10 s of wall time, which a CPU shared with sanity's pylint can stretch.
BACKGROUND_STEPS := $(filter-out integration integration-min,$(TEST_STEPS))
step-%: nox venv-contract
	@start=$$(date +%s); echo "=== $*: started $$(date +%T)"; mkdir -p "$(BUILD)"; \
	if $(if $(filter $*,$(BACKGROUND_STEPS)),nice -n 10) $(MAKE) --no-print-directory $*; then result=passed; \
	else result=FAILED; fi; \
	times >"$(BUILD)/.cpu-$*"; \
	echo "=== $*: $$result in $$(( $$(date +%s) - start )) s (CPU user, system: $$(tail -n 1 "$(BUILD)/.cpu-$*"))"; \
	[ "$$result" = passed ]

# ansible-test sanity with the newest ansible-core: every test, compile and import on Python 3.9 to 3.13
# (those this machine has), in one ansible-test run; with the oldest, on 3.9 and 3.12.
sanity: nox
	$(NOX) -e ansible-test-sanity-$(CORE_MAX)

sanity-min: nox
	$(NOX) -e ansible-test-sanity-$(CORE_MIN)

# `make units TESTS="tests/unit/plugins/x/test_y.py::test_z ..."` runs those tests (ids, files or directories) only.
units: nox
	$(NOX) -e ansible-test-units $(if $(TESTS),-- $(TESTS))

# With the newest ansible-core: the credential check (every module at -vvvv with --diff, no credential in the
# output) and every integration target against the emulator; `make integration TARGETS=x` runs target x only.
integration: nox venv-contract
	$(NOX) -e ansible-test-integration-$(CORE_MAX) $(if $(TARGETS),-- $(TARGETS))

secrets: nox venv-contract
	$(NOX) -e ansible-test-integration-$(CORE_MAX) -- secrets

integration-min: nox venv-contract
	$(NOX) -e ansible-test-integration-$(CORE_MIN) $(if $(TARGETS),-- $(TARGETS))

# The ansible-core minors between: the credential check and the bad-input target each.
matrix: nox venv-contract
	$(NOX) -e $(foreach v,$(CORE_BETWEEN),ansible-test-integration-$(v))

# One minor of the matrix (make test runs them as steps of their own, side by side with the others).
matrix-%: nox venv-contract
	$(NOX) -e ansible-test-integration-$*

emulator-tests: nox
	$(NOX) -e emulator-tests

contract-tests: nox
	$(NOX) -e contract-tests

molecule: nox venv-contract
	$(NOX) -e molecule

# ansible-builder create only, on docs/execution-environment.yml (the built tarball) and docs/ee-galaxy/ (from
# Galaxy): no container engine here (antsibull-nox's ee-check builds an image and runs it).
ee-create: nox
	$(NOX) -e ee-check

lint: nox
	$(NOX) -e lint ansible-lint

changelog-lint: nox
	$(NOX) -e changelog-lint

docs-lint: nox
	$(NOX) -e docs-check

license-check: nox
	$(NOX) -e license-check

extra-checks: nox
	$(NOX) -e extra-checks

# Build, install and import the tarball with galaxy-importer (offline, no ansible-test container): any warning
# fails. GALAXY_REQUIRE_V1=true|false overrides Automation Hub's REQUIRE_V1_OR_GREATER (on from 1.0.0).
galaxy-importer: nox
	$(NOX) -e build-import-check

# The benchmark over 200 users, asserting its request bounds (no timing).
bench-smoke: nox venv-contract
	$(NOX) -e bench-smoke

docsite: nox
	$(NOX) -e docsite

awx-lint: nox
	$(NOX) -e awx-lint

# Mutation testing (mutmut) over plugins/module_utils/ with the unit tests (.ci/mutation; not part of `make test`).
# Its own venv: mutmut pinned in tests/mutation/requirements.txt, the rest from constraints-dev.txt.
# MUTANTS='glob ...' restricts the run to those mutant names (e.g. MUTANTS='*._planner.*').
VENV_MUTATION ?= .venv-mutation
.PHONY: mutation venv-mutation
venv-mutation: $(VENV_MUTATION)/.installed

$(VENV_MUTATION)/.installed: tests/mutation/requirements.txt constraints-dev.txt $(NOX_VENV)/.installed
	$(NEED_PYTHON)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(VENV_MUTATION)
	$(UV) pip install --quiet --python $(VENV_MUTATION)/bin/python -r tests/mutation/requirements.txt -c constraints-dev.txt
	touch $@

mutation: venv-mutation
	.ci/mutation $(abspath $(VENV_MUTATION))/bin $(MUTANTS)

# cloudflare_live against a real Cloudflare test account (CLOUDFLARE_* variables; tests/integration/README.md).
.PHONY: integration-live
integration-live: copy
	.ci/integration-live $(COLL)

lock: venv
	$(UV) pip freeze --python $(BIN)/python --exclude-editable | grep -v '^pip==' > constraints-dev.txt

clean:
	rm -rf $(BUILD) $(VENV) $(VENV_CONTRACT) $(VENV_MUTATION) $(NOX_VENV) .nox tests/output
