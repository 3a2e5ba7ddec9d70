// Shared Jest settings for every project: SWC transform (with decorator metadata for NestJS/TypeORM/class-validator)
// and the @crm/* aliases of tsconfig.base.json.
'use strict';
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

// A wildcard alias (`@crm/platform-*` → `libs/platform-*/src/index.ts`) becomes a capture group.
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) =>
    alias.includes('*')
      ? [`^${alias.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace('*', '(.*)')}$`, path.join(__dirname, target.replace('*', '$1'))]
      : [`^${alias}$`, path.join(__dirname, target)],
  ),
);

/** @param {string} dir project directory  @returns {import('jest').Config} */
module.exports = function preset(dir) {
  return {
    displayName: path.basename(dir),
    rootDir: dir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/**/*.spec.ts', '<rootDir>/**/*.int-spec.ts'],
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          swcrc: false,
          jsc: {
            target: 'es2023',
            keepClassNames: true,
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          },
          module: { type: 'commonjs' },
        },
      ],
    },
    moduleFileExtensions: ['ts', 'js', 'json'],
    moduleNameMapper,
    setupFiles: [path.join(__dirname, 'libs/testing/src/jest/setup-env.ts')],
  };
};
