import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC compiles the NestJS decorators with their metadata (esbuild drops emitDecoratorMetadata).
const plugins = [swc.vite({ module: { type: 'es6' } })];

export default defineConfig({
  test: {
    projects: [
      {
        plugins,
        test: { name: 'unit', include: ['src/**/*.test.ts', 'bench/**/*.test.ts'], environment: 'node' },
      },
      {
        plugins,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Files run in parallel workers; each gets its own database, so they never share state.
          pool: 'forks',
        },
      },
    ],
  },
});
