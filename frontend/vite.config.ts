import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';
import { precompress } from './build/precompress';

// The contracts are consumed as TypeScript source: Vite tree-shakes them and the SPA never
// waits on (or ships) the CommonJS build the API uses.
const contracts = fileURLToPath(new URL('../contracts/src/index.ts', import.meta.url));
const apiTarget = process.env.TASKBOARD_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [vue(), precompress()],
  resolve: { alias: { '@taskboard/contracts': contracts } },
  build: {
    target: 'es2022',
    // The board is its own chunk (a lazy route): login downloads only what login needs.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  // `npm run dev` proxies the API so the dev server is same-origin like production.
  server: { proxy: { '/api': apiTarget, '/health': apiTarget } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          environment: 'happy-dom',
          restoreMocks: true,
          unstubGlobals: true,
        },
      },
      {
        extends: true,
        test: { name: 'build', include: ['test/**/*.test.ts'], environment: 'node', testTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One browser and one API at a time: the machine has two cores shared with others.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'bench',
          include: ['e2e/**/*.bench.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
