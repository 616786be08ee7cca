# Delivery: container images, the GitHub Actions workflows' steps, and their proofs. The
# workflows in .github/workflows call only these targets (CI logic is not a second copy in YAML).
# See docs/delivery.md.

# `security` (trivy config, offline): every finding fixed or suppressed with a reason in
# .trivyignore.yaml; about 35 s here (each of 4 targets scanned twice), so it runs in make test.
TEST_TARGETS += test-ci security

IMAGE_TAG ?= $(shell git rev-parse HEAD 2>/dev/null || echo dev)
# ECR registry host (<account>.dkr.ecr.<region>.amazonaws.com); empty = local names only.
REGISTRY ?=
IMAGE_PREFIX := $(if $(REGISTRY),$(REGISTRY)/taskboard/$(ENV)/,taskboard-)
IMAGE_SOURCE ?= $(if $(GITHUB_REPOSITORY),https://github.com/$(GITHUB_REPOSITORY),https://github.com/taskboard-sre/taskboard-sre)
IMAGES := api frontend
# Suppressed findings, each with its reason (trivy's YAML ignore format: id, paths, statement).
TRIVY_IGNORE := .trivyignore.yaml

##@ Delivery

.PHONY: images
images: $(addprefix image-,$(IMAGES)) ## Build the api and frontend images (docker; CI only, no engine here): make images IMAGE_TAG=<sha>

.PHONY: $(addprefix image-,$(IMAGES))
$(addprefix image-,$(IMAGES)): image-%:
	docker build -f $*/Dockerfile --build-arg VERSION=$(IMAGE_TAG) --build-arg REVISION=$(IMAGE_TAG) \
	  --build-arg SOURCE=$(IMAGE_SOURCE) -t $(IMAGE_PREFIX)$*:$(IMAGE_TAG) .

.PHONY: scan-images
scan-images: tools ## Trivy vulnerability scan of the built images (HIGH/CRITICAL with a fix fail the build)
	@for i in $(IMAGES); do \
	  trivy image --exit-code 1 --severity HIGH,CRITICAL --ignore-unfixed --ignorefile $(TRIVY_IGNORE) \
	    $(IMAGE_PREFIX)$$i:$(IMAGE_TAG); done

.PHONY: push-images
push-images: ## Push both images to ECR with the commit-SHA tag (tags are immutable): make push-images REGISTRY=... ENV=prod
	@test -n "$(REGISTRY)" || { echo "push-images: REGISTRY (the ECR host) is required" >&2; exit 2; }
	@for i in $(IMAGES); do docker push $(IMAGE_PREFIX)$$i:$(IMAGE_TAG); done

.PHONY: rds-snapshot
rds-snapshot: synth ## Manual RDS snapshot of ENV before a deploy applies: make rds-snapshot ENV=prod LABEL=<sha>
	ci/bin/rds-snapshot.sh $(ENV) $(or $(LABEL),$(IMAGE_TAG))

.PHONY: plan-ci
plan-ci: synth ## Plan every stack of ENV into $(PLAN_DIR)/<env>-<stack>.txt (for the PR comment); fails if one fails
	@mkdir -p $(PLAN_DIR); failed=0; \
	for s in $(STACKS_CI); do \
	  if node $(INFRA_TOOLS)/ops.js plan $(ENV) $$s > $(PLAN_DIR)/$(ENV)-$$s.txt 2>&1; then echo "plan-ci: $(ENV)-$$s ok"; \
	  else echo "plan-ci: failed" >> $(PLAN_DIR)/$(ENV)-$$s.txt; echo "plan-ci: $(ENV)-$$s FAILED"; failed=1; fi; \
	done; exit $$failed
PLAN_DIR ?= rendered/plans
STACKS_CI ?= $(shell node -e "console.log(require('./dist/infra/stacks/config.js').STACK_ORDER.join(' '))" 2>/dev/null)

.PHONY: plan-comment
plan-comment: ## Post/update the one PR comment holding every plan in PLAN_DIR (CI: GH_TOKEN, PR_NUMBER)
	ci/bin/plan-comment.sh $(PLAN_DIR)

.PHONY: validate-terraform
validate-terraform: synth ## terraform init -backend=false + validate for every synthesized stack (needs terraform + registry access)
	@for d in cdktf.out/stacks/*/; do echo "validate-terraform: $$d"; \
	  terraform -chdir=$$d init -backend=false -input=false -no-color >/dev/null && terraform -chdir=$$d validate -no-color; done

CHECKOV_VERSION := 3.2.500
.PHONY: checkov
checkov: synth ## checkov --framework terraform_json over cdktf.out (pip-installed, pinned; CI)
	@command -v checkov >/dev/null || pip install --quiet checkov==$(CHECKOV_VERSION)
	checkov --directory cdktf.out/stacks --framework terraform_json --quiet --compact

ENV_UPPER = $(shell echo $(ENV) | tr a-z A-Z)
# Every stack in apply order except `bootstrap` (it holds CI's own OIDC roles: an administrator
# applies it, so CI can never widen its rights) and `app` (deploy-app applies it with the new tag).
INFRA_STACKS = $(filter-out bootstrap app,$(STACKS_CI))

.PHONY: apply-infra
apply-infra: synth ## Apply every stack of ENV but bootstrap and app, in order, without prompts (deploy.yml after approval)
	@for s in $(INFRA_STACKS); do node $(INFRA_TOOLS)/ops.js apply $(ENV) $$s --auto-approve || exit 1; done

.PHONY: deploy-app
deploy-app: $(INFRA_JS) ## Apply the app stack of ENV running image TAG (no prompt: CI's approval is the gate): make deploy-app ENV=prod TAG=<sha>
	@test -n "$(TAG)" || { echo "deploy-app: TAG (the image tag to run) is required" >&2; exit 2; }
	TASKBOARD_$(ENV_UPPER)_IMAGE_TAG=$(TAG) node $(INFRA_JS)
	TASKBOARD_$(ENV_UPPER)_IMAGE_TAG=$(TAG) node $(INFRA_TOOLS)/ops.js apply $(ENV) app --auto-approve

.PHONY: coverage-summary
coverage-summary: ## Markdown table of api/coverage/coverage-summary.json (CI appends it to the job summary)
	node ci/coverage-summary.mts api/coverage/coverage-summary.json

##@ Quality

.PHONY: lint-workflows
lint-workflows: tools ## actionlint on every workflow in .github/workflows
	actionlint -no-color

.PHONY: test-ci
test-ci: deps tools lint-workflows ## Workflow security properties, image-to-chart contract, .dockerignore, OIDC trust (vitest)
	tsc -p ci/tsconfig.json
	vitest run --config ci/vitest.config.mts

.PHONY: security
security: tools synth ## Trivy misconfiguration scan (offline, embedded checks): Dockerfiles, rendered chart, Terraform JSON
	@$(MAKE) --no-print-directory template-chart ENV=dev >/dev/null
	@$(MAKE) --no-print-directory template-chart ENV=prod >/dev/null
	@rm -rf $(TRIVY_OUT); mkdir -p $(TRIVY_OUT); start=$$(date +%s); \
	for scan in $(TRIVY_SCANS); do name=$${scan%%=*}; target=$${scan#*=}; t0=$$(date +%s); \
	  for ignore in $(TRIVY_IGNORE):$$name.json /dev/null:$$name.all.json; do \
	    trivy config --skip-check-update --skip-version-check --disable-telemetry --cache-dir .cache/trivy \
	      --quiet --format json --output $(TRIVY_OUT)/$${ignore#*:} --ignorefile $${ignore%%:*} \
	      $$target || exit 1; done; \
	  echo "security: trivy config $$target ($$(( $$(date +%s) - t0 )) s)"; \
	done; \
	node ci/trivy-check.mts $(TRIVY_IGNORE) $(addprefix $(TRIVY_OUT)/,$(addsuffix .json,$(TRIVY_NAMES))) || exit 1; \
	echo "security: done in $$(( $$(date +%s) - start )) s (reports: $(TRIVY_OUT)/)"
# name=target: per scan, <name>.json (with the ignore file) and <name>.all.json (without: trivy
# config v0.74 has no --show-suppressed, and the check needs what each entry suppressed). An
# entry's `paths` glob the file path relative to its target (Dockerfile, dev.yaml, prod-data/cdk.tf.json).
TRIVY_SCANS := api=api/Dockerfile frontend=frontend/Dockerfile chart=$(CHART_OUT) terraform=cdktf.out/stacks
TRIVY_OUT := rendered/trivy
TRIVY_NAMES := $(foreach s,$(TRIVY_SCANS),$(firstword $(subst =, ,$(s))))

.PHONY: rehearse-image-api
rehearse-image-api: build ## Without Docker: api/Dockerfile's prod-only npm ci + compiled API in a scratch /app, started by its CMD until ready
	ci/bin/rehearse-api-image.sh
