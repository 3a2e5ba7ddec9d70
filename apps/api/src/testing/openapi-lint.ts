import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@crm/testing';

/** One finding of `redocly lint` (recommended rules) in an OpenAPI document. */
export interface OpenApiProblem {
  severity: 'error' | 'warn' | 'off';
  ruleId: string;
  message: string;
  /** JSON pointer into the document, e.g. `#/paths/~1api~1v1~1me/get/summary`. */
  pointer: string;
  ignored?: true;
}

/**
 * Lints `document` with @redocly/openapi-core's `recommended` ruleset (every rule at its recommended severity) and
 * answers every problem, warnings included. Runs in a child Node process (the package is ESM-only).
 */
export function lintOpenApi(document: unknown): Promise<OpenApiProblem[]> {
  const root = repoRoot();
  const child = spawn(process.execPath, ['-r', join(root, 'libs/testing/src/child/ts-register.js'), join(__dirname, 'openapi-lint.child.ts')], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => stdout.push(c));
  child.stderr.on('data', (c: Buffer) => stderr.push(c));
  child.stdin.end(JSON.stringify(document));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`openapi lint child exited with ${code}: ${Buffer.concat(stderr).toString('utf8')}`));
      resolve(JSON.parse(Buffer.concat(stdout).toString('utf8')) as OpenApiProblem[]);
    });
  });
}

/** `warn  no-invalid-media-type-examples  #/paths/…: message` — one line per problem, for test failures. */
export function formatOpenApiProblem(p: OpenApiProblem): string {
  return `${p.severity.padEnd(5)} ${p.ruleId}  ${decodePointer(p.pointer)}: ${p.message}${p.ignored ? ' (ignored)' : ''}`;
}

/** `#/paths/~1api~1v1~1me/get/summary` → `paths › /api/v1/me › get › summary`. */
function decodePointer(pointer: string): string {
  return pointer
    .replace(/^#\/?/, '')
    .split('/')
    .map((segment) => decodeURIComponent(segment.replace(/~1/g, '/').replace(/~0/g, '~')))
    .join(' › ');
}
