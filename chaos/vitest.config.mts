import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Chaos catalogue, manifests and `make chaos` logic: run from the repository root with
// `vitest run --config chaos/vitest.config.mts` (make test-chaos).
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['test/**/*.test.ts'],
    // helm template and the CRD schemas (the Workflow one is ~10k lines) take a while on a busy CPU.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
