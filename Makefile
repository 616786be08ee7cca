# taskboard-sre: every operator and developer entry point. `make help` lists them by phase.
# Concern-specific targets live in mk/*.mk (infrastructure, observability, frontend, ...),
# included below; this file holds setup, the local app and the quality gate.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

export PATH := $(CURDIR)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
# node-gyp builds native modules against the pinned Node's headers (scripts/node.sh keeps them in
# .tools/node), never against a nodedir set in the user's npmrc for another Node.
export npm_config_nodedir := $(CURDIR)/.tools/node
# Lock so concurrent make invocations never run two npm installs into one node_modules.
NPM_LOCK := $(CURDIR)/.cache/npm.lock

# Filled in by mk/*.mk: extra steps of `make demo`, `make test` and `make bench`.
DEMO_STEPS :=
TEST_TARGETS :=
BENCH_TARGETS :=

##@ Setup

.PHONY: help
help: ## List every target, grouped by phase
	@awk -f scripts/help.awk $(MAKEFILE_LIST)

# The pinned Node (scripts/node.sh) is installed before npm ci and reinstalls node_modules when it
# changes, so native modules (argon2, @swc/core, biome) are built for the Node every target runs.
NODE_BIN := bin/node
$(NODE_BIN): scripts/node.sh
	@scripts/node.sh

DEPS_STAMP := node_modules/.deps-stamp
$(DEPS_STAMP): package.json package-lock.json $(wildcard */package.json) $(NODE_BIN)
	@mkdir -p node_modules .cache
	@echo "deps: npm $$(npm --version) on node $$(node --version) ($$(command -v node))"
	@# Artillery depends on Playwright, whose install step would download a browser: never wanted here.
	flock $(NPM_LOCK) env PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
	@touch $@

.PHONY: deps
deps: $(DEPS_STAMP) ## Install the pinned Node, then npm dependencies (npm ci, only when a manifest, the lock or the pin changed)

.PHONY: tools
tools: ## Install the pinned Node, helm, actionlint, toxiproxy, promtool, amtool, chromium, nginx, shellcheck (idempotent)
	@scripts/tools.sh

# make test's first step: npm ci runs while Go builds the tools (on a fresh machine trivy's
# build alone is 12-19 minutes on 2 cores). The pinned Node first: both sides need it.
.PHONY: setup
setup: $(NODE_BIN) ## Install npm dependencies and the tools side by side (deps and tools in parallel)
	@$(MAKE) -j2 --output-sync=line deps tools

.PHONY: doctor
doctor: ## Print the version of every tool the project uses
	@scripts/doctor.sh

.PHONY: build
build: deps ## Compile the contracts and the API to JavaScript
	tsc -b contracts api/tsconfig.build.json

include $(sort $(wildcard mk/*.mk))

##@ Local

.PHONY: demo
demo: build $(DEMO_STEPS) ## Run the app on http://localhost:3000 with embedded PostgreSQL + cache (no env needed)
	@echo "demo: API on http://localhost:3000  (docs: /docs, readiness: /health/ready, metrics: /metrics)"
	@echo "demo: data kept in $(CURDIR)/.data/pglite across restarts; Ctrl-C stops it"
	cd api && exec node --enable-source-maps dist/src/main.js

.PHONY: migrate
migrate: build ## Run database migrations against DATABASE_URL (guarded by an advisory lock)
	cd api && node --enable-source-maps dist/src/cli/migrate.js

##@ Quality

.PHONY: lint
lint: deps ## Lint and format-check the whole repository (Biome); proves root provider imports are refused
	biome check .
	@# The rule must really bite: a root import of a provider package has to fail the linter.
	@if echo "import { Vpc } from '@cdktf/provider-aws'; export { Vpc };" \
	  | biome lint --stdin-file-path=stacks/root-import-probe.ts >/dev/null 2>&1; then \
	  echo "lint: a root import of @cdktf/provider-aws was not rejected (biome.json noRestrictedImports)"; exit 1; fi

.PHONY: typecheck
typecheck: deps ## Type-check every TypeScript project (strict)
	tsc -b contracts api/tsconfig.json

.PHONY: test-contracts
test-contracts: deps ## The shared contract is imported everywhere, never retyped as literals
	cd contracts && vitest run

.PHONY: test-api
test-api: build ## API end-to-end tests against DATABASE_URL/REDIS_URL (embedded defaults when unset)
	cd api && vitest run $(API_TEST_ARGS)

.PHONY: test-api-embedded
test-api-embedded: build ## API end-to-end tests against the embedded defaults (PGlite + in-process cache)
	cd api && env -u DATABASE_URL -u REDIS_URL TASKBOARD_TEST_EMBEDDED=1 vitest run --project e2e

.PHONY: test
test: setup lint typecheck test-contracts test-api test-api-embedded test-demo $(TEST_TARGETS) ## Everything CI runs
	@echo "test: all suites passed"

.PHONY: bench
# The local services .ci/run uses, unless the caller points elsewhere.
BENCH_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/postgres)
BENCH_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379)

.PHONY: bench-api
bench-api: build ## API throughput and latency vs same-run ceilings (real PostgreSQL + Redis on 127.0.0.1)
	cd api && DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) node --enable-source-maps dist/bench/run.js

.PHONY: bench
bench: bench-api $(BENCH_TARGETS) ## Every benchmark; prints figures, exits non-zero below a target

.PHONY: test-demo
test-demo: deps ## Run `make demo` twice on a scratch data folder: endpoints answer, data survives the restart
	scripts/demo-smoke.sh
