#!/usr/bin/env node
// Compiles apps/, libs/ and tools/ with SWC into dist/ (same layout), rewriting the @crm/* path aliases of
// tsconfig.base.json into relative requires so the output runs with plain `node`. Type checking is separate
// (`npm run typecheck`): SWC only strips types, which keeps the build at well under a second.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'dist');
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));

function* walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') yield* walk(full);
    } else if (/\.ts$/.test(entry.name) && !/\.(spec|int-spec|d)\.ts$/.test(entry.name)) {
      yield full;
    }
  }
}

async function main() {
  const started = Date.now();
  fs.rmSync(out, { recursive: true, force: true });
  const files = ['apps', 'libs', 'tools'].flatMap((d) => (fs.existsSync(path.join(root, d)) ? [...walk(path.join(root, d))] : []));
  await Promise.all(
    files.map(async (file) => {
      const result = await swc.transformFile(file, {
        swcrc: false,
        sourceMaps: true,
        module: { type: 'commonjs', strict: true },
        jsc: {
          target: 'es2023',
          keepClassNames: true,
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          baseUrl: root,
          paths: compilerOptions.paths,
        },
      });
      const target = path.join(out, path.relative(root, file)).replace(/\.ts$/, '.js');
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, `${result.code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
      if (result.map) fs.writeFileSync(`${target}.map`, result.map);
    }),
  );
  // Non-TypeScript assets that apps serve at run time (e.g. the widget script).
  for (const file of ['apps', 'libs'].flatMap((d) => (fs.existsSync(path.join(root, d)) ? [...assets(path.join(root, d))] : []))) {
    const target = path.join(out, path.relative(root, file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(file, target);
  }
  console.log(`built ${files.length} files into dist/ in ${Date.now() - started} ms`);
}

function* assets(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'assets' || full.includes(`${path.sep}assets${path.sep}`)) yield* all(full);
      else if (entry.name !== 'node_modules') yield* assets(full);
    }
  }
}
function* all(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* all(full);
    else yield full;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
