/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Every core: jest's default (cores − 1) runs one worker on a 2-core machine, and the parent only collects results.
  maxWorkers: '100%',
  roots: ['<rootDir>/test'],
  // imports/ is generated (cdk8s import), and regenerated when its CRDs changed: `npx jest` alone works too.
  globalSetup: '<rootDir>/scripts/gen-imports.js',
  testMatch: ['**/*.test.ts'],
  // Steps of .ci/run of their own, not of `npm test` (kept under a minute): the packaging test installs the
  // tarball twice (minutes, `npm run test:package`); `npm run test:integration` runs the synth command as users
  // do (npm, the compiled entry, the cdk8s CLI: child processes) and the mutation test of the Pulumi identity
  // checks (a test of the tests), about 30 s of CPU together.
  testPathIgnorePatterns: [
    '/node_modules/',
    ...(process.env.CB_PACKAGE_TEST ? [] : ['<rootDir>/test/package.test.ts']),
    ...(process.env.CB_INTEGRATION_TEST ? [] : ['<rootDir>/test/stacks/main.test.ts', '<rootDir>/test/pulumi/mutations.test.ts']),
  ],
  // Transpile only, with swc (a fresh clone transpiles every file: about 20 s less than ts-jest's transpileModule);
  // `npm run lint` type-checks with `tsc --noEmit` (in CI before `npm test`). The options keep what tsc emits for this
  // tsconfig: ES2022 class fields with define semantics, class names (messages read `SomeClass.name`), CommonJS.
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript' },
          target: 'es2022',
          keepClassNames: true,
          transform: { useDefineForClassFields: true },
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  snapshotFormat: { printBasicPrototype: false },
};
