import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Every answer the tests receive from startTestService is held against the OpenAPI document.
    setupFiles: ['test/setup/contract.ts'],
  },
});
