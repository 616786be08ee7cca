# Local drills (drills/): fault scenarios against two API replicas behind nginx, PostgreSQL/Redis
# through toxiproxy, a local Prometheus on the generated rules and a local Alertmanager. Each drill
# asserts its hypothesis and writes an incident report into artifacts/drills/<scenario>/.

TEST_TARGETS += test-drills

DRILLS_DIR := drills

##@ Drills

.PHONY: build-drills
build-drills: build ## Compile the drill harness (drills/) to JavaScript
	tsc -p $(DRILLS_DIR)/tsconfig.build.json

.PHONY: drill
drill: tools build-drills ## Run local drills on one harness: make drill SCENARIO=pod-kill|db-down|...|a,b|all (report in artifacts/drills/)
	node --enable-source-maps $(DRILLS_DIR)/dist/src/cli/drill.js "$(SCENARIO)"

.PHONY: test-drills
test-drills: tools build-drills ## Drill harness: scaled rules, report writer, CLI refusals, every scenario live on one harness, no process left
	tsc -p $(DRILLS_DIR)/tsconfig.json
	cd $(DRILLS_DIR) && vitest run
