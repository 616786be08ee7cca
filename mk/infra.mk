# Infrastructure (CDKTF): synthesize, test, snapshot and operate the Terraform stacks.
# Stacks are compiled to dist/infra once and synthesized from JS (deep provider imports),
# which is what keeps `make synth` around a second. See docs/infrastructure.md.

INFRA_SRC := main.ts tsconfig.infra.json tsconfig.base.json cdktf.json \
	$(shell find stacks -name '*.ts' -not -name '*.test.ts' -not -path '*/test/*' 2>/dev/null) \
	dashboards/src/alertmanager/config.ts
INFRA_JS := dist/infra/main.js
INFRA_TOOLS := dist/infra/stacks/tools
ENV ?= dev
STACK ?= all
export CHECKPOINT_DISABLE := 1

TEST_TARGETS += test-infra
BENCH_TARGETS += bench-infra
DEMO_STEPS += synth

# The edge stack imports the SPA's security headers from the compiled contracts package.
CONTRACTS_JS := contracts/dist/index.js
$(CONTRACTS_JS): $(wildcard contracts/src/*.ts) contracts/tsconfig.json | deps
	tsc -b contracts
	@touch $@

$(INFRA_JS): $(INFRA_SRC) $(CONTRACTS_JS) $(CANARY_MANIFEST) | deps
	tsc -p tsconfig.infra.json
	@touch $@

##@ Infrastructure phases

.PHONY: synth
synth: $(INFRA_JS) ## Write cdktf.out/stacks/<env>-<stack>/cdk.tf.json for every stack of dev and prod
	@start=$$(date +%s%N); node $(INFRA_JS); end=$$(date +%s%N); \
	n=$$(ls -d cdktf.out/stacks/*/ | wc -l); \
	echo "synth: Terraform JSON for $$n stacks in $$(( (end - start) / 1000000 )) ms -> $(CURDIR)/cdktf.out/stacks/<env>-<stack>/cdk.tf.json (e.g. cdktf.out/stacks/prod-cluster/cdk.tf.json)"

.PHONY: synth-hcl
synth-hcl: $(INFRA_JS) ## Also write HCL (cdk.tf) per stack for review, via the cdktf CLI
	cdktf synth --hcl --output cdktf.out/hcl
	@echo "synth-hcl: HCL in $(CURDIR)/cdktf.out/hcl/stacks/<env>-<stack>/cdk.tf"

.PHONY: policy-infra
policy-infra: synth ## Run the security policy suite over the synthesized JSON and print the report
	node $(INFRA_TOOLS)/policy.js cdktf.out

.PHONY: plan
plan: synth ## terraform plan via cdktf: make plan ENV=dev STACK=network (STACK=all walks the apply order; app needs TASKBOARD_<ENV>_IMAGE_TAG)
	node $(INFRA_TOOLS)/ops.js plan $(ENV) $(STACK)

.PHONY: apply
apply: synth ## Apply one stack (or all, in order) via cdktf deploy: make apply ENV=dev STACK=network (AUTO_APPROVE=1: no prompt, CI)
	node $(INFRA_TOOLS)/ops.js apply $(ENV) $(STACK) $(if $(AUTO_APPROVE),--auto-approve)

.PHONY: destroy
destroy: synth ## Destroy one stack (or all, in reverse order) after typing the env name: make destroy ENV=dev
	node $(INFRA_TOOLS)/ops.js destroy $(ENV) $(STACK)

##@ Day 1

.PHONY: day1
day1: synth ## Day 1: bootstrap -> network -> data -> cluster -> registry -> edge -> alerting -> audit, confirmed; DRY_RUN=1 prints the order
	node $(INFRA_TOOLS)/ops.js day1 $(ENV) $(if $(DRY_RUN),--dry-run)

##@ Day 2

.PHONY: day2
day2: synth ## Day 2: platform (add-ons) -> app (the taskboard release) -> app-alarms (ALB alarms, dashboard), confirmed; needs TASKBOARD_<ENV>_IMAGE_TAG; DRY_RUN=1 prints the order
	node $(INFRA_TOOLS)/ops.js day2 $(ENV) $(if $(DRY_RUN),--dry-run)

##@ Day 3

.PHONY: day3
day3: $(INFRA_JS) ## Day 3: check dashboards/rules shipped, Prometheus targets, log delivery; Grafana login hint (read-only); DRY_RUN=1 lists the checks
	node $(INFRA_TOOLS)/ops.js day3 $(ENV) $(if $(DRY_RUN),--dry-run)

##@ Quality

.PHONY: typecheck-infra
typecheck-infra: deps $(CONTRACTS_JS) ## Type-check the infrastructure code and its tests (strict)
	tsc -p tsconfig.infra.json --noEmit
	tsc -p stacks/tsconfig.test.json

.PHONY: test-infra
test-infra: typecheck-infra $(INFRA_JS) ## Stack unit tests, security policy suite, dev/prod diff and stale-snapshot check (the compiled ops CLI too)
	vitest run --config stacks/vitest.config.mts

.PHONY: snapshot-infra
snapshot-infra: $(INFRA_JS) ## Regenerate the committed JSON snapshot (stacks/__snapshots__) after a reviewed change
	node $(INFRA_TOOLS)/snapshot.js

.PHONY: docs-alarms
docs-alarms: $(INFRA_JS) ## Regenerate docs/alarms.md (every CloudWatch alarm: metric, threshold, window, topic, runbook)
	node $(INFRA_TOOLS)/alarm-table.js

.PHONY: docs-cost
docs-cost: $(INFRA_JS) ## Regenerate the README's monthly cost table (synthesized JSON × stacks/pricing/eu-west-1.json)
	node $(INFRA_TOOLS)/cost-table.js

.PHONY: check-versions
check-versions: $(INFRA_JS) ## Ask AWS whether every version ENV pins is still offered (table; exit 1 on a dead pin): make check-versions ENV=dev
	node $(INFRA_TOOLS)/check-versions.js $(ENV)

.PHONY: chart-values
chart-values: $(INFRA_JS) tools ## Fetch the pinned platform charts' default values (helm show values) for the values-key test when ../shared is absent
	node $(INFRA_TOOLS)/chart-values.js

.PHONY: bench-infra
bench-infra: $(INFRA_JS) ## Time our synth against the naive root-import path under the cdktf CLI (targets enforced)
	node $(INFRA_TOOLS)/bench.js
