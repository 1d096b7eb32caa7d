import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'server/**/*.test.ts', 'sandbox/**/*.test.ts', 'texml-templates/**/*.test.ts', 'lib/**/*.test.ts'],
    // PGlite costs ~2.5 s and ~0.7 GB per instance: one per test file, and no more
    // files in flight than this 2-core, 24 GB machine handles comfortably.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
