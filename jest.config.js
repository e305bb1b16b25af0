/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Every core: jest's default (cores − 1) runs one worker on a 2-core machine, and the parent only collects results.
  maxWorkers: '100%',
  roots: ['<rootDir>/test'],
  // imports/ is generated (cdk8s import), and regenerated when its CRDs changed: `npx jest` alone works too.
  globalSetup: '<rootDir>/scripts/gen-imports.js',
  testMatch: ['**/*.test.ts'],
  // The packaging test installs the tarball twice (minutes): `npm run test:package`, a step of .ci/run.
  testPathIgnorePatterns: ['/node_modules/', ...(process.env.CB_PACKAGE_TEST ? [] : ['<rootDir>/test/package.test.ts'])],
  // Transpile only: `npm test` type-checks once with `tsc --noEmit` before jest runs.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  snapshotFormat: { printBasicPrototype: false },
};
