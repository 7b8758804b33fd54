/** Unit, integration (moto over HTTP) and end-to-end (built dist/ bundles) tests in one run. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testTimeout: 30000,
  // moto and the GitHub stand-in are started per test file on free loopback ports.
  maxWorkers: 2,
};
