# hybridops.ecs_anywhere — developer entry points.
# `make test` runs every gate; `make venv` is what everything else builds on.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# ansible-core 2.20+ needs Python >= 3.12; pyenv on our machines has 3.13.
PYTHON ?= $(firstword $(wildcard /root/.pyenv/versions/3.13*/bin/python3.13) $(shell command -v python3.13 2>/dev/null) $(shell command -v python3.12 2>/dev/null))
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
BUILD := $(CURDIR)/build
# The repository root is the collection; ansible finds it through this symlink tree.
COLLECTIONS := $(BUILD)/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/hybridops/ecs_anywhere
FAKE_AWS_HOST ?= 127.0.0.1
FAKE_AWS_PORT ?= 5055
# Narrowing a pytest run is for the command line (make units PYTEST_ARGS=-x); one in the environment must not narrow CI.
PYTEST_ARGS :=

export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PATH := $(BIN):$(PATH)

# $(call apt_install,PACKAGES[,APT OPTIONS]): the Debian packages of PACKAGES that are not installed yet, installed.
define apt_install
@missing=$$(for p in $(1); do \
	dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; done); \
if [ -n "$$missing" ]; then \
	echo "installing: $$missing"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) $$missing; \
fi
endef

.PHONY: help venv collection-link fake-aws test testbed-suites sanity lint yamllint ansible-lint units integration changelog-lint build clean

help:
	@echo "make demo      - bring up the local test bed and run playbooks/onboard.yml against it, twice (KEEP=1 keeps it up)"
	@echo "make test      - set up .venv and run every gate (sanity, lint, unit, integration, changelog)"
	@echo "make venv      - create .venv with the pinned tool chain"
	@echo "make fake-aws  - serve the local AWS endpoint on $(FAKE_AWS_HOST):$(FAKE_AWS_PORT) (foreground)"
	@echo "make matrix    - the support matrix: each ansible-core 2.17-2.22 and amazon.aws at its floor in venvs of their own"
	@echo "make build     - build the collection tarball into build/"
	@echo "make galaxy-import - build the tarball and run Galaxy's importer on it (ansible-lint on, offline)"
	@echo "make docs      - the collection's docs site with antsibull-docs and Sphinx into build/docs/build/html (offline)"
	@echo "make docs-test - make docs, then its module and role pages in headless Chromium (screenshots in build/docs/screenshots)"
	@echo "make bench     - benchmarks: ours vs community.aws, onboarding 1-16 test bed hosts; writes docs/performance.* (needs root)"

venv: $(STAMP)

