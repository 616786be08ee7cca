# The app's Helm chart (helm/taskboard): lint, render for review, README, and its tests.
# Rendering always targets the cluster stack's Kubernetes version and layers the example stack
# outputs (helm/taskboard/test/fixtures/stack-outputs.yaml) that the installing stack provides.

TEST_TARGETS += test-chart

CHART_DIR := helm/taskboard
CHART_KUBE_VERSION := 1.32
CHART_STACK_OUTPUTS := $(CHART_DIR)/test/fixtures/stack-outputs.yaml
CHART_OUT := rendered/chart
# Where `make crds-chart` puts the external-secrets CRDs when ../shared is absent.
CHART_CRDS_CACHE := .cache/shared

##@ Chart

.PHONY: lint-chart
lint-chart: tools ## helm lint --strict the chart with its default, dev and prod values
	@for values in "" "--values $(CHART_DIR)/values-dev.yaml" "--values $(CHART_DIR)/values-prod.yaml"; do \
	  helm lint --strict $(CHART_DIR) --kube-version $(CHART_KUBE_VERSION) $$values --values $(CHART_STACK_OUTPUTS) 2>&1 \
	    | grep -v 'found symbolic link in path'; done

.PHONY: template-chart
template-chart: tools ## Render the chart for review into rendered/chart/<env>.yaml: make template-chart ENV=dev|prod
	@case "$(ENV)" in dev|prod) ;; *) echo "template-chart: ENV must be dev or prod (got '$(ENV)')" >&2; exit 2;; esac
	@mkdir -p $(CHART_OUT)
	helm template taskboard $(CHART_DIR) --namespace taskboard --kube-version $(CHART_KUBE_VERSION) \
	  --values $(CHART_DIR)/values-$(ENV).yaml --values $(CHART_STACK_OUTPUTS) 2> >(grep -v 'found symbolic link in path' >&2) \
	  > $(CHART_OUT)/$(ENV).yaml
	@echo "template-chart: $(CURDIR)/$(CHART_OUT)/$(ENV).yaml ($$(grep -c '^kind:' $(CHART_OUT)/$(ENV).yaml) objects)"

.PHONY: readme-chart
readme-chart: deps ## Regenerate the Parameters section of helm/taskboard/README.md from the values.yaml comments
	readme-generator --values $(CHART_DIR)/values.yaml --readme $(CHART_DIR)/README.md

.PHONY: crds-chart
crds-chart: tools ## Fetch the external-secrets CRDs the chart tests validate against (when ../shared is absent)
	@mkdir -p $(CHART_CRDS_CACHE)/upstream-crds/external-secrets-2.9.0
	@# The chart renders its CRDs as templates (installCRDs: true), so `helm show crds` has none:
	@# render it; the tests keep only the CustomResourceDefinition documents.
	helm template external-secrets external-secrets --repo https://charts.external-secrets.io --version 2.9.0 \
	  --set installCRDs=true > $(CHART_CRDS_CACHE)/upstream-crds/external-secrets-2.9.0/rendered.yaml
	@echo "crds-chart: run the chart tests with TASKBOARD_SHARED_DIR=$(CURDIR)/$(CHART_CRDS_CACHE)"

##@ Quality

.PHONY: test-chart
test-chart: deps tools build build-frontend ## Chart: lint, schema checks, policy suite, monitoring objects, README, chart-to-process contract
	tsc -p $(CHART_DIR)/test/tsconfig.json
	vitest run --config $(CHART_DIR)/test/vitest.config.mts
