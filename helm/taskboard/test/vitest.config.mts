import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The chart's tests: run from the repository root with
// `vitest run --config helm/taskboard/test/vitest.config.mts` (make test-chart).
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['**/*.test.ts'],
    // Each file shells out to helm several times; the contract test starts the API and nginx.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // A shared 2-core machine: one file at a time.
    fileParallelism: false,
  },
});
