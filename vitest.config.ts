import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // DuckDB work and child processes make parallel files compete for 2 cores; forks isolate native state.
    pool: 'forks',
    maxWorkers: 2,
  },
});
