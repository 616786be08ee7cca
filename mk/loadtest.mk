# Load tests (loadtest/): Artillery scenarios with thresholds generated from the SLO catalogue,
# and reports (SVG charts + Markdown) rendered from their JSON. See docs/load-testing.md.

TEST_TARGETS += test-loadtest

# Artillery's telemetry is off only when this is set: every artillery process make starts has it.
export ARTILLERY_DISABLE_TELEMETRY := 1

LOADTEST_DIR := loadtest
LOADTEST_CLI := node --enable-source-maps $(LOADTEST_DIR)/dist/src/cli/loadtest.js

##@ Load tests

.PHONY: build-loadtest
build-loadtest: deps ## Compile the load-test library, scenarios, processor and CLI (loadtest/dist)
	tsc -b contracts
	tsc -p $(LOADTEST_DIR)/tsconfig.build.json

.PHONY: loadtest
loadtest: build-loadtest ## Run one scenario against LOADTEST_TARGET: make loadtest SCENARIO=smoke|baseline|stress|spike|soak|journey
	@if [ -z "$(SCENARIO)" ]; then echo "loadtest: set SCENARIO; valid scenarios:"; $(LOADTEST_CLI) list; exit 2; fi
	$(LOADTEST_CLI) run $(SCENARIO) $(if $(OUT),--out $(OUT)) $(if $(LABEL),--label "$(LABEL)")

.PHONY: loadtest-script
loadtest-script: build-loadtest ## Write a scenario's Artillery script + processor to OUT (for artillery run-fargate)
	@if [ -z "$(SCENARIO)" ] || [ -z "$(OUT)" ]; then echo "loadtest-script: set SCENARIO and OUT"; $(LOADTEST_CLI) list; exit 2; fi
	$(LOADTEST_CLI) script $(SCENARIO) $(OUT)

.PHONY: perf-baseline
perf-baseline: build-loadtest ## Performance day: baseline + stress against LOADTEST_TARGET, one report each and the knee
	$(LOADTEST_CLI) perf-baseline $(if $(OUT),--out $(OUT)) $(if $(LABEL),--label "$(LABEL)")

.PHONY: perf-compare
perf-compare: build-loadtest ## Before/after of two saved runs: make perf-compare BEFORE=artifacts/loadtest/… AFTER=…
	@if [ -z "$(BEFORE)" ] || [ -z "$(AFTER)" ]; then echo "perf-compare: set BEFORE and AFTER to two run folders"; exit 2; fi
	$(LOADTEST_CLI) compare $(BEFORE) $(AFTER) $(if $(OUT),--out $(OUT))

##@ Quality

.PHONY: test-loadtest
test-loadtest: build build-loadtest ## Scenarios dry-parsed, thresholds = SLO catalogue, reports, a violated threshold fails, smoke run vs the local API
	tsc -p $(LOADTEST_DIR)/tsconfig.json
	cd $(LOADTEST_DIR) && vitest run
