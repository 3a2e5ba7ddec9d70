// One Jest run for the whole monorepo so the real Kafka broker and the Postgres template database are provisioned
// once (globalSetup) and shared by every project; each test file isolates itself with its own database and its own
// KAFKA_TOPIC_PREFIX. `nx test <project>` narrows the run with --selectProjects.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const projects = ['apps', 'libs']
  .flatMap((d) => fs.readdirSync(path.join(__dirname, d)).map((p) => path.join(__dirname, d, p)))
  .concat([path.join(__dirname, 'deploy'), path.join(__dirname, 'tests/e2e'), path.join(__dirname, 'tools')])
  .filter((p) => fs.existsSync(path.join(p, 'jest.config.js')));

/** @type {import('jest').Config} */
module.exports = {
  projects,
  globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
  reporters: ['default'],
};
