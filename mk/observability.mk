# Observability as code (dashboards/): SLO catalogue -> Prometheus rules, Alertmanager config and
# Grafana dashboards, generated into dashboards/generated and committed for review.

TEST_TARGETS += test-observability

DASHBOARDS_DIR := dashboards

##@ Quality

.PHONY: generate-observability
generate-observability: deps ## Regenerate dashboards/generated (rules, Alertmanager config, Grafana JSON)
	tsc -b contracts
	tsc -p $(DASHBOARDS_DIR)/tsconfig.build.json
	node $(DASHBOARDS_DIR)/dist/src/cli/generate.js

.PHONY: test-observability
test-observability: deps tools build ## Type-check dashboards/, then promtool/amtool/dashboard/link/staleness tests and the live Prometheus test
	tsc -p $(DASHBOARDS_DIR)/tsconfig.json
	cd $(DASHBOARDS_DIR) && vitest run
