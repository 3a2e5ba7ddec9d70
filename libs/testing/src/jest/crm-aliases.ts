// Jest applies its transform to the global setup but not moduleNameMapper: this makes the @crm/* aliases of
// tsconfig.base.json resolve there too (libraries the setup loads, e.g. persistence → contracts, use them).
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../../..');
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
const aliases = new Map(Object.entries(compilerOptions.paths).map(([alias, [target]]) => [alias, join(root, target)]));
const wildcards = [...aliases].filter(([alias]) => alias.includes('*')).map(([alias, target]) => ({ parts: alias.split('*'), target }));

/** The file an @crm/* request names (exact aliases first, then `@crm/platform-*`-style wildcards), else the request. */
function aliasOf(request: string): string {
  const exact = aliases.get(request);
  if (exact) return exact;
  for (const { parts: [prefix, suffix], target } of wildcards) {
    if (request.startsWith(prefix) && request.endsWith(suffix) && request.length > prefix.length + suffix.length) return target.replace('*', request.slice(prefix.length, request.length - suffix.length));
  }
  return request;
}

type Resolve = (request: string, ...rest: unknown[]) => string;
const moduleWithResolve = Module as unknown as { _resolveFilename: Resolve };
const original = moduleWithResolve._resolveFilename;
moduleWithResolve._resolveFilename = function resolveAlias(this: unknown, request: string, ...rest: unknown[]): string {
  return original.call(this, aliasOf(request), ...rest);
};
