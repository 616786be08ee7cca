import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // promtool evaluates multi-day series and the live test starts real processes.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // CPU is shared: run files one after another so promtool and the live drill never overlap.
    fileParallelism: false,
  },
});
