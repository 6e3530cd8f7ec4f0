# Therapy Check-In: the two commands.
#   make demo   set everything up, then talk to the skill on this machine
#   make test   set everything up, then run every check (lint, types, template, tests)
#
# Setup is done once and again only when a requirements file changes (stamp files in each environment).

PYTHON ?= python3
VENV := .venv
SAM_VENV := .venv-sam
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed
SAM_STAMP := $(SAM_VENV)/.installed
NODE_STAMP := node_modules/.installed
PIP_FLAGS := --quiet --disable-pip-version-check
PYTEST_ARGS ?=
ARGS ?=

export SAM_CLI_TELEMETRY := 0
export PIP_NO_INPUT := 1
# Bytecode is cached (in the ignored __pycache__ folders) even where the shell asks Python not to: every pytest
# worker and every subprocess the tests start would otherwise compile the same modules again.
unexport PYTHONDONTWRITEBYTECODE

.DEFAULT_GOAL := help
.PHONY: help demo test quick bench build models setup lint typecheck template-lint pytest clean

help:
	@echo "make demo    talk to the skill on this machine (options: make demo ARGS='--date 2026-12-07')"
	@echo "make test    ruff, mypy, cfn-lint and the whole pytest suite"
	@echo "make quick   the tests that need no Node and sweep nothing, while you work (after one make test)"
	@echo "make bench   cold start beside a minimal skill, turn CPU, bundle size, memory and cost, measured here"
	@echo "make build   the deployable bundle with bytecode (needs python3.13 on PATH)"
	@echo "make models  generate the interaction models from interaction-model/ (after editing the source)"

$(VENV_STAMP): requirements-dev.txt lambda/requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install $(PIP_FLAGS) -r requirements-dev.txt
	touch $@

$(SAM_STAMP): infrastructure/requirements-sam.txt
	test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install $(PIP_FLAGS) -r infrastructure/requirements-sam.txt
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV_STAMP) $(NODE_STAMP) $(SAM_STAMP)

demo: $(VENV_STAMP) $(NODE_STAMP)
	@$(PY) -m devtools.console $(ARGS)

test: setup
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory lint typecheck template-lint pytest; \
	status=$$?; echo "make test: $$(( $$(date +%s) - start )) s of checks"; exit $$status

# The loop while you work: no Node packages, no sweeps, no end-to-end runs, property tests at a tenth.
quick: $(VENV_STAMP)
	$(VENV)/bin/pytest -n auto -m "not slow and not e2e and not node" $(PYTEST_ARGS)

lint: $(VENV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV_STAMP)
	$(VENV)/bin/mypy

template-lint: $(VENV_STAMP)
	$(VENV)/bin/cfn-lint template.yaml

# The deployable bundle, with its bytecode compiled: Lambda's code folder is read-only, so a bundle without
# bytecode recompiles every module on each cold start (see `make bench`). Needs the runtime's python3.13.
PYTHON_RUNTIME ?= python3.13
build: $(SAM_STAMP)
	$(SAM_VENV)/bin/sam build --config-file infrastructure/samconfig.toml
	$(PYTHON_RUNTIME) -W ignore::SyntaxWarning -m compileall -q --invalidation-mode unchecked-hash .aws-sam/build/CheckInFunction

# The interaction models are generated: edit interaction-model/, then run this and commit both.
models: $(VENV_STAMP) $(NODE_STAMP)
	$(PY) -m devtools.build_models

# Builds first, so the bundle it measures is the one that would deploy.
bench: build $(VENV_STAMP) $(NODE_STAMP)
	$(PY) benchmarks/checkin.py $(ARGS)

# One worker per core (pytest-xdist), each test module kept in one worker so its servers start once.
pytest: $(VENV_STAMP) $(NODE_STAMP) $(SAM_STAMP)
	$(VENV)/bin/pytest -n auto --dist loadfile --durations=10 $(PYTEST_ARGS)

clean:
	rm -rf build .aws-sam .pytest_cache .mypy_cache .ruff_cache
