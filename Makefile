# cloudflare_ops.zero_trust: `make demo` and `make test` work on a machine with Python 3.12, make and git.
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
# Python versions ansible-test checks modules with, among those this machine has.
TARGET_PYTHONS ?= 3.9 3.10 3.11 3.12 3.13
TARGETS ?=
# The lowest supported ansible-core gets its own venv; sanity and integration run on it too.
VENV_MIN ?= .venv-core-min
BIN_MIN := $(abspath $(VENV_MIN))/bin
TARGET_PYTHONS_MIN ?= 3.9 3.12
# openapi-core for the contract check has a venv of its own (its openapi-schema-validator pin
# conflicts with .venv's); .ci/with-emulator validates every emulator-backed run with it.
VENV_CONTRACT ?= .venv-contract
export CONTRACT_PYTHON := $(abspath $(VENV_CONTRACT))/bin/python

.PHONY: help venv venv-min sanity-min integration-min copy demo test sanity units integration emulator-tests lint changelog-lint docs-lint build install-tarball bench clean lock

help:
	@echo "make demo   - set up everything and run the example playbook against the local emulator"
	@echo "make test   - everything CI runs"
	@echo "make bench  - the request-count and speed benchmark"

venv: $(VENV)/.installed

$(VENV)/.installed: requirements-dev.txt constraints-dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 not found: set PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints-dev.txt
	.ci/seed-ansible-test-cache $(VENV)
	touch $@

venv-min: $(VENV_MIN)/.installed

$(VENV_MIN)/.installed: requirements-core-min.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 not found: set PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV_MIN)
	$(BIN_MIN)/python -m pip install --quiet --upgrade pip
	$(BIN_MIN)/python -m pip install --quiet -r requirements-core-min.txt
	.ci/seed-ansible-test-cache $(VENV_MIN)
	touch $@

# ansible-test needs the collection under ansible_collections/<namespace>/<name>: a copy of
# the files git knows (committed or not, ignored ones left out).
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

sanity: copy
	.ci/sanity $(COLL) $(TARGET_PYTHONS)

units: copy
	cd $(COLL) && ansible-test units --python 3.12 --color no

integration: copy
	.ci/with-emulator -- .ci/integration $(COLL) $(TARGETS)

# cloudflare_live against a real Cloudflare test account (CLOUDFLARE_* variables; tests/integration/README.md).
.PHONY: integration-live
integration-live: copy
	.ci/integration-live $(COLL)

sanity-min: copy venv-min
	PATH=$(BIN_MIN):$$PATH ANSIBLE_PYTHON_INTERPRETER=$(BIN_MIN)/python .ci/sanity $(COLL) $(TARGET_PYTHONS_MIN)

integration-min: copy venv-min
	PATH=$(BIN_MIN):$$PATH ANSIBLE_PYTHON_INTERPRETER=$(BIN_MIN)/python \
	  .ci/with-emulator -- .ci/integration $(COLL) $(TARGETS)

# Every supported ansible-core minor between the lowest and the newest gets a small venv (ansible-core and
# requests only, requirements-core-X.Y.txt) for the secrets test and the bad-input tests; 2.16 reuses
# the min venv, and 2.21 is .venv, where `make secrets` and `make integration` run them.
CORE_MATRIX ?= 2.17 2.18 2.19 2.20
.PHONY: matrix
venv-core-%: .venv-core-%/.installed
	@true

.venv-core-%/.installed: requirements-core-%.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 not found: set PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv .venv-core-$*
	.venv-core-$*/bin/python -m pip install --quiet --upgrade pip
	.venv-core-$*/bin/python -m pip install --quiet -r requirements-core-$*.txt
	.ci/seed-ansible-test-cache .venv-core-$*
	touch $@

matrix: copy venv-min $(foreach v,$(CORE_MATRIX),.venv-core-$(v)/.installed)
	set -e; for venv in $(VENV_MIN) $(foreach v,$(CORE_MATRIX),.venv-core-$(v)); do \
	  bin=$$(cd $$venv/bin && pwd); echo "matrix: $$($$bin/ansible --version | head -1)"; \
	  PATH=$$bin:$$PATH ANSIBLE_PYTHON_INTERPRETER=$$bin/python \
	    .ci/with-emulator -- $$bin/python $(COLL)/tests/secrets/check_secrets.py $(BUILD); \
	  PATH=$$bin:$$PATH ANSIBLE_PYTHON_INTERPRETER=$$bin/python \
	    .ci/with-emulator -- .ci/integration $(COLL) cloudflare_bad_input; \
	done

emulator-tests: venv
	$(BIN)/python -m pytest -q -rs -p no:cacheprovider tests/emulator

