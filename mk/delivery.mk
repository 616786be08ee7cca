# Delivery (delivery/): the smoke journey every deploy, rollback and canary runs, the deploy/rollback
# state machine with its history, and the local rollback drill behind nginx (docs/delivery.md).

TEST_TARGETS += test-delivery
BENCH_TARGETS += bench-rollback

DELIVERY_DIR := delivery
# The drill creates (and drops) its own database here, and shares Redis DB 11 between both versions.
DRILL_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/postgres)
DRILL_REDIS_URL ?= redis://127.0.0.1:6379/11
DRILL_ENV = DRILL_DATABASE_URL=$(DRILL_DATABASE_URL) DRILL_REDIS_URL=$(DRILL_REDIS_URL)

.PHONY: build-delivery
build-delivery: deps
	tsc -b contracts
	tsc -p $(DELIVERY_DIR)/tsconfig.build.json

# The Synthetics canary's script: handler + browser journey bundled (esbuild-wasm) into a
# deterministic zip named by its hash; the app-alarms stack reads dist/canary/manifest.json.
CANARY_MANIFEST := $(DELIVERY_DIR)/dist/canary/manifest.json
CANARY_SRC := $(wildcard $(DELIVERY_DIR)/src/canary/*.ts $(DELIVERY_DIR)/src/smoke/journey.ts contracts/src/*.ts)

$(CANARY_MANIFEST): $(CANARY_SRC) | deps
	tsc -b contracts
	tsc -p $(DELIVERY_DIR)/tsconfig.build.json
	node $(DELIVERY_DIR)/dist/src/canary/bundle.js

.PHONY: canary-bundle
canary-bundle: $(CANARY_MANIFEST) ## Build the Synthetics canary zip from the browser journey (delivery/dist/canary, hash in the name)

##@ Local

.PHONY: smoke
smoke: build-delivery ## Smoke journey against URL=<base url> (register, login, refresh, tasks CRUD, logout, SPA shell)
	@[ -n "$(URL)" ] || { echo "smoke: set URL, e.g. make smoke URL=https://taskboard.example.com" >&2; exit 2; }
	node $(DELIVERY_DIR)/dist/src/cli/smoke.js "$(URL)"

##@ Drills

.PHONY: drill-rollback
drill-rollback: build build-delivery tools ## v1 and a bad v2 behind nginx under traffic: deploy v2, smoke fails, automatic rollback; zero failed requests
	$(DRILL_ENV) node $(DELIVERY_DIR)/dist/src/cli/drill-rollback.js

##@ Quality

.PHONY: test-delivery
test-delivery: build build-delivery build-frontend tools ## Deploy state machine, smoke journey vs the real API, the canary's browser journey in Chromium, the rollback drill
	tsc -p $(DELIVERY_DIR)/tsconfig.json
	cd $(DELIVERY_DIR) && $(DRILL_ENV) vitest run

.PHONY: bench-rollback
bench-rollback: build build-delivery tools ## The rollback drill, timed: rollback must finish within the 3-minute target
	$(DRILL_ENV) node $(DELIVERY_DIR)/dist/src/cli/drill-rollback.js --bench
