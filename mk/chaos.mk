# Chaos experiments (chaos/): Chaos Mesh manifests generated from the typed catalogue, their tests,
# and `make chaos`, which runs one against the cluster and checks the alerts. See docs/chaos.md.

TEST_TARGETS += test-chaos

# make chaos also compiles what it imports: the stacks' config, the dashboards' PromQL vocabulary and
# the drills' incident-report writer (docs/incident-report-template.md).
CHAOS_SRC := chaos/tsconfig.json tsconfig.base.json stacks/config.ts dashboards/src/promql.ts \
	$(wildcard drills/src/report/*.ts) $(shell find chaos/src -name '*.ts' 2>/dev/null)
CHAOS_JS := dist/chaos/chaos/src/cli/chaos.js
CHAOS_MESH_VERSION := 2.8.3
# Where `make crds-chaos` puts the Chaos Mesh CRDs when ../shared is absent.
CHAOS_CRDS_CACHE := .cache/shared

$(CHAOS_JS): $(CHAOS_SRC) | build
	tsc -p chaos/tsconfig.json
	@touch $@

##@ Drills

.PHONY: chaos
chaos: $(CHAOS_JS) ## Run one Chaos Mesh experiment, check its alerts, write the report: make chaos EXPERIMENT=api-pod-kill ENV=dev [DRY_RUN=1]
	node $(CHAOS_JS) "$(EXPERIMENT)" "$(ENV)" $(if $(DRY_RUN),--dry-run)

##@ Quality

.PHONY: generate-chaos
generate-chaos: $(CHAOS_JS) ## Regenerate chaos/generated (one Chaos Mesh manifest per catalogue entry)
	node dist/chaos/chaos/src/cli/generate.js

.PHONY: crds-chaos
crds-chaos: tools ## Fetch the Chaos Mesh CRDs the chaos tests validate against (when ../shared is absent)
	@mkdir -p $(CHAOS_CRDS_CACHE)/upstream-crds/chaos-mesh-$(CHAOS_MESH_VERSION)
	helm show crds chaos-mesh --repo https://charts.chaos-mesh.org --version $(CHAOS_MESH_VERSION) \
	  > $(CHAOS_CRDS_CACHE)/upstream-crds/chaos-mesh-$(CHAOS_MESH_VERSION)/crds.yaml
	@echo "crds-chaos: run the chaos tests with TASKBOARD_SHARED_DIR=$(CURDIR)/$(CHAOS_CRDS_CACHE)"

.PHONY: typecheck-chaos
typecheck-chaos: build ## Type-check the chaos catalogue, runner and tests (strict)
	tsc -p chaos/tsconfig.json --noEmit
	tsc -p chaos/tsconfig.test.json

.PHONY: test-chaos
test-chaos: deps tools typecheck-chaos ## Chaos catalogue: chart selectors, alerts and runbooks, CRD schemas, stale manifests, `make chaos` logic
	vitest run --config chaos/vitest.config.mts
