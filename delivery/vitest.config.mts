import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // The smoke and drill tests start real API processes and nginx.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // CPU is shared: one file at a time, so the drill's traffic never competes with another suite.
    fileParallelism: false,
  },
});
