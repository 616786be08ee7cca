import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Infra tests only: run from the repository root with `vitest run --config stacks/vitest.config.mts`.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['stacks/**/*.test.ts'],
    // Each file synthesizes the whole app (16 stacks, ~1 s idle); leave room on a busy shared CPU.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
