// Two projects: `unit` (fast, in-process: cdktf synths and the runner with SDK mocks; event
// patterns run through event-ruler in a JVM, built by `npm run setup:event-ruler`, which
// `npm run unit` runs first) and `integration` (the built ecs-batch CLI as a subprocess against
// moto's server; needs `npm run build` and `npm run setup:python`, which `npm run test:integration`
// runs first).
const integrationDir = "<rootDir>/test/runner/integration/";

// tsconfig has isolatedModules, so ts-jest only transpiles; `tsc --noEmit` (npm test) type-checks.
const transform = { "^.+\\.ts$": "ts-jest" };

/** @type {import('jest').Config} */
module.exports = {
  reporters: ["default", "<rootDir>/test/summary-reporter.js"],
  projects: [
    {
      displayName: "unit",
      testEnvironment: "node",
      roots: ["<rootDir>/test"],
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", integrationDir],
      transform,
      setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
    },
    {
      displayName: "integration",
      testEnvironment: "node",
      roots: ["<rootDir>/test"],
      testMatch: [`${integrationDir}**/*.test.ts`],
      transform,
      // testTimeout is a global-only option: a project sets its own with jest.setTimeout.
      setupFilesAfterEnv: [`${integrationDir}jest-timeout.ts`],
    },
  ],
};
