import { configDefaults, defineConfig } from 'vitest/config';

// These HTTP suites name both engines themselves (describe.each(engines)), so the second project skips them.
const httpSuitesOnBothEngines = [
  'test/http/admin-last-admin-race.test.ts',
  'test/http/directory-recheck.test.ts',
  'test/http/read-cache.test.ts',
];

export default defineConfig({
  test: {
    // Inherited by both projects (an inline project extends this config; `include` stays per project, as
    // arrays would be appended). The root globalSetup runs once for the whole run.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
    projects: [
      {
        test: {
          name: 'default',
          include: [
            'src/**/*.test.ts',
            'src/**/*.test.tsx',
            'emails/**/*.test.tsx',
            'test/**/*.test.ts',
            'test/**/*.test.tsx',
          ],
        },
      },
      {
        // The HTTP suites again with testApp() on PostgreSQL (test/support/test-app.ts), so bad input and
        // concurrency are proven on both engines. Cost on the 2-core CI machine (2026-11-29): 145 s of the
        // 365 s of test-file time; npm test as a whole took 8 min 29 s (about 5 min without this project).
        test: {
          name: 'http-postgres',
          include: ['test/http/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...httpSuitesOnBothEngines],
          env: { TEST_ACCOUNTS_ENGINE: 'postgres' },
        },
      },
    ],
  },
});
