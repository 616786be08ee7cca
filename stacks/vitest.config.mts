import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Infra tests only: run from the repository root with `vitest run --config stacks/vitest.config.mts`.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['stacks/**/*.test.ts'],
    // Each file synthesizes the whole app (~0.5 s); leave room on a busy shared CPU.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
