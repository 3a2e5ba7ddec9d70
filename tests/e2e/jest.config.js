'use strict';
module.exports = { ...require('../../jest.preset.js')(__dirname), testMatch: ['<rootDir>/**/*.spec.ts', '<rootDir>/**/*.int-spec.ts', '<rootDir>/**/*.e2e-spec.ts'] };
