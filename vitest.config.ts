import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Engine tests share one Docker engine and one registry; keep files from fighting over 2 cores.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 600_000,
    globalSetup: ['test/global-setup.ts', 'test/global-registry.ts'],
    // The JSON results let .ci/run print one plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: '.mmk-cache/vitest-results.json' }]],
  },
});
