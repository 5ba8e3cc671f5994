/**
 * `npm run test:deploy` (scripts/test-deploy.ts): the checks that need tools outside npm —
 * cfn-lint and the moto AWS emulator. `npm test` never runs these.
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = { ...base, roots: ['<rootDir>/test/deploy'], testPathIgnorePatterns: [], testTimeout: 120000 };
