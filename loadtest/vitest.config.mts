import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Artillery runs are real processes on a shared 2-core machine.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // One Artillery run at a time: parallel files would compete for the same CPU and skew latency.
    fileParallelism: false,
  },
});