# Every module, succeeding and failing, at -vvvv and with --diff: no credential in the output or the results.
.PHONY: secrets
secrets: copy
	.ci/with-emulator -- $(BIN)/python $(COLL)/tests/secrets/check_secrets.py $(BUILD)

# The reconcile role's molecule scenario (converge, idempotence, verify, a check-mode report) on localhost.
.PHONY: molecule ee-create
molecule: copy
	.ci/molecule $(COLL)

# The execution environment definition in docs/ must be accepted by ansible-builder and build from the
# tarball of `make build`; the one in docs/ee-galaxy/ installs from Galaxy the version that tarball is (no image is
# built here).
ee-create: build
	.ci/ansible-builder-create $(TARBALL)
	.ci/ansible-builder-create-galaxy $(TARBALL)

lint: copy
	cd $(COLL) && ANSIBLE_COLLECTIONS_PATH=$(BUILD) ansible-lint --profile production --offline

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

docs-lint: copy
	cd $(COLL) && ANSIBLE_COLLECTIONS_PATH=$(BUILD) antsibull-docs lint-collection-docs --plugin-docs .

test: sanity units emulator-tests contract-tests integration secrets matrix molecule ee-create sanity-min integration-min lint changelog-lint docs-lint install-tarball bench-smoke galaxy-importer docsite awx-lint
	@echo "make test: all checks passed"

demo: install-tarball
	.ci/with-emulator --users-file demo/users.json -- demo/run

bench: install-tarball
	$(BIN)/python bench/bench.py

# The benchmark over 200 users, asserting its request bounds (no timing): part of `make test`.
bench-smoke: install-tarball
	BENCH_COLLECTIONS_PATH=$(BUILD)/installed $(BIN)/python -m pytest -q -p no:cacheprovider tests/bench_smoke

venv-contract: $(VENV_CONTRACT)/.installed

$(VENV_CONTRACT)/.installed: tests/contract/requirements.txt tests/contract/constraints.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 not found: set PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV_CONTRACT)
	$(VENV_CONTRACT)/bin/python -m pip install --quiet -r tests/contract/requirements.txt -c tests/contract/constraints.txt
	touch $@

# The contract check itself: the emulator's log, the validator on right and wrong exchanges, the hook.
.PHONY: venv-contract contract-tests
contract-tests: venv-contract
	$(CONTRACT_PYTHON) -m pytest -q -p no:cacheprovider tests/contract

# galaxy-importer on the tarball, offline (no ansible-test container), any warning fails. Automation Hub's
# REQUIRE_V1_OR_GREATER rule is on from version 1.0.0 on; GALAXY_REQUIRE_V1=true forces it.
GALAXY_REQUIRE_V1 ?= $(if $(filter 0.%,$(VERSION)),false,true)
.PHONY: galaxy-importer docsite awx-lint
galaxy-importer: build
	.ci/galaxy-importer $(TARBALL) $(GALAXY_REQUIRE_V1)

# The rendered docs site (antsibull-docs + Sphinx) of the built collection: any Sphinx warning fails, except
# intersphinx inventories that cannot be fetched offline.
docsite: copy
	.ci/docsite $(COLL) $(BUILD)/docsite

# The AWX-as-code playbook: syntax check and ansible-lint (production) with awx.awx, taken offline from
# the pinned `ansible` wheel (only that collection is unpacked; cached in the venv).
AWX_COLLECTIONS := $(abspath $(VENV))/awx-collections
awx-lint: venv
	.ci/awx-collection $(VENV) $(AWX_COLLECTIONS)
	ANSIBLE_COLLECTIONS_PATH=$(AWX_COLLECTIONS) .ci/awx-lint docs/awx/configure-awx.yml

# Mutation testing (mutmut) over plugins/module_utils/ with the unit tests (.ci/mutation; not part of `make test`).
# Its own venv: mutmut pinned in tests/mutation/requirements.txt, the rest from constraints-dev.txt.
# MUTANTS='glob ...' restricts the run to those mutant names (e.g. MUTANTS='*._planner.*').
VENV_MUTATION ?= .venv-mutation
.PHONY: mutation venv-mutation
venv-mutation: $(VENV_MUTATION)/.installed

$(VENV_MUTATION)/.installed: tests/mutation/requirements.txt constraints-dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 not found: set PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV_MUTATION)
	$(VENV_MUTATION)/bin/python -m pip install --quiet -r tests/mutation/requirements.txt -c constraints-dev.txt
	touch $@

mutation: venv-mutation
	.ci/mutation $(abspath $(VENV_MUTATION))/bin $(MUTANTS)

lock: venv
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^pip==' > constraints-dev.txt

clean:
	rm -rf $(BUILD) $(VENV) $(VENV_MIN) $(VENV_CONTRACT) .venv-core-2.* tests/output
