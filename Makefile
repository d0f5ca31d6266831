# The front door. `make run` and `make test` are all a newcomer needs; see README.md.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV := .venv/bin
PY := $(VENV)/python
PLATFORM := deploy/local/platform.sh
export PATH := $(CURDIR)/$(VENV):$(CURDIR)/.tools/bin:$(PATH)
export LAPOR_REGIONS_DIR ?= $(abspath ../shared/data/regions)
PROTOS := $(shell find protos -name '*.proto')
PY_SOURCES := libs/lapor_common services deploy tests bench

.PHONY: help setup proto lint typecheck protolint k8s-validate check test unit run up down status logs replay-check demo history bench clean images

help: ## List the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

setup: ## Install what is missing (Python env, buf) into the per-user cache
	@deploy/local/setup.sh

proto: setup ## Generate Python code and type stubs from protos/ into libs/lapor/
	@rm -rf libs/lapor
	@$(PY) -m grpc_tools.protoc -I protos --python_out=libs --grpc_python_out=libs \
		--mypy_out=quiet:libs --mypy_grpc_out=quiet:libs $(PROTOS)

lint: setup ## ruff lint and format check; the web pages' JavaScript parses
	ruff check $(PY_SOURCES)
	ruff format --check $(PY_SOURCES)
	@for f in services/intake/intake/web/assets/*.js; do \
		node --input-type=module --check < "$$f" || { echo "$$f: syntax error"; exit 1; }; done

typecheck: proto ## mypy (strict on libs/ and domain code)
	mypy libs/lapor_common services/*/ deploy tests bench

protolint: setup ## buf lint, and buf breaking against the previous commit
	cd protos && buf lint
	@if git cat-file -e HEAD~1:protos/buf.yaml 2>/dev/null; then \
		cd protos && buf breaking --against '../.git#ref=HEAD~1,subdir=protos'; \
	fi

k8s-validate: setup ## Render every kustomize overlay and validate it offline
	deploy/k8s/validate.sh

check: lint typecheck protolint k8s-validate ## All static checks

test: check ## Static checks, then every test (starts and stops what the tests need)
	$(PY) -m pytest

unit: proto ## Unit tests only (no infrastructure)
	$(PY) -m pytest tests/unit

up: proto ## Start the whole platform in the background; returns once it is ready
	@$(PLATFORM) up

down: ## Stop everything `make up` or `make run` started
	@$(PLATFORM) down

status: ## What is running
	@$(PLATFORM) status

logs: ## Follow the services' logs
	@$(PLATFORM) logs

replay-check: setup ## Rebuild the read models from the log and compare them with the live ones
	@deploy/local/replay-check.sh

demo: setup ## Load a demo data set into the running platform (make up) through its public APIs, then print the headline statistics
	PYTHONPATH=.:libs $(PY) -m deploy.local.demo $(DEMO_ARGS)

history: proto ## Write a synthetic two-year history to lapor.sandbox.report-events (for replays and benchmarks)
	PYTHONPATH=.:libs:services/intake:services/routing:services/escalation \
		$(PY) -m deploy.local.history $(HISTORY_ARGS)

run: proto ## Start the whole platform and follow its logs; Ctrl-C stops everything
	@$(PLATFORM) run

bench: proto ## Routing's benches, then every scenario against ceilings measured in the same run (bench/results/latest.json)
	PYTHONPATH=libs:services/routing $(PY) bench/routing_decisions.py \
		--regions $(LAPOR_REGIONS_DIR) --texts tests/data/routing_eval.csv
	PYTHONPATH=libs:services/routing $(PY) bench/routing_classifier.py
	PYTHONPATH=.:libs:services/intake:services/routing:services/escalation:services/analytics \
		$(PY) -m bench.run $(BENCH_ARGS)

clean: down ## Stop everything and delete local runtime state (.run/)
	rm -rf .run

images: ## Build the five service images (needs a Docker engine; build context = repo root)
	rm -rf build/regions && mkdir -p build && cp -r $(LAPOR_REGIONS_DIR) build/regions
	for service in intake routing escalation notification analytics; do \
		docker build -f services/$$service/Dockerfile -t lapor/$$service:dev . ; \
	done
