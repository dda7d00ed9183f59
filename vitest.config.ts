import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // 2-core machines: ONNX sessions and SQLite are CPU-bound; more forks only thrash.
    maxWorkers: 2,
  },
});
