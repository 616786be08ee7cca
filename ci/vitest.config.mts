import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Delivery tests (make test-ci): workflow security properties, the image-to-chart contract,
// the Docker build context. Run from the repository root.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['test/**/*.test.ts'],
    // Renders the chart with helm: generous on a loaded 2-core machine.
    testTimeout: 120_000,
    fileParallelism: false,
  },
});