$(STAMP): requirements/dev.in requirements/constraints.txt
	@test -n "$(PYTHON)" || { echo "No Python 3.12+ found; set PYTHON=/path/to/python3.13" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.in -c requirements/constraints.txt
	touch $@

collection-link: $(COLLECTION_LINK)

$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn $(CURDIR) $@

fake-aws: venv
	$(BIN)/python tests/fake_aws/server.py --host $(FAKE_AWS_HOST) --port $(FAKE_AWS_PORT)

# Static gates and unit suites first; then the integration targets (127.0.0.1) beside the test bed suites (one bed
# at a time, in order), since both mostly wait on the endpoint and the hosts.
test: venv collection-link
	$(MAKE) --no-print-directory yamllint ansible-lint changelog-lint docs-lint galaxy-import docs-test sanity units
	$(MAKE) --no-print-directory -j2 --output-sync=recurse integration testbed-suites

# The test bed's own tests first and alone among the beds (they check that `down` gives the machine back as it was);
# then the roles' scenarios (default bed) beside playbook-test and slices-test (bed instances of their own,
# PLAYBOOK_TESTBED and SLICES_TESTBED).
testbed-suites: venv collection-link
	$(MAKE) --no-print-directory testbed-test
	$(MAKE) --no-print-directory -j3 --output-sync=recurse roles-test playbook-test slices-test

yamllint: venv
	$(BIN)/yamllint -s .

ansible-lint: venv collection-link
	$(BIN)/ansible-lint --profile production

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

sanity: venv sanity-deps
	$(BIN)/python tests/sanity/run.py

# Programs ansible-test's sanity tests run; without one it skips its test with a warning (tests/sanity/run.py fails then).
SANITY_APT_PACKAGES := shellcheck
.PHONY: sanity-deps
sanity-deps:
	$(call apt_install,$(SANITY_APT_PACKAGES))

units: venv collection-link
	$(BIN)/python -m pytest tests/unit tests/fake_aws tests/roles/test_plan.py tests/bench tests/sanity/test_run.py $(PYTEST_ARGS)

integration: venv collection-link
	$(BIN)/python -m pytest -n 2 tests/integration $(PYTEST_ARGS)

# The support matrix (tests/matrix, README "Requirements"): each ansible-core minor that meta/runtime.yml admits up to the
# newest on PyPI, and amazon.aws at its floor, each in a venv of its own under build/matrix (kept while its lock file in
# requirements/matrix/ is unchanged). `make matrix NAMES="core-2.19 core-2.20"` runs some of them.
.PHONY: matrix
matrix: venv collection-link sanity-deps
	$(BIN)/python tests/matrix/run.py $(NAMES)

build: venv
	mkdir -p $(BUILD)
	$(BIN)/ansible-galaxy collection build --force --output-path $(BUILD) .

# ---- Galaxy and the docs site (issue 19) ---------------------------------------
# galaxy-importer (what Galaxy runs on an upload) on the built tarball: ansible-doc, READMEs, changelog, ansible-lint
# (production, offline), ansible-test off (tests/galaxy/galaxy-importer.cfg). Fails on any WARNING or ERROR line that
# comes from the collection (tests/galaxy/test_galaxy_import.py). About 70 s of CPU (ansible-lint is most of it): 1.2 min
# here when idle, 2.6 min at load 6.
.PHONY: galaxy-import docs-lint docs docs-deps docs-test
galaxy-import: build
	$(BIN)/python -m pytest -p no:cacheprovider tests/galaxy $(PYTEST_ARGS)

# antsibull-docs' lint of every module's and role's documentation (markup, links, schema), and a check that
# ansible-doc loads every module and role (a role whose argument spec does not load is skipped by the lint). 25-65 s.
docs-lint: venv collection-link
	$(BIN)/python -m pytest -p no:cacheprovider tests/docs/test_docs_lint.py $(PYTEST_ARGS)

# The collection's docs site (antsibull-docs sphinx-init + its build), offline: intersphinx off, so no inventory is
# fetched (tests/docs/offline_site.py); Sphinx with -W, so a warning fails the build. Output: build/docs/build/html. 20-45 s here.
DOCS := $(BUILD)/docs
docs: venv collection-link
	rm -rf $(DOCS) && mkdir -m 700 -p $(DOCS)
	$(BIN)/antsibull-docs sphinx-init --use-current --dest-dir $(DOCS) --no-add-antsibull-docs-version --fail-on-error \
		--project hybridops.ecs_anywhere --title "hybridops.ecs_anywhere" --html-short-title hybridops.ecs_anywhere \
		--copyright "Hybridops Maintainers" hybridops.ecs_anywhere
	$(BIN)/python tests/docs/offline_site.py $(DOCS)
	cd $(DOCS) && ./build.sh

# The pages as a browser shows them: Debian's chromium, headless, and fonts for it (installed as testbed-deps installs
# its packages; without recommends: no desktop services). In `make test`: docs and this take 30-60 s here.
DOCS_APT_PACKAGES := chromium fonts-liberation fonts-dejavu-core

docs-deps:
	$(call apt_install,$(DOCS_APT_PACKAGES),--no-install-recommends)

docs-test: docs-deps docs
	$(BIN)/python -m pytest -p no:cacheprovider tests/docs/test_docs_site.py $(PYTEST_ARGS)

clean:
	rm -rf $(BUILD) .pytest_cache

# ---- test bed (tests/testbed; owned by the test bed, issue 5) --------------
# Local Debian 12 hosts (systemd-nspawn) on a private bridge, a signed package
# mirror and the local AWS endpoint on the bridge address. Needs root.
#   make testbed-up N=3   make testbed-down   make testbed-test
# Writes build/testbed/{inventory.ini,testbed_vars.yml,ssh_config}.
TESTBED_APT_PACKAGES := systemd-container debootstrap dpkg-dev gnupg iptables iproute2 openssh-client curl ca-certificates

.PHONY: testbed-deps testbed-up testbed-down testbed-test roles-test playbook-test slices-test demo

testbed-deps:
	$(call apt_install,$(TESTBED_APT_PACKAGES))

testbed-up: testbed-deps venv
	TESTBED_PYTHON=$(BIN)/python TESTBED_OUT=$(BUILD)/testbed tests/testbed/up.sh $(or $(N),3)

testbed-down:
	TESTBED_OUT=$(BUILD)/testbed tests/testbed/down.sh

testbed-test: testbed-deps venv
	TESTBED_PYTHON=$(BIN)/python TESTBED_OUT=$(BUILD)/testbed $(BIN)/python -m pytest tests/testbed $(PYTEST_ARGS)

# The roles on the test bed: molecule scenarios in order (signatures on fresh hosts, then agents, then lifecycle on
# the hosts agents left), then the secrets audit. One bed for all: hoecs-2 without curl and python3-apt, hoecs-3
# without gpg. The bed is taken down whatever the outcome.
MOLECULE_SCENARIOS := signatures agents lifecycle
ROLES_TESTBED := TESTBED_HOST_VARIANTS="2:nocurl 3:nogpg" TESTBED_PYTHON=$(BIN)/python TESTBED_OUT=$(BUILD)/testbed

roles-test: testbed-deps venv collection-link
	$(ROLES_TESTBED) tests/testbed/down.sh
	$(ROLES_TESTBED) tests/testbed/up.sh 3
	status=0; \
	for scenario in $(MOLECULE_SCENARIOS); do $(BIN)/molecule test -s $$scenario || { status=1; break; }; done; \
	[ $$status -ne 0 ] || $(BIN)/python -m pytest tests/roles/test_secrets.py $(PYTEST_ARGS) || status=1; \
	$(ROLES_TESTBED) tests/testbed/down.sh; \
	exit $$status

# playbooks/ end to end on fresh test bed hosts (three, then four), on a bed instance of their own (names, bridge,
# addresses, ports).
PLAYBOOK_TESTBED := TESTBED_PYTHON=$(BIN)/python TESTBED_OUT=$(BUILD)/testbed-e2e TESTBED_BRIDGE=hoecsbr9 TESTBED_NET_PREFIX=10.213.19 \
	TESTBED_MACHINE_PREFIX=hoe2e TESTBED_STATE=/var/lib/hybridops-testbed-e2e TESTBED_MIRROR_PORT=8219 TESTBED_AWS_PORT=4579

# $(call bed_suite,VARIABLES,HOSTS,TESTS): a fresh bed instance of HOSTS hosts, pytest TESTS on it, the bed down whatever the outcome.
define bed_suite
$(1) tests/testbed/down.sh
$(1) tests/testbed/up.sh $(2)
status=0; $(1) $(BIN)/python -m pytest $(3) $(PYTEST_ARGS) || status=1; $(1) tests/testbed/down.sh; exit $$status
endef

playbook-test: testbed-deps venv collection-link
	$(call bed_suite,$(PLAYBOOK_TESTBED),3,tests/playbooks/test_onboard.py)

# Two AWX-style slices at once onboarding four fresh hosts (tests/playbooks/test_slices.py), on a bed instance of their
# own so that they run beside playbook-test.
SLICES_TESTBED := TESTBED_PYTHON=$(BIN)/python TESTBED_OUT=$(BUILD)/testbed-slices TESTBED_BRIDGE=hoecsbr7 TESTBED_NET_PREFIX=10.213.17 \
	TESTBED_MACHINE_PREFIX=hoslice TESTBED_STATE=/var/lib/hybridops-testbed-slices TESTBED_MIRROR_PORT=8227 TESTBED_AWS_PORT=4587

slices-test: testbed-deps venv collection-link
	$(call bed_suite,$(SLICES_TESTBED),4,tests/playbooks/test_slices.py)

# Faults, interruption, load and secrets (tests/reliability, docs/reliability.md) on a bed instance of its own; not in
# `make test` (27 minutes here at moderate load, 46 at heavy load). RELIABILITY_SEED replays a run's fault draws and kill points. The bed goes down on exit.
RELIABILITY_TESTBED := TESTBED_PYTHON=$(BIN)/python TESTBED_OUT=$(BUILD)/testbed-rel TESTBED_BRIDGE=hoecsbr6 TESTBED_NET_PREFIX=10.213.16 \
	TESTBED_MACHINE_PREFIX=horel TESTBED_STATE=/var/lib/hybridops-testbed-rel TESTBED_MIRROR_PORT=8226 TESTBED_AWS_PORT=4586

.PHONY: reliability
reliability: testbed-deps venv collection-link
	rm -rf $(BUILD)/reliability; trap '$(RELIABILITY_TESTBED) tests/testbed/down.sh' EXIT; \
	$(RELIABILITY_TESTBED) tests/testbed/down.sh && $(RELIABILITY_TESTBED) tests/testbed/up.sh 3 && \
	$(RELIABILITY_TESTBED) $(BIN)/python -m pytest -s -p no:cacheprovider tests/reliability $(PYTEST_ARGS)

# The README's first command: three bare local hosts to a working ECS Anywhere cluster, twice (the second run changes
# nothing), then everything is taken down (KEEP=1 keeps it).
DEMO_TESTBED := TESTBED_PYTHON=$(BIN)/python TESTBED_OUT=$(BUILD)/testbed
DEMO_RUN := AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing ANSIBLE_HOST_KEY_CHECKING=False $(BIN)/ansible-playbook \
	-i $(BUILD)/testbed/inventory.ini playbooks/onboard.yml -e @$(BUILD)/testbed/testbed_vars.yml -e @demo/testbed.yml

demo: testbed-deps venv collection-link
	$(DEMO_TESTBED) tests/testbed/up.sh 3
	@echo; echo "== AWS here is a local endpoint (moto plus tests/fake_aws) and the SSM and ECS agents are stand-ins (tests/testbed)."
	@echo "== The same playbook runs against a real account and real hosts: docs/quickstart.md."; echo
	status=0; $(DEMO_RUN) || status=$$?; \
	if [ $$status -eq 0 ]; then echo; echo "== Second run: nothing to change, no activation made"; echo; $(DEMO_RUN) || status=$$?; fi; \
	if [ -z "$(KEEP)" ]; then $(DEMO_TESTBED) tests/testbed/down.sh; else echo "== KEEP=1: the test bed stays up (make testbed-down)"; fi; \
	exit $$status
# ---- end test bed -----------------------------------------------------------

# ---- benchmarks (tests/bench; issue 13) ---------------------------------------
# Ours vs community.aws vs ping against one local endpoint, then onboard.yml on 1, 4, 8, 16 fresh test bed hosts (a bed
# instance of its own, taken down whatever happens); writes docs/performance.md, .csv, .png. BENCH_REPEAT (3): runs per
# figure; BENCH_ONBOARD_REPEAT (2): no-change onboarding runs per size; BENCH_FLEET_SIZES ("1 4 8 16"); BENCH_FORKS: forks
# of the onboarding runs (default: the largest size; one more no-change run there with ansible's default 5).
BENCH_TESTBED := TESTBED_PYTHON=$(BIN)/python TESTBED_OUT=$(BUILD)/testbed-bench TESTBED_BRIDGE=hoecsbr5 TESTBED_NET_PREFIX=10.213.15 \
	TESTBED_MACHINE_PREFIX=hobench TESTBED_STATE=/var/lib/hybridops-testbed-bench TESTBED_MIRROR_PORT=8225 TESTBED_AWS_PORT=4585
# Every booted host takes inotify instances and watches; other beds may run beside this one (~40 hosts in all): only raised.
BENCH_INOTIFY := max_user_instances=4096 max_user_watches=1048576

.PHONY: bench
bench: testbed-deps venv collection-link
	@for knob in $(BENCH_INOTIFY); do file=/proc/sys/fs/inotify/$${knob%=*}; \
		[ "$$(cat $$file)" -ge "$${knob#*=}" ] || { echo "fs.inotify.$${knob%=*} -> $${knob#*=}"; echo "$${knob#*=}" >$$file; }; done
	rm -f $(BUILD)/bench/results.json
	trap '$(BENCH_TESTBED) $(CURDIR)/tests/testbed/down.sh' EXIT; trap 'exit 130' INT TERM; status=0; \
	$(BIN)/python tests/bench/modules.py || status=$$?; \
	$(BENCH_TESTBED) $(BIN)/python tests/bench/onboard.py || status=$$?; \
	$(BIN)/python tests/bench/report.py; exit $$status
