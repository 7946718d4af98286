import { defineConfig } from 'vitest/config';

/**
 * Tests that need no Docker Engine and no suite registry: the pure rules, models and parsers.
 * `npm run test:unit` runs only these, with no global setup, so they pass on a machine without an
 * engine. A new test file lands in the engine project unless it is listed here.
 */
const UNIT = [
  'test/release/**/*.test.ts',
  'test/mercure/**/*.test.ts',
  'test/contract/**/*.test.ts',
  'test/fuzz/**/*.test.ts',
  'test/registry/reference.test.ts',
  'test/registry/challenge.test.ts',
  'test/registry/transport.test.ts',
  'test/registry/auth-flow.test.ts',
  'test/hub/limits.test.ts',
  'test/cli/terminal-logger.test.ts',
  'test/cli/style.test.ts',
  'test/cli/render-publish.test.ts',
  'test/action/inputs.test.ts',
  'test/action/annotations.test.ts',
  'test/action/action-yml.test.ts',
  'test/action/outputs.test.ts',
  'test/action/report-file.test.ts',
  'test/report/pixels.test.ts',
  'test/action/workflows.test.ts',
  'test/scripts/**/*.test.ts',
  'test/scaffold/names.test.ts',
  'test/scaffold/module-py.test.ts',
  'test/docs/findings.test.ts',
  'test/architecture/**/*.test.ts',
  'test/retry/**/*.test.ts',
  'test/credentials/docker-config.test.ts',
  'test/front-door/**/*.test.ts',
  'test/exact-json.test.ts',
  'test/pipeline/matrix-schedule.test.ts',
];

export default defineConfig({
  test: {
    // Engine tests share one Docker engine and one registry; keep files from fighting over 2 cores.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // The JSON results let .ci/run print one plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: '.mmk-cache/vitest-results.json' }]],
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      {
        extends: true,
        test: {
          name: 'engine',
          include: ['test/**/*.test.ts'],
          exclude: UNIT,
          // One engine, base images and two registries for the whole suite; after it, no leftovers.
          globalSetup: ['test/global-setup.ts', 'test/global-registry.ts'],
        },
      },
    ],
  },
});
