// Lets a child process run the TypeScript sources directly (`node -r libs/testing/src/child/ts-register.js x.ts`),
// the way Jest does: SWC strips types and keeps decorator metadata, and @crm/* aliases resolve to libs/*/src.
// Used by tests that SIGKILL a real consumer/service process and restart it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '../../../..');
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
const aliases = Object.fromEntries(Object.entries(compilerOptions.paths).map(([k, [v]]) => [k, path.join(root, v)]));
// Wildcard aliases (`@crm/platform-*` → `libs/platform-*/src/index.ts`).
const wildcards = Object.entries(aliases).filter(([k]) => k.includes('*')).map(([k, v]) => [k.split('*'), v]);
function aliasOf(request) {
  if (aliases[request]) return aliases[request];
  for (const [[prefix, suffix], target] of wildcards) {
    if (request.startsWith(prefix) && request.endsWith(suffix) && request.length > prefix.length + suffix.length) return target.replace('*', request.slice(prefix.length, request.length - suffix.length));
  }
  return request;
}

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolve(request, parent, ...rest) {
  return originalResolve.call(this, aliasOf(request), parent, ...rest);
};

require.extensions['.ts'] = function compile(module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    swcrc: false,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: {
      target: 'es2023',
      keepClassNames: true,
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
  });
  module._compile(code, filename);
};
require('reflect-metadata');
