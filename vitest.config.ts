import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { CHROMIUM } from './test/support/chromium.js';
import { postgresSelection } from './test/support/postgres-selection.js';
import { postgresReachable, TEST_DATABASE_URL } from './test/support/test-database.js';

export default defineConfig(async () => {
  const postgres = await postgresReachable();
  if (!postgres) {
    const required = process.env.BETA_METRICS_REQUIRE_POSTGRES === '1';
    const message = `PostgreSQL is not reachable at ${TEST_DATABASE_URL}`;
    if (required)
      throw new Error(
        `${message}, and BETA_METRICS_REQUIRE_POSTGRES=1 requires it. Start it, or set BETA_METRICS_TEST_DATABASE_URL.`,
      );
    console.warn(
      `\n  !! ${message}: the PostgreSQL tests (the store suite, the HTTP suite and the multi-node tests on PostgreSQL) are SKIPPED.\n     Start PostgreSQL or set BETA_METRICS_TEST_DATABASE_URL to run them; CI requires them.\n`,
    );
  }
  const chromium = existsSync(CHROMIUM);
  if (!chromium) {
    console.warn(
      `\n  !! ${CHROMIUM} does not exist: the dashboard's browser test (test/browser) is SKIPPED.\n     Install Debian's Chromium (apt-get install -y chromium) or set BETA_METRICS_CHROMIUM to run it.\n`,
    );
  }
  return {
    test: {
      // Two files at a time, not vitest's default of cores - 1 (one on these 2-core machines): most test files
      // wait on PostgreSQL, child processes or Chromium rather than compute, and the suite must stay well under
      // CI's 20 minutes. Timeouts are generous enough for the contention this adds.
      maxWorkers: 2,
      projects: [
        {
          test: {
            name: 'unit',
            include: ['src/**/*.test.ts', 'test/wire/**/*.test.ts', 'test/architecture/**/*.test.ts'],
            exclude: ['src/storage/postgres/**'],
            testTimeout: 20_000,
            // Some files load the demo in a hook (the page's examples), which takes over 10 s with two files
            // running at once on 2 cores.
            hookTimeout: 30_000,
          },
        },
        {
          test: {
            name: 'e2e',
            include: ['test/e2e/**/*.test.ts', 'test/examples/**/*.test.ts'],
            exclude: ['test/e2e/postgres/**'],
            testTimeout: 60_000,
            hookTimeout: 60_000,
          },
        },
        ...(postgres
          ? [
              {
                test: {
                  name: 'postgres',
                  // Every test that takes its store from test/support, found by its imports (see the module).
                  include: [...postgresSelection().files],
                  env: { BETA_METRICS_TEST_BACKEND: 'postgres' },
                  testTimeout: 30_000,
                  hookTimeout: 30_000,
                },
              },
              {
                test: {
                  name: 'e2e-postgres',
                  include: ['test/e2e/postgres/**/*.test.ts'],
                  env: { BETA_METRICS_TEST_BACKEND: 'postgres' },
                  testTimeout: 90_000,
                  hookTimeout: 60_000,
                },
              },
            ]
          : []),
        ...(chromium
          ? [
              {
                test: {
                  name: 'browser',
                  include: ['test/browser/**/*.test.ts'],
                  testTimeout: 120_000,
                  hookTimeout: 300_000,
                },
              },
            ]
          : []),
      ],
    },
  };
});
