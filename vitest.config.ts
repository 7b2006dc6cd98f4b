import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: { '@parley/contract': new URL('./packages/contract/src/index.ts', import.meta.url).pathname },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    maxWorkers: 2,
    allowOnly: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { TZ: 'UTC' },
  },
});
