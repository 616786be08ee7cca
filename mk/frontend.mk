# The Vue SPA (frontend/): build, tests (unit + budget + nginx + Chromium end-to-end) and the
# browser bench. The API serves frontend/dist in local mode, so `make demo` builds it first.

TEST_TARGETS += test-frontend
BENCH_TARGETS += bench-frontend
DEMO_STEPS += build-frontend

FRONTEND_DIR := frontend

##@ Local

.PHONY: build-frontend
build-frontend: deps ## Type-check and build the SPA into frontend/dist (served by the API in local mode)
	cd $(FRONTEND_DIR) && vue-tsc --noEmit -p tsconfig.json && vite build

.PHONY: dev-frontend
dev-frontend: deps ## Vite dev server with hot reload, proxying /api to the API on :3000 (run `make demo` beside it)
	cd $(FRONTEND_DIR) && vite

##@ Quality

.PHONY: test-frontend
test-frontend: build build-frontend tools ## SPA: component/store tests, bundle budget, nginx config (Debian nginx), e2e + axe in Chromium
	cd $(FRONTEND_DIR) && vitest run --project unit --project build
	cd $(FRONTEND_DIR) && vitest run --project e2e

.PHONY: test-frontend-unit
test-frontend-unit: deps ## SPA component and store tests only (fast, no build or browser)
	cd $(FRONTEND_DIR) && vitest run --project unit

.PHONY: bench-frontend
bench-frontend: build build-frontend ## Headless Chromium vs the local API: FCP and interactive 200-task board; throttled-phone login JS bytes, LCP and TBT budgets
	cd $(FRONTEND_DIR) && vitest run --project bench
