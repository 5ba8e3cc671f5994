/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // cfn-lint and moto tests need tools outside npm: `npm run test:deploy` runs them.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/deploy/'],
  transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] },
  // middy 6 is ESM-only: let ts-jest transform it.
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  testTimeout: 30000,
  // Tests never write audio into the repository's .data folder (see the file).
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
};
