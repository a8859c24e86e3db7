# winactivation.kms developer entry points. Everything runs from the project virtual environment (.venv),
# which tools/venv.sh creates with the newest Python that actually runs and the pinned requirements-dev.txt.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.cache/collections
export ANSIBLE_NOCOLOR := 1
export ANSIBLE_FORCE_COLOR := 0

.PHONY: help venv system-deps collection-link demo test matrix sanity units lint pwsh-syntax changelog-lint integration molecule galaxy-import ee-check clean bench release-changelog docs docs-rst ansible-pkg faults fuzz fuzz-long absent-audit analyzer-compiled

help:
	@echo "make demo   - set up, start the lab demo fleet, run the collection's playbooks against it, stop the lab"
	@echo "make test   - set up and run every test (sanity, units, lint, PowerShell syntax, lab, molecule) and the smoke on older ansible-core"
	@echo "make matrix - release check: units, sanity, lab and integration on every supported ansible-core (2.16-2.21, 2.22rc1)"

venv:
	@tools/venv.sh

# Debian packages some checks use (shellcheck for ansible-test sanity). Installed when we are root and apt works.
system-deps:
	@tools/system-deps.sh

# microsoft.ad and ansible.windows from the pinned `ansible` package on PyPI, into .cache/ansible-pkg (not the venv):
# the AD inventory example and report delivery to Windows are tested with them.
ansible-pkg: venv
	@tools/ansible-pkg.sh

# Make the collection importable as winactivation.kms for ansible-playbook, pytest and ansible-lint.
collection-link:
	@mkdir -p .cache/collections/ansible_collections/winactivation
	@ln -sfn $(CURDIR) .cache/collections/ansible_collections/winactivation/kms

test: venv system-deps collection-link ansible-pkg
	@tools/run-tests.sh

# Every suite that depends on ansible-core, on every supported line, each in its own venv under .cache/matrix.
matrix: venv system-deps collection-link
	@tools/matrix.sh --full

sanity: venv system-deps
	tools/ansible-test.sh sanity --local --requirements --python $$($(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])')

units: venv collection-link ansible-pkg
	$(PY) -m pytest tests/unit

# The hypothesis fuzz suites as make test runs them: derandomized, a fixed example budget (tests/fuzz/conftest.py).
fuzz: venv collection-link
	$(PY) -m pytest -q -p no:cacheprovider tests/fuzz

# Release time: random inputs, 5,000 examples per test (FUZZ_EXAMPLES=N to change); see docs/reliability.md, Fuzzing.
fuzz-long: venv collection-link
	HYPOTHESIS_PROFILE=long $(PY) -m pytest -q -p no:cacheprovider tests/fuzz

# Absent-means-not-collected audit: every path of every analyzer corpus case deleted and set to null (about 100 s;
# a review campaign, not part of make test: its flags are candidates for review; docs/reliability.md).
absent-audit: venv collection-link
	PYTHONPATH=.cache/collections:tests/unit $(PY) tools/absent_audit.py --limit 0

# Issue 13's evidence: the analyzer's modules compiled with mypyc in a temporary copy, checked against the equality
# corpus, and its rate alternated with the pure analyzer's (about 2 minutes; docs/performance.md, The analyzer compiled).
analyzer-compiled: venv collection-link
	$(PY) tools/analyzer_compiled.py --count 20000 --rounds 3

lint: venv collection-link
	$(VENV)/bin/ansible-lint --profile production

pwsh-syntax: venv
	$(PY) tools/pwsh_syntax.py

changelog-lint: venv
	$(VENV)/bin/antsibull-changelog lint

# The docs site (antsibull-docs, offline): .cache/docs/build/html/collections/winactivation/kms/index.html.
# docs-rst regenerates the site's RST guides (docs/docsite/rst/) from the Markdown guides (pandoc).
docs: venv system-deps collection-link
	@tools/docs-build.sh

docs-rst: venv system-deps
	$(PY) tools/docs_rst.py

# Release the changelog for galaxy.yml's version (re-runnable until that version is published; see the script).
release-changelog: venv collection-link
	@tools/release-changelog.sh

integration: venv collection-link
	$(PY) -m pytest tests/integration

galaxy-import:
	@tools/galaxy-import.sh

ee-check:
	@tools/ee-check.sh

demo: venv system-deps collection-link
	@tools/demo.sh

# Fleet-scale benchmark (not part of make test; takes long): writes the measured section of docs/performance.md.
bench: venv collection-link
	$(PY) -m pip install -q -r tools/requirements-bench.txt
	$(PY) tools/bench.py --sizes 10,100,300,1000 --repeat 3 --once remediate_check --profile --synthetic 10000,50000 --json .cache/bench.json --write docs/performance.md

# The fault suite (docs/reliability.md): 200 generated hosts with every transport fault of the lab, diagnose, remediate
# --check, remediate, remediate again, each report checked against the lab's truth. make test runs it too (suite faults).
faults: venv collection-link
	KMSLAB_FAULT_HOSTS=$${KMSLAB_FAULT_HOSTS:-200} $(PY) -m pytest -q -s -p no:cacheprovider tests/integration/test_fault_suite.py

clean:
	rm -rf .venv .cache tests/output reports
