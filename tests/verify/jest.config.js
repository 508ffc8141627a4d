/** `make test-verify`: the verify command against make dev + moto (verify.test.ts) and its coverage of the construct (coverage.test.ts). */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/tests/verify'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 300000,
  maxWorkers: 1,
};
