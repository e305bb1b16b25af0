/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The packaging test installs the tarball twice (minutes): `npm run test:package`, a step of .ci/run.
  testPathIgnorePatterns: ['/node_modules/', ...(process.env.CB_PACKAGE_TEST ? [] : ['<rootDir>/test/package.test.ts'])],
  // Transpile only: `npm test` type-checks once with `tsc --noEmit` before jest runs.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  snapshotFormat: { printBasicPrototype: false },
};
