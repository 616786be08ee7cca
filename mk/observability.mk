# Observability as code (dashboards/): SLO catalogue -> Prometheus rules, Alertmanager config and
# Grafana dashboards, generated into dashboards/generated and committed for review.

TEST_TARGETS += test-observability

DASHBOARDS_DIR := dashboards

##@ Setup

# The live test probes the SPA through the blackbox exporter, as the cluster does. scripts/tools.sh
# does not install it, so this target does, the same idempotent way (Debian package, apt as root).
.PHONY: tools-observability
tools-observability: ## Install the Prometheus blackbox exporter used by the live observability test
	@command -v prometheus-blackbox-exporter >/dev/null || { \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" -eq 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-blackbox-exporter >/dev/null; \
	  else echo "tools-observability: install the Debian package prometheus-blackbox-exporter (needs apt and root)" >&2; exit 1; fi; }

##@ Quality

.PHONY: generate-observability
generate-observability: deps ## Regenerate dashboards/generated (rules, Alertmanager config, Grafana JSON)
	tsc -b contracts
	tsc -p $(DASHBOARDS_DIR)/tsconfig.build.json
	node $(DASHBOARDS_DIR)/dist/src/cli/generate.js

.PHONY: test-observability
test-observability: deps tools tools-observability build ## Rules (promtool), Alertmanager (amtool), dashboards, links, stale output, live Prometheus
	tsc -p $(DASHBOARDS_DIR)/tsconfig.json
	cd $(DASHBOARDS_DIR) && vitest run
