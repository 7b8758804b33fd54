/**
 * Two projects, both in `npm test`:
 * - unit: quick, no emulator, no built bundle (`npm run test:unit` runs only these);
 * - e2e: integration against moto_server and the built entries run as the runner runs them. Its global
 *   setup first builds the current sources into a temp dir (SAFE_DEPLOY_DIST), so these tests can never
 *   pass on a stale dist/.
 */
const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  setupFilesAfterEnv: ['<rootDir>/__tests__/support/plain-output.ts'],
};

/** Tests that start moto_server or run a built entry (dist/…, bin/safe-deploy.js). */
const endToEnd = [
  '/__tests__/e2e/',
  '/__tests__/integration/',
  '/__tests__/[^/]+/action\\.test\\.ts$',
  '/__tests__/[^/]+/e2e\\.test\\.ts$',
  '/__tests__/log-injection\\.test\\.ts$',
  '/__tests__/pipeline/cli\\.test\\.ts$',
];

export default {
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...endToEnd],
    },
    {
      ...base,
      displayName: 'e2e',
      testRegex: endToEnd.map((pattern) => (pattern.endsWith('/') ? `${pattern}.*\\.test\\.ts$` : pattern)),
      globalSetup: '<rootDir>/__tests__/support/build-dist.mjs',
      globalTeardown: '<rootDir>/__tests__/support/remove-dist.mjs',
    },
  ],
  // Global options (jest ignores them inside a project).
  testTimeout: 30000,
  // moto and the GitHub stand-in are started per test file on free loopback ports. Four workers on two
  // cores: an end-to-end file mostly waits (real poll intervals and holds, moto, child processes), so
  // more files at once overlap those waits. Measured on a busy 2-core machine (load 8-10), the e2e
  // project alone: 2 workers 460 s wall and 241 s CPU (user+sys, children included); 4 workers 278 s
  // wall and 220 s CPU, with the same results.
  maxWorkers: 4,
};
