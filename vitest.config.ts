import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Every answer the tests receive from startTestService is held against the OpenAPI document.
    setupFiles: ['test/setup/contract.ts'],
    // The desk's browser tests run after everything else: a chromium on the
    // shared two cores would otherwise starve the load and crash tests
    // (load shedding, timeouts) that run beside it.
    projects: [
      {
        extends: true,
        test: { name: 'service', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**', '**/node_modules/**'], sequence: { groupOrder: 0 } },
      },
      { extends: true, test: { name: 'desk-e2e', include: ['test/e2e/**/*.test.ts'], sequence: { groupOrder: 1 } } },
    ],
  },
});
