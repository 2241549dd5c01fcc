/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type checking runs once in `npm test` (tsc --noEmit); with isolatedModules ts-jest only transpiles.
  transform: { '^.+\\.ts$': 'ts-jest' },
};
